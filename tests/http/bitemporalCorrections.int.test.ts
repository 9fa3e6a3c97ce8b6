/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any -- answers are JSON read back as a client sees them */
import { EVENT_EXAMPLES } from '../../src/domain/events/examples';
import { eventsOf, onBothStores, usd, type Api } from './endpoints/api';

jest.setTimeout(60_000);

// The founding deal: signed 2004-10-01, the upfront fee $1,000,000.00 due 2004-10-31; the IND of
// 2008-01-15 makes 5.2(a), $1,500,000.00 due 2008-02-14; Phase II started on 2010-03-08 makes
// 5.2(b), $3,000,000.00 payable 30 days after the licensee's notice.
const TERMS = EVENT_EXAMPLES.AgreementSigned.terms;
const A = TERMS.agreementId;

async function foundingDeal(api: Api): Promise<{ upfront: string; ind: string }> {
  await api.sign(TERMS);
  await api.fact('biib015', 'INDSubmitted', { jurisdiction: 'US', submittedOn: '2008-01-15' });
  const items = await api.list(`/obligations?agreementId=${A}`);
  return {
    upfront: items.find((o) => o.kind === 'upfront-fee').obligationId,
    ind: items.find((o) => o.clauseId === '5.2(a)').obligationId,
  };
}

async function obligationAt(api: Api, obligationId: string, query: string): Promise<any> {
  return (await api.expectStatus(200, 'GET', `/obligations/${obligationId}?${query}`)).body;
}

async function summaryAt(api: Api, query: string): Promise<any> {
  const one = (await api.expectStatus(200, 'GET', `/agreements/${A}?${query}`)).body.summary;
  const [listed] = await api.list(`/agreements?${query}`);
  expect(listed.summary).toEqual(one);
  return one;
}

/** The position a command's answer reached. */
const positionOf = (answer: { headers: Headers }): number =>
  Number(answer.headers.get('x-position'));

onBothStores('as of a date: corrections, due dates and agreement summaries', (api) => {
  it('adjustments, waivers and payments count from their own days, in each obligation and in the agreement summary', async () => {
    const { upfront } = await foundingDeal(api);
    const obligationPath = `/obligations/${upfront}`;
    await api.command(A, `${obligationPath}/waivers`, {
      reason: 'A courtesy while the transfer was delayed',
      waivedOn: '2004-11-15',
      amount: usd('250000.00'),
    });
    await api.command(A, `${obligationPath}/adjustments`, {
      reason: 'The fee as amended by the side letter',
      difference: usd('100000.00'),
      adjustedOn: '2004-12-01',
    });
    await api.command(A, '/payments', {
      amount: usd('500000.00'),
      receivedOn: '2005-01-10',
      payerPartyId: 'biogen-idec',
      payeePartyId: 'immunogen',
      reference: 'FEDWIRE 20050110-000007',
      intendedObligationIds: [upfront],
    });
    await api.settled();

    expect(await obligationAt(api, upfront, 'asOf=2004-11-14')).toMatchObject({
      amount: usd('1000000.00'),
      waived: usd('0.00'),
      adjustments: usd('0.00'),
      amountDue: usd('1000000.00'),
      amountPaid: usd('0.00'),
      openBalance: usd('1000000.00'),
      status: 'payable',
      overdue: true,
    });
    // 1,000,000.00 - 250,000.00 waived = 750,000.00
    expect(await obligationAt(api, upfront, 'asOf=2004-11-15')).toMatchObject({
      waived: usd('250000.00'),
      adjustments: usd('0.00'),
      amountDue: usd('750000.00'),
      openBalance: usd('750000.00'),
    });
    // + 100,000.00 adjusted = 850,000.00
    expect(await obligationAt(api, upfront, 'asOf=2004-12-01')).toMatchObject({
      adjustments: usd('100000.00'),
      amountDue: usd('850000.00'),
      openBalance: usd('850000.00'),
      status: 'payable',
    });
    // - 500,000.00 paid = 350,000.00 open
    expect(await obligationAt(api, upfront, 'asOf=2005-01-10')).toMatchObject({
      amountDue: usd('850000.00'),
      amountPaid: usd('500000.00'),
      openBalance: usd('350000.00'),
      status: 'partially-paid',
      overdue: true,
    });

    expect(await summaryAt(api, 'asOf=2004-11-14')).toEqual({
      obligations: 1,
      earned: usd('1000000.00'),
      paid: usd('0.00'),
      open: usd('1000000.00'),
    });
    expect(await summaryAt(api, 'asOf=2005-01-10')).toEqual({
      obligations: 1,
      earned: usd('850000.00'),
      paid: usd('500000.00'),
      open: usd('350000.00'),
    });
    // The IND milestone has arisen too: 850,000.00 + 1,500,000.00 = 2,350,000.00 earned.
    expect(await summaryAt(api, 'asOf=2008-01-15')).toEqual({
      obligations: 2,
      earned: usd('2350000.00'),
      paid: usd('500000.00'),
      open: usd('1850000.00'),
    });
    // With no date, the summary is everything recorded, as before.
    expect((await api.expectStatus(200, 'GET', `/agreements/${A}`)).body.summary).toEqual({
      obligations: 2,
      earned: usd('2350000.00'),
      paid: usd('500000.00'),
      open: usd('1850000.00'),
    });
    // Before the signing there is no agreement as of that day.
    await api.expectStatus(404, 'GET', `/agreements/${A}?asOf=2004-09-30`);
    expect(await api.list('/agreements?asOf=2004-09-30')).toEqual([]);
    await api.expectStatus(422, 'GET', `/agreements/${A}?asOf=2004-13-01`);

    // The status filters and the export use the date's values.
    const partly = await api.list(
      `/obligations?agreementId=${A}&status=partially-paid&asOf=2005-01-10`,
    );
    expect(partly.map((o) => o.obligationId)).toEqual([upfront]);
    expect(
      await api.list(`/obligations?agreementId=${A}&status=partially-paid&asOf=2005-01-09`),
    ).toEqual([]);
    const exported = await api.expectStatus(
      200,
      'GET',
      `/obligations/export?format=csv&agreementId=${A}&asOf=2004-11-15`,
    );
    expect(exported.text).toContain(`${upfront},${A},upfront-fee,5.1,USD,750000.00,0.00,750000.00`);
  });

  it('a waiver reversed later: as recorded before the reversal it counts from its day; after, at no date', async () => {
    const { upfront } = await foundingDeal(api);
    const waived = await api.command(A, `/obligations/${upfront}/waivers`, {
      reason: 'Waived in error',
      waivedOn: '2004-11-15',
      amount: usd('1000000.00'),
    });
    const [waiver] = eventsOf(waived, 'ObligationWaived');
    const reversal = await api.command(A, '/reversals', {
      reversedEventId: waiver.eventId,
      reason: 'The waiver was never agreed',
    });
    await api.settled();
    const beforeReversal = positionOf(reversal) - 1;
    expect(
      await obligationAt(api, upfront, `recordedAt=${beforeReversal}&asOf=2004-11-15`),
    ).toMatchObject({ waived: usd('1000000.00'), amountDue: usd('0.00'), status: 'waived' });
    expect(
      await obligationAt(api, upfront, `recordedAt=${beforeReversal}&asOf=2004-11-14`),
    ).toMatchObject({ waived: usd('0.00'), amountDue: usd('1000000.00'), status: 'payable' });
    expect(await obligationAt(api, upfront, 'asOf=2004-11-15')).toMatchObject({
      waived: usd('0.00'),
      amountDue: usd('1000000.00'),
      status: 'payable',
      overdue: true,
    });
    expect((await summaryAt(api, `recordedAt=${beforeReversal}&asOf=2004-12-31`)).earned).toEqual(
      usd('0.00'),
    );
    expect((await summaryAt(api, 'asOf=2004-12-31')).earned).toEqual(usd('1000000.00'));
  });

  it('a dispute counts from the day it was raised until the day it was resolved, as recorded', async () => {
    const { ind } = await foundingDeal(api);
    const disputed = await api.command(A, `/obligations/${ind}/disputes`, {
      reason: 'The licensee says the IND was filed by its partner',
      disputedOn: '2008-02-10',
      disputedBy: 'licensee',
      amount: usd('500000.00'),
    });
    const [dispute] = eventsOf(disputed, 'ObligationDisputed');
    const resolved = await api.command(A, `/disputes/${dispute.eventId}/resolution`, {
      reason: 'The licensee withdrew its claim',
      resolvedOn: '2008-03-20',
      outcome: 'obligation-stands',
    });
    await api.settled();
    expect(await obligationAt(api, ind, 'asOf=2008-02-09')).toMatchObject({
      disputed: usd('0.00'),
      status: 'payable',
      overdue: false,
    });
    expect(await obligationAt(api, ind, 'asOf=2008-02-20')).toMatchObject({
      disputed: usd('500000.00'),
      status: 'disputed',
      overdue: false,
    });
    expect(await obligationAt(api, ind, 'asOf=2008-03-20')).toMatchObject({
      disputed: usd('0.00'),
      status: 'payable',
      overdue: true,
    });
    // Recorded before the resolution, the dispute was still open on 2008-03-25.
    expect(
      await obligationAt(api, ind, `recordedAt=${positionOf(resolved) - 1}&asOf=2008-03-25`),
    ).toMatchObject({ disputed: usd('500000.00'), status: 'disputed', overdue: false });
    const open = await api.list(`/obligations?agreementId=${A}&status=disputed&asOf=2008-02-20`);
    expect(open.map((o) => o.obligationId)).toEqual([ind]);
    expect(await api.list(`/obligations?status=disputed&asOf=2008-03-20`)).toEqual([]);
    expect(await api.list(`/obligations?status=overdue&asOf=2008-02-20`)).not.toContainEqual(
      expect.objectContaining({ obligationId: ind }),
    );
  });

  it('a due date counted from a notice is known from the notice’s day: accrued before it', async () => {
    await foundingDeal(api);
    await api.fact('biib015', 'ClinicalPhaseStarted', {
      phase: 'II',
      firstPatientDosedOn: '2010-03-08',
      indication: 'Cripto-positive solid tumours',
      trialId: 'NCT01234567',
      jurisdiction: 'US',
    });
    const phaseTwo = (await api.list(`/obligations?agreementId=${A}&kind=milestone`)).find(
      (o) => o.clauseId === '5.2(b)',
    );
    expect(phaseTwo).toMatchObject({ dueOn: null, status: 'accrued' });
    await api.command(A, '/payment-notices', {
      obligationId: phaseTwo.obligationId,
      givenOn: '2010-03-22',
      givenByPartyId: 'biogen-idec',
    });
    await api.settled();
    expect(await obligationAt(api, phaseTwo.obligationId, 'asOf=2010-03-21')).toMatchObject({
      arisesOn: '2010-03-08',
      dueOn: null,
      status: 'accrued',
      overdue: false,
    });
    // 2010-03-22 + 30 days = 2010-04-21
    expect(await obligationAt(api, phaseTwo.obligationId, 'asOf=2010-03-22')).toMatchObject({
      dueOn: '2010-04-21',
      status: 'payable',
      overdue: false,
    });
    expect(await obligationAt(api, phaseTwo.obligationId, 'asOf=2010-04-22')).toMatchObject({
      status: 'payable',
      overdue: true,
    });
    const accrued = await api.list(`/obligations?agreementId=${A}&status=accrued&asOf=2010-03-21`);
    expect(accrued.map((o) => o.obligationId)).toEqual([phaseTwo.obligationId]);
    expect(
      await api.list(`/obligations?agreementId=${A}&dueOnOrAfter=2010-01-01&asOf=2010-03-21`),
    ).toEqual([]);
  });
});
