/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any -- answers are JSON read back as a client sees them */
import { EVENT_EXAMPLES } from '../../../src/domain/events/examples';
import { eventsOf, onBothStores, usd, type Api } from './api';

jest.setTimeout(60_000);

// The founding deal of the event catalogue's examples: $1M upfront due 30 days after signing
// (2004-10-01 + 30 = 2004-10-31), 5.2(a) $1.5M 30 days after the IND, 5.2(b) $3M 30 days after
// notice of the Phase II start; late interest 1% a month (12% a year), actual/365, half-up.
const TERMS = EVENT_EXAMPLES.AgreementSigned.terms;
const A = TERMS.agreementId;

async function obligationOf(api: Api, agreementId: string, clauseId: string): Promise<any> {
  const items = await api.list(`/obligations?agreementId=${agreementId}`);
  const found = items.find((o: any) => o.clauseId === clauseId);
  if (found === undefined) throw new Error(`no obligation of clause ${clauseId}`);
  return found;
}

const payment = (amount: string, receivedOn: string, reference: string, ids?: string[]) => ({
  amount: usd(amount),
  receivedOn,
  payerPartyId: 'biogen-idec',
  payeePartyId: 'immunogen',
  reference,
  ...(ids && { intendedObligationIds: ids }),
});

onBothStores('money movement over REST', (api) => {
  it('gives a milestone payable after notice its due date from the notice (5.2(b): 30 days after it)', async () => {
    await api.sign(TERMS);
    await api.fact('biib015', 'INDSubmitted', { jurisdiction: 'US', submittedOn: '2008-01-22' });
    await api.fact('biib015', 'ClinicalPhaseStarted', {
      phase: 'II',
      firstPatientDosedOn: '2010-03-08',
      indication: 'Cripto-positive solid tumours',
      jurisdiction: 'US',
    });
    const phaseTwo = await obligationOf(api, A, '5.2(b)');
    expect(phaseTwo).toMatchObject({
      amount: usd('3000000.00'),
      arisesOn: '2010-03-08',
      dueOn: null,
      status: 'accrued',
    });

    const notice = await api.command(A, '/payment-notices', {
      obligationId: phaseTwo.obligationId,
      givenOn: '2010-03-22',
      givenByPartyId: 'biogen-idec',
    });
    expect(notice.body.events.map((e: any) => e.type)).toEqual([
      'PaymentNoticeGiven',
      'ObligationBecamePayable',
    ]);
    const position = notice.headers.get('x-position');
    // 2010-03-22 + 30 days = 2010-04-21 (9 days left of March, 21 of April).
    const due = await api.expectStatus(
      200,
      'GET',
      `/obligations/${phaseTwo.obligationId}?waitFor=${position}&asOf=2010-04-21`,
    );
    expect(due.body).toMatchObject({ dueOn: '2010-04-21', status: 'payable', overdue: false });
    const late = await api.expectStatus(
      200,
      'GET',
      `/obligations/${phaseTwo.obligationId}?asOf=2010-04-22`,
    );
    expect(late.body.overdue).toBe(true);
  });

  it('gives an upfront fee payable after invoice its due date from the invoice, and records the invoice', async () => {
    const agreementId = '3c5d7e9f-2004-4a4e-9b1d-000000000045';
    await api.sign({
      ...TERMS,
      agreementId,
      upfrontFee: {
        clauseId: '5.1',
        amount: usd('1000000.00'),
        payment: { daysAfter: 45, after: 'invoice', businessDayRoll: 'none' },
      },
    });
    const fee = await obligationOf(api, agreementId, '5.1');
    expect(fee).toMatchObject({ kind: 'upfront-fee', dueOn: null, status: 'accrued' });

    const invoiced = await api.command(agreementId, '/invoices', {
      invoiceNumber: 'IMGN-2004-001',
      issuedByPartyId: 'immunogen',
      obligationIds: [fee.obligationId],
      issuedOn: '2004-10-15',
    });
    const [invoice] = eventsOf(invoiced, 'InvoiceIssued');
    expect(invoice.data).toMatchObject({ amount: usd('1000000.00'), issuedOn: '2004-10-15' });
    // 2004-10-15 + 45 days = 2004-11-29 (16 days left of October, 29 of November).
    expect(eventsOf(invoiced, 'ObligationBecamePayable')[0].data).toMatchObject({
      dueAfter: 'invoice',
      dueOn: '2004-11-29',
    });
    expect(await obligationOf(api, agreementId, '5.1')).toMatchObject({
      dueOn: '2004-11-29',
      status: 'payable',
    });
    const trail = await api.list(`/audit-trail?agreementId=${agreementId}&type=InvoiceIssued`);
    expect(trail).toEqual([
      expect.objectContaining({
        eventId: invoice.eventId,
        data: expect.objectContaining({ invoiceNumber: 'IMGN-2004-001' }),
      }),
    ]);
  });

  it('applies a payment naming nothing oldest due first; a partial one leaves the exact balance, an excess one a credit that a credit application settles later', async () => {
    await api.sign(TERMS);
    await api.fact('biib015', 'INDSubmitted', { jurisdiction: 'US', submittedOn: '2008-01-22' });
    const upfront = await obligationOf(api, A, '5.1'); // due 2004-10-31
    const ind = await obligationOf(api, A, '5.2(a)'); // 2008-01-22 + 30 = 2008-02-21
    expect(ind.dueOn).toBe('2008-02-21');

    // 1,200,000.00: the upfront fee (due first) takes 1,000,000.00, the IND milestone 200,000.00.
    const first = await api.command(A, '/payments', payment('1200000.00', '2008-03-01', 'W-1'));
    const [firstPayment] = eventsOf(first, 'PaymentReceived');
    expect(eventsOf(first, 'PaymentApplied')[0].data).toMatchObject({
      allocations: [
        { obligationId: upfront.obligationId, amount: usd('1000000.00') },
        { obligationId: ind.obligationId, amount: usd('200000.00') },
      ],
      unapplied: usd('0.00'),
    });
    const partly = await api.expectStatus(
      200,
      'GET',
      `/obligations/${ind.obligationId}?waitFor=${first.headers.get('x-position')}&asOf=2008-03-02`,
    );
    // 1,500,000.00 - 200,000.00 = 1,300,000.00 still open, and overdue.
    expect(partly.body).toMatchObject({
      status: 'partially-paid',
      amountPaid: usd('200000.00'),
      openBalance: usd('1300000.00'),
      overdue: true,
      payments: [
        expect.objectContaining({
          paymentEventId: firstPayment.eventId,
          amount: usd('200000.00'),
        }),
      ],
    });
    expect(await obligationOf(api, A, '5.1')).toMatchObject({
      status: 'paid',
      openBalance: usd('0.00'),
    });

    // 1,400,000.00 against 1,300,000.00 open: 100,000.00 is left unapplied, the payer's credit.
    const second = await api.command(A, '/payments', payment('1400000.00', '2008-03-15', 'W-2'));
    const [secondPayment] = eventsOf(second, 'PaymentReceived');
    const history = await api.list(`/payments?agreementId=${A}`);
    expect(history).toEqual([
      expect.objectContaining({
        paymentEventId: firstPayment.eventId,
        amount: usd('1200000.00'),
        applied: usd('1200000.00'),
        unapplied: usd('0.00'),
        receivedOn: '2008-03-01',
        reference: 'W-1',
      }),
      expect.objectContaining({
        paymentEventId: secondPayment.eventId,
        amount: usd('1400000.00'),
        applied: usd('1300000.00'),
        unapplied: usd('100000.00'),
        settled: [
          expect.objectContaining({ obligationId: ind.obligationId, amount: usd('1300000.00') }),
        ],
      }),
    ]);
    expect(await obligationOf(api, A, '5.2(a)')).toMatchObject({
      status: 'paid',
      amountPaid: usd('1500000.00'),
      openBalance: usd('0.00'),
    });

    // Phase II starts: 5.2(b), $3M, not yet payable (no notice). The credit settles 100,000.00 of it.
    await api.fact('biib015', 'ClinicalPhaseStarted', {
      phase: 'II',
      firstPatientDosedOn: '2010-03-08',
      indication: 'Cripto-positive solid tumours',
      jurisdiction: 'US',
    });
    const phaseTwo = await obligationOf(api, A, '5.2(b)');
    const credited = await api.command(A, '/credit-applications', { appliedOn: '2010-04-01' });
    expect(eventsOf(credited, 'PaymentApplied').map((e: any) => e.data)).toEqual([
      expect.objectContaining({
        paymentEventId: secondPayment.eventId,
        appliedOn: '2010-04-01',
        available: usd('100000.00'),
        allocations: [{ obligationId: phaseTwo.obligationId, amount: usd('100000.00') }],
        unapplied: usd('0.00'),
      }),
    ]);
    const settledPayment = await api.expectStatus(
      200,
      'GET',
      `/payments/${secondPayment.eventId}?waitFor=${credited.headers.get('x-position')}`,
    );
    expect(settledPayment.body).toMatchObject({
      applied: usd('1400000.00'),
      unapplied: usd('0.00'),
      settled: [
        expect.objectContaining({ obligationId: ind.obligationId, amount: usd('1300000.00') }),
        expect.objectContaining({
          obligationId: phaseTwo.obligationId,
          amount: usd('100000.00'),
          appliedOn: '2010-04-01',
          reversed: false,
        }),
      ],
    });
    // 3,000,000.00 - 100,000.00 = 2,900,000.00 open.
    expect(await obligationOf(api, A, '5.2(b)')).toMatchObject({
      amountPaid: usd('100000.00'),
      openBalance: usd('2900000.00'),
    });
  });

  it('accrues late interest on an overdue balance per the terms, to the cent, cumulatively', async () => {
    await api.sign(TERMS);
    const upfront = await obligationOf(api, A, '5.1');
    await api.command(
      A,
      '/payments',
      payment('400000.00', '2004-11-30', 'W-0', [upfront.obligationId]),
    );

    const accrued = await api.command(A, '/late-interest-accruals', { asOf: '2004-12-31' });
    const [interest] = eventsOf(accrued, 'LateInterestAccrued');
    // Due 2004-10-31. 1,000,000.00 bears 12% a year for 2004-11-01..11-30 (30 days), then
    // 600,000.00 from the day after the payment, 2004-12-01..12-31 (31 days):
    // 1,000,000 x 0.12 x 30/365 + 600,000 x 0.12 x 31/365 = (3,600,000 + 2,232,000) / 365
    // = 5,832,000 / 365 = 15,978.0821... -> 15,978.08.
    expect(interest.data).toMatchObject({
      obligationId: upfront.obligationId,
      accruedUntil: '2004-12-31',
      interestThrough: usd('15978.08'),
      accruedBefore: usd('0.00'),
      interest: usd('15978.08'),
      dueOn: '2004-12-31',
      stretches: [
        expect.objectContaining({
          accruedFrom: '2004-10-31',
          accruedUntil: '2004-11-30',
          days: 30,
          principal: usd('1000000.00'),
        }),
        expect.objectContaining({
          accruedFrom: '2004-11-30',
          accruedUntil: '2004-12-31',
          days: 31,
          principal: usd('600000.00'),
        }),
      ],
    });
    const [charged] = await api.list(`/obligations?agreementId=${A}&kind=late-interest`);
    expect(charged).toMatchObject({
      obligationId: interest.eventId,
      chargedOnObligationId: upfront.obligationId,
      clauseId: null,
      amount: usd('15978.08'),
      openBalance: usd('15978.08'),
      dueOn: '2004-12-31',
      status: 'payable',
      payerPartyId: 'biogen-idec',
      payeePartyId: 'immunogen',
    });

    // Through 2005-01-31 the total is recomputed from the due date and only the difference accrues:
    // 600,000.00 now bears 62 days (2004-12-01..2005-01-31):
    // (3,600,000 + 600,000 x 0.12 x 62) / 365 = (3,600,000 + 4,464,000) / 365 = 8,064,000 / 365
    // = 22,093.1506... -> 22,093.15; 22,093.15 - 15,978.08 = 6,115.07.
    const more = await api.command(A, '/late-interest-accruals', { asOf: '2005-01-31' });
    expect(eventsOf(more, 'LateInterestAccrued')[0].data).toMatchObject({
      interestThrough: usd('22093.15'),
      accruedBefore: usd('15978.08'),
      interest: usd('6115.07'),
    });
    const charges = await api.list(`/obligations?agreementId=${A}&kind=late-interest`);
    expect(charges.map((o: any) => o.amount.amount)).toEqual(['15978.08', '6115.07']);
    const agreement = await api.expectStatus(200, 'GET', `/agreements/${A}`);
    // Earned: 1,000,000.00 + 15,978.08 + 6,115.07 = 1,022,093.15; paid 400,000.00.
    expect(agreement.body.summary).toEqual({
      obligations: 3,
      earned: usd('1022093.15'),
      paid: usd('400000.00'),
      open: usd('622093.15'),
    });
  });
});
