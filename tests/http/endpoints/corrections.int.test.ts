/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any -- answers are JSON read back as a client sees them */
import { EVENT_EXAMPLES } from '../../../src/domain/events/examples';
import { eventsOf, onBothStores, usd, type Api } from './api';

jest.setTimeout(60_000);

// The founding deal of the catalogue's examples: the upfront fee, $1M, due 2004-10-31; the IND of
// 2008-01-15 makes 5.2(a), $1.5M, due 2008-02-14; late interest 12% a year, actual/365, half-up.
const TERMS = EVENT_EXAMPLES.AgreementSigned.terms;
const A = TERMS.agreementId;

async function obligation(api: Api, obligationId: string, asOf = '2008-03-31'): Promise<any> {
  await api.settled();
  const answer = await api.expectStatus(200, 'GET', `/obligations/${obligationId}?asOf=${asOf}`);
  return answer.body;
}

async function foundingDeal(api: Api): Promise<{ upfront: any; ind: any }> {
  await api.sign(TERMS);
  await api.fact('biib015', 'INDSubmitted', { jurisdiction: 'US', submittedOn: '2008-01-15' });
  const items = await api.list(`/obligations?agreementId=${A}`);
  const upfront = items.find((o: any) => o.kind === 'upfront-fee');
  const ind = items.find((o: any) => o.clauseId === '5.2(a)');
  expect(ind).toMatchObject({ dueOn: '2008-02-14', amountDue: usd('1500000.00') });
  return { upfront, ind };
}

const path = (obligationId: string, what: string) => `/obligations/${obligationId}/${what}`;

onBothStores('corrections over REST', (api) => {
  it('waives part of an obligation, then the rest: its amount due falls by each waiver and it ends waived', async () => {
    const { upfront } = await foundingDeal(api);
    const waiver = {
      reason: 'Waived as a courtesy while the licensee’s bank transfer was delayed',
      waivedOn: '2004-11-15',
    };
    await api.command(A, path(upfront.obligationId, 'waivers'), {
      ...waiver,
      amount: usd('250000.00'),
    });
    // 1,000,000.00 - 250,000.00 = 750,000.00
    expect(await obligation(api, upfront.obligationId)).toMatchObject({
      amount: usd('1000000.00'),
      waived: usd('250000.00'),
      amountDue: usd('750000.00'),
      openBalance: usd('750000.00'),
      status: 'payable',
      overdue: true,
    });

    await api.command(A, path(upfront.obligationId, 'waivers'), {
      ...waiver,
      amount: usd('750000.00'),
    });
    expect(await obligation(api, upfront.obligationId)).toMatchObject({
      waived: usd('1000000.00'),
      amountDue: usd('0.00'),
      openBalance: usd('0.00'),
      status: 'waived',
      overdue: false,
    });
    const waived = await api.list(`/obligations?agreementId=${A}&status=waived`);
    expect(waived.map((o: any) => o.obligationId)).toEqual([upfront.obligationId]);

    const tooMuch = await api.command(
      A,
      path(upfront.obligationId, 'waivers'),
      { ...waiver, amount: usd('0.01') },
      422,
    );
    expect(tooMuch.body.errors).toEqual([expect.objectContaining({ pointer: '/amount' })]);
  });

  it('disputes part of an obligation (disputed, no late interest on that part) and resolves the dispute (payable again)', async () => {
    const { ind } = await foundingDeal(api);
    const disputed = await api.command(A, path(ind.obligationId, 'disputes'), {
      reason: 'The licensee says the IND was filed by its partner, not under this licence',
      disputedOn: '2008-02-10',
      disputedBy: 'licensee',
      amount: usd('500000.00'),
    });
    const [dispute] = eventsOf(disputed, 'ObligationDisputed');
    expect(await obligation(api, ind.obligationId)).toMatchObject({
      status: 'disputed',
      disputed: usd('500000.00'),
      openBalance: usd('1500000.00'),
      overdue: false,
    });
    const listed = await api.list(`/obligations?status=disputed`);
    expect(listed.map((o: any) => o.obligationId)).toEqual([ind.obligationId]);

    const resolved = await api.command(A, `/disputes/${dispute.eventId}/resolution`, {
      reason: 'The licensee withdrew its claim',
      resolvedOn: '2008-03-20',
      outcome: 'obligation-stands',
    });
    expect(eventsOf(resolved, 'ObligationDisputeResolved')[0].data).toMatchObject({
      obligationId: ind.obligationId,
      disputeEventId: dispute.eventId,
    });
    expect(await obligation(api, ind.obligationId)).toMatchObject({
      status: 'payable',
      disputed: usd('0.00'),
      overdue: true,
    });

    // Late interest through 2008-03-31 skips the disputed 500,000.00 while the dispute was open:
    // 2008-02-15..03-20 (15 days of a leap February + 20 of March = 35) on 1,000,000.00, then
    // 2008-03-21..31 (11 days) on 1,500,000.00:
    // (1,000,000 x 0.12 x 35 + 1,500,000 x 0.12 x 11) / 365 = (4,200,000 + 1,980,000) / 365
    // = 6,180,000 / 365 = 16,931.5068... -> 16,931.51.
    const accrued = await api.command(A, '/late-interest-accruals', { asOf: '2008-03-31' });
    const onInd = eventsOf(accrued, 'LateInterestAccrued').find(
      (e: any) => e.data.obligationId === ind.obligationId,
    );
    expect(onInd.data).toMatchObject({
      interest: usd('16931.51'),
      stretches: [
        expect.objectContaining({ days: 35, principal: usd('1000000.00') }),
        expect.objectContaining({ days: 11, principal: usd('1500000.00') }),
      ],
    });
  });

  it('adjusts an obligation by signed differences: the amount due moves by each, and a reversed adjustment is undone', async () => {
    const { ind } = await foundingDeal(api);
    const adjustment = { adjustedOn: '2008-02-01', reason: 'Settlement of the IND dispute' };
    await api.command(A, path(ind.obligationId, 'adjustments'), {
      ...adjustment,
      difference: usd('-100000.00'),
    });
    // 1,500,000.00 - 100,000.00 = 1,400,000.00
    expect(await obligation(api, ind.obligationId)).toMatchObject({
      amount: usd('1500000.00'),
      adjustments: usd('-100000.00'),
      amountDue: usd('1400000.00'),
      openBalance: usd('1400000.00'),
    });
    const up = await api.command(A, path(ind.obligationId, 'adjustments'), {
      ...adjustment,
      difference: usd('25000.50'),
    });
    // -100,000.00 + 25,000.50 = -74,999.50; 1,500,000.00 - 74,999.50 = 1,425,000.50
    expect(await obligation(api, ind.obligationId)).toMatchObject({
      adjustments: usd('-74999.50'),
      amountDue: usd('1425000.50'),
    });
    const agreement = await api.expectStatus(200, 'GET', `/agreements/${A}`);
    // 1,000,000.00 + 1,425,000.50 = 2,425,000.50
    expect(agreement.body.summary.earned).toEqual(usd('2425000.50'));

    const [raised] = eventsOf(up, 'ObligationAdjusted');
    await api.command(A, '/reversals', {
      reversedEventId: raised.eventId,
      reason: 'Recorded against the wrong obligation',
    });
    expect(await obligation(api, ind.obligationId)).toMatchObject({
      adjustments: usd('-100000.00'),
      amountDue: usd('1400000.00'),
    });
    const zero = await api.command(
      A,
      path(ind.obligationId, 'adjustments'),
      { ...adjustment, difference: usd('0.00') },
      422,
    );
    expect(zero.body.errors).toEqual([
      expect.objectContaining({ pointer: '/difference/amount', detail: 'must not be zero' }),
    ]);
  });

  it('reverses an obligation (status reversed, nothing due) and a payment’s application (the payment stays, unapplied, its allocation marked reversed)', async () => {
    const { upfront, ind } = await foundingDeal(api);
    const reversal = await api.command(A, '/reversals', {
      reversedEventId: upfront.obligationId,
      reason: 'The upfront fee was recorded under the wrong agreement',
    });
    expect(eventsOf(reversal, 'EntryReversed')[0].data).toMatchObject({
      reversedEventId: upfront.obligationId,
      reversedEventType: 'UpfrontFeeDue',
    });
    expect(await obligation(api, upfront.obligationId)).toMatchObject({
      status: 'reversed',
      amountDue: usd('0.00'),
      openBalance: usd('0.00'),
      overdue: false,
    });
    const open = await api.list(`/obligations?agreementId=${A}&status=open`);
    expect(open.map((o: any) => o.obligationId)).toEqual([ind.obligationId]);
    const reversed = await api.list(`/obligations?agreementId=${A}&status=reversed`);
    expect(reversed.map((o: any) => o.obligationId)).toEqual([upfront.obligationId]);

    const paid = await api.command(A, '/payments', {
      amount: usd('1500000.00'),
      receivedOn: '2008-02-14',
      payerPartyId: 'biogen-idec',
      payeePartyId: 'immunogen',
      reference: 'FEDWIRE 20080214-000042',
      intendedObligationIds: [ind.obligationId],
    });
    const [received] = eventsOf(paid, 'PaymentReceived');
    const [applied] = eventsOf(paid, 'PaymentApplied');
    expect((await obligation(api, ind.obligationId)).status).toBe('paid');

    // The money arrived: the payment itself is a fact and is not reversible; its application is.
    const notReversible = await api.command(
      A,
      '/reversals',
      { reversedEventId: received.eventId, reason: 'Posted twice' },
      422,
    );
    expect(notReversible.body.errors).toEqual([
      expect.objectContaining({ pointer: '/reversedEventId' }),
    ]);
    await api.command(A, '/reversals', {
      reversedEventId: applied.eventId,
      reason: 'Applied to the wrong obligation',
    });
    expect(await obligation(api, ind.obligationId)).toMatchObject({
      status: 'payable',
      amountPaid: usd('0.00'),
      openBalance: usd('1500000.00'),
      payments: [expect.objectContaining({ appliedByEventId: applied.eventId, reversed: true })],
    });
    const payment = await api.expectStatus(200, 'GET', `/payments/${received.eventId}`);
    expect(payment.body).toMatchObject({
      amount: usd('1500000.00'),
      applied: usd('0.00'),
      unapplied: usd('1500000.00'),
      settled: [
        expect.objectContaining({
          appliedByEventId: applied.eventId,
          obligationId: ind.obligationId,
          reversed: true,
        }),
      ],
    });
    const csv = await api.expectStatus(200, 'GET', `/payments/export?agreementId=${A}`);
    // applied 0.00, unapplied 1500000.00, and no obligation settled any more (last column empty).
    expect(csv.text.split('\r\n')[1]).toMatch(
      /,1500000\.00,0\.00,1500000\.00,FEDWIRE 20080214-000042,false,$/,
    );
  });
});
