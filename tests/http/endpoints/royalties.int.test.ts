/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any -- answers are JSON read back as a client sees them */
import { EVENT_EXAMPLES } from '../../../src/domain/events/examples';
import { eventsOf, onBothStores, usd, type Api } from './api';

jest.setTimeout(60_000);

// The founding deal of the catalogue's examples, clause 6.1: marginal tiers per calendar year, 3%
// of the year's net sales up to 250,000,000.00 and 3.5% above; third-party royalties offset at 50%,
// never below 50% of the royalty; due 60 days after the quarter, a weekend rolled to the Monday.
const TERMS = EVENT_EXAMPLES.AgreementSigned.terms;
const A = TERMS.agreementId;
const Q1_2015 = { from: '2015-01-01', to: '2015-03-31' };
const Q2_2015 = { from: '2015-04-01', to: '2015-06-30' };
const {
  agreementId: _tp,
  paymentCurrency: _tpc,
  ...THIRD_PARTY_Q1
} = EVENT_EXAMPLES.ThirdPartyRoyaltiesReported;

const line = (
  country: string,
  amount: string,
  currency: string,
  rate: string,
  rateDate: string,
) => ({
  productId: 'biib015',
  country,
  netSales: { amount, currency },
  exchangeRate: { localUnitsPerPaymentUnit: rate, rateDate },
});

/** Q1 2015 as the licensee reported it; `us` is the US net sales in USD. */
const q1Report = (us: string) => ({
  reportReference: 'BIIB-ROY-2015-Q1',
  period: Q1_2015,
  reportedOn: '2015-04-28',
  lines: [
    line('US', us, 'USD', '1', '2015-03-31'),
    // 9,215,000.00 EUR / 0.9215 EUR per USD = 10,000,000.00 USD
    line('DE', '9215000.00', 'EUR', '0.9215', '2015-03-31'),
    // 240,200,000 JPY / 120.10 JPY per USD = 2,000,000.00 USD
    line('JP', '240200000', 'JPY', '120.10', '2015-03-31'),
  ],
});

async function firstSales(api: Api): Promise<void> {
  for (const [country, soldOn] of [
    ['US', '2014-05-12'],
    ['DE', '2014-09-01'],
    ['JP', '2014-11-04'],
  ] as const) {
    const fact = await api.fact('biib015', 'FirstCommercialSale', { country, soldOn });
    expect(fact.body.event).toMatchObject({
      type: 'FirstCommercialSale',
      data: { productId: 'biib015', country, soldOn },
    });
  }
}

const royaltyRows = async (api: Api, query: string) =>
  (await api.list(`/obligations?kind=royalty&${query}`)).map((o: any) => [
    o.arisesOn,
    o.amount.amount,
    o.dueOn,
  ]);

onBothStores('royalties over REST', (api) => {
  it('accrues a quarter’s royalties line by line after the first sales and the third-party royalties, with the computation in the royalty statements', async () => {
    await api.sign(TERMS);
    await firstSales(api);
    const thirdParty = await api.command(A, '/third-party-royalty-reports', THIRD_PARTY_Q1);
    const [thirdPartyReport] = eventsOf(thirdParty, 'ThirdPartyRoyaltiesReported');
    expect(thirdPartyReport.data).toMatchObject({ paymentCurrency: 'USD', period: Q1_2015 });

    const reported = await api.command(A, '/net-sales-reports', q1Report('12345678.91'));
    const [report] = eventsOf(reported, 'NetSalesReported');
    expect(eventsOf(reported, 'RoyaltyAccrued')).toHaveLength(3);

    const lines = await api.list(`/royalty-statements?agreementId=${A}`);
    const byCountry = Object.fromEntries(lines.map((l: any) => [l.country, l]));
    // Due 2015-03-31 + 60 days = 2015-05-30, a Saturday: rolled to Monday 2015-06-01.
    const common = {
      agreementId: A,
      clauseId: '6.1',
      productId: 'biib015',
      period: Q1_2015,
      previouslyAccrued: usd('0.00'),
      dueOn: '2015-06-01',
      causedByEventId: report.eventId,
      reversed: false,
    };
    // US: 3% of 12,345,678.91 = 370,370.3673 -> 370,370.37 (the product's 720,370.3673 rounds to
    // 720,370.37; the US line has the largest remainder and takes the cent).
    expect(byCountry.US).toMatchObject({
      ...common,
      royalty: usd('370370.37'),
      amount: usd('370370.37'),
      computation: {
        netSales: usd('12345678.91'),
        tierModel: 'marginal',
        tierSlices: [expect.objectContaining({ ratePercent: '3', royaltyExact: '370370.3673' })],
        reductions: [],
      },
    });
    // DE: 10,000,000.00 x 3% = 300,000.00, less 50% of the 20,000.00 paid to a third party
    // (10,000.00; the floor, 50% of 300,000.00, is not reached) = 290,000.00.
    expect(byCountry.DE).toMatchObject({
      ...common,
      royalty: usd('290000.00'),
      amount: usd('290000.00'),
      computation: {
        netSalesLocal: { amount: '9215000.00', currency: 'EUR' },
        exchangeRate: { localUnitsPerPaymentUnit: '0.9215', rateDate: '2015-03-31' },
        netSales: usd('10000000.00'),
        royaltyBeforeReductions: usd('300000.00'),
        reductions: [
          expect.objectContaining({
            kind: 'third-party-stacking',
            thirdPartyRoyalties: usd('20000.00'),
            thirdPartyReportEventId: thirdPartyReport.eventId,
          }),
        ],
      },
    });
    // JP: 2,000,000.00 x 3% = 60,000.00.
    expect(byCountry.JP).toMatchObject({
      ...common,
      royalty: usd('60000.00'),
      computation: { netSalesLocal: { amount: '240200000', currency: 'JPY' } },
    });

    const obligations = await api.list(`/obligations?agreementId=${A}&kind=royalty`);
    expect(
      obligations.map((o: any) => [o.amount.amount, o.dueOn, o.status, o.payeePartyId]),
    ).toEqual([
      ['370370.37', '2015-06-01', 'payable', 'immunogen'],
      ['290000.00', '2015-06-01', 'payable', 'immunogen'],
      ['60000.00', '2015-06-01', 'payable', 'immunogen'],
    ]);
  });

  it('reverses a royalty accrued in error: its statement line and its obligation show it reversed', async () => {
    await api.sign(TERMS);
    await firstSales(api);
    await api.command(A, '/net-sales-reports', q1Report('30000000.00'));
    const japan = (await api.list(`/royalty-statements?agreementId=${A}&country=JP`))[0];
    expect(japan).toMatchObject({ royalty: usd('60000.00'), reversed: false });
    await api.command(A, '/reversals', {
      reversedEventId: japan.entryId,
      reason: 'Japan is sublicensed: its sales bear no royalty under this agreement',
    });
    const [reversedLine] = await api.list(`/royalty-statements?agreementId=${A}&country=JP`);
    expect(reversedLine).toMatchObject({ entryId: japan.entryId, reversed: true });
    const csv = await api.expectStatus(
      200,
      'GET',
      `/royalty-statements/export?agreementId=${A}&country=JP&format=csv`,
    );
    expect(csv.text.split('\r\n')[1]).toMatch(/,60000\.00,0\.00,60000\.00,2015-06-01,true$/);
    const obligation = await api.expectStatus(200, 'GET', `/obligations/${japan.entryId}`);
    expect(obligation.body).toMatchObject({
      kind: 'royalty',
      status: 'reversed',
      amountDue: usd('0.00'),
    });
    const agreement = await api.expectStatus(200, 'GET', `/agreements/${A}`);
    // Upfront 1,000,000.00 + US 900,000.00 + DE 300,000.00 (no third-party royalties here)
    expect(agreement.body.summary.earned).toEqual(usd('2200000.00'));
  });

  it('applies third-party royalties reported after the quarter’s net sales: the offset accrues as a difference', async () => {
    await api.sign(TERMS);
    await firstSales(api);
    await api.command(A, '/net-sales-reports', q1Report('30000000.00'));
    // Without the offset DE accrued 10,000,000.00 x 3% = 300,000.00.
    expect(await royaltyRows(api, 'payerPartyId=biogen-idec')).toContainEqual([
      '2015-01-01',
      '300000.00',
      '2015-06-01',
    ]);
    const late = await api.command(A, '/third-party-royalty-reports', THIRD_PARTY_Q1);
    const [thirdPartyReport] = eventsOf(late, 'ThirdPartyRoyaltiesReported');
    // With it, 290,000.00: the difference, -10,000.00, is accrued for DE alone.
    expect(
      eventsOf(late, 'RoyaltyAccrued').map((e: any) => [
        e.data.country,
        e.data.royalty.amount,
        e.data.previouslyAccrued.amount,
        e.data.amount.amount,
        e.data.causedByEventId,
      ]),
    ).toEqual([['DE', '290000.00', '300000.00', '-10000.00', thirdPartyReport.eventId]]);
    const germany = await api.list(`/royalty-statements?agreementId=${A}&country=DE`);
    expect(germany.map((l: any) => l.amount.amount)).toEqual(['300000.00', '-10000.00']);
  });

  it('charges each band’s rate on a quarter crossing a tier, and a restatement accrues exactly the difference, for the quarter and for the later one resting on it', async () => {
    await api.sign(TERMS);
    await firstSales(api);
    await api.command(A, '/third-party-royalty-reports', THIRD_PARTY_Q1);
    const q1 = await api.command(A, '/net-sales-reports', q1Report('30000000.00'));
    const [q1Report_] = eventsOf(q1, 'NetSalesReported');
    // Q1: 30,000,000.00 + 10,000,000.00 + 2,000,000.00 = 42,000,000.00 of the year, all at 3%.
    const q2 = await api.command(A, '/net-sales-reports', {
      reportReference: 'BIIB-ROY-2015-Q2',
      period: Q2_2015,
      reportedOn: '2015-07-28',
      lines: [line('US', '222222222.22', 'USD', '1', '2015-06-30')],
    });
    // Q2 takes the year from 42,000,000.00 to 264,222,222.22: 208,000,000.00 at 3% = 6,240,000 and
    // 14,222,222.22 at 3.5% = 497,777.7777; 6,737,777.7777 -> 6,737,777.78. Due 2015-06-30 + 60
    // days = 2015-08-29, a Saturday: Monday 2015-08-31.
    const [q2Line] = eventsOf(q2, 'RoyaltyAccrued');
    expect(q2Line.data).toMatchObject({
      royalty: usd('6737777.78'),
      amount: usd('6737777.78'),
      dueOn: '2015-08-31',
      computation: {
        yearToDateNetSalesBefore: usd('42000000.00'),
        yearToDateNetSalesAfter: usd('264222222.22'),
        tierSlices: [
          expect.objectContaining({ ratePercent: '3', royaltyExact: '6240000' }),
          expect.objectContaining({ ratePercent: '3.5', royaltyExact: '497777.7777' }),
        ],
      },
    });

    const {
      agreementId: _r,
      paymentCurrency: _rc,
      ...restatement
    } = EVENT_EXAMPLES.NetSalesRestated;
    const restated = await api.command(A, '/net-sales-restatements', {
      ...restatement,
      restatesEventId: q1Report_.eventId,
    });
    const [restatementEvent] = eventsOf(restated, 'NetSalesRestated');
    // DE restated to 8,293,500.00 EUR / 0.9215 = 9,000,000.00 USD: 270,000.00 less the 10,000.00
    // offset = 260,000.00; 290,000.00 was accrued, so -30,000.00.
    // Q2 now starts the year at 41,000,000.00: 209,000,000.00 at 3% = 6,270,000 and 13,222,222.22 at
    // 3.5% = 462,777.7777; 6,732,777.7777 -> 6,732,777.78; 6,737,777.78 was accrued: -5,000.00.
    expect(
      eventsOf(restated, 'RoyaltyAccrued').map((e: any) => ({
        country: e.data.country,
        period: e.data.period,
        royalty: e.data.royalty.amount,
        previouslyAccrued: e.data.previouslyAccrued.amount,
        amount: e.data.amount.amount,
        dueOn: e.data.dueOn,
        causedByEventId: e.data.causedByEventId,
      })),
    ).toEqual([
      {
        country: 'DE',
        period: Q1_2015,
        royalty: '260000.00',
        previouslyAccrued: '290000.00',
        amount: '-30000.00',
        dueOn: '2015-06-01',
        causedByEventId: restatementEvent.eventId,
      },
      {
        country: 'US',
        period: Q2_2015,
        royalty: '6732777.78',
        previouslyAccrued: '6737777.78',
        amount: '-5000.00',
        dueOn: '2015-08-31',
        causedByEventId: restatementEvent.eventId,
      },
    ]);
    expect(await royaltyRows(api, `agreementId=${A}`)).toEqual([
      ['2015-01-01', '900000.00', '2015-06-01'],
      ['2015-01-01', '290000.00', '2015-06-01'],
      ['2015-01-01', '60000.00', '2015-06-01'],
      ['2015-04-01', '6737777.78', '2015-08-31'],
      ['2015-01-01', '-30000.00', '2015-06-01'],
      ['2015-04-01', '-5000.00', '2015-08-31'],
    ]);
    const agreement = await api.expectStatus(200, 'GET', `/agreements/${A}`);
    // Upfront 1,000,000.00 + 900,000.00 + 260,000.00 + 60,000.00 + 6,732,777.78 = 8,952,777.78
    expect(agreement.body.summary.earned).toEqual(usd('8952777.78'));

    // The two credits are the licensee's to use: applied oldest due first to what is open, here
    // the unpaid upfront fee (due 2004-10-31): 30,000.00 + 5,000.00 = 35,000.00 of 1,000,000.00.
    const [upfront] = await api.list(`/obligations?agreementId=${A}&kind=upfront-fee`);
    const credited = await api.command(A, '/credit-applications', { appliedOn: '2015-09-01' });
    expect(
      eventsOf(credited, 'PaymentApplied').map((e: any) => [
        e.data.available.amount,
        e.data.allocations,
        e.data.unapplied.amount,
      ]),
    ).toEqual([
      ['30000.00', [{ obligationId: upfront.obligationId, amount: usd('30000.00') }], '0.00'],
      ['5000.00', [{ obligationId: upfront.obligationId, amount: usd('5000.00') }], '0.00'],
    ]);
    const settledFee = await api.expectStatus(
      200,
      'GET',
      `/obligations/${upfront.obligationId}?waitFor=${credited.headers.get('x-position')}`,
    );
    expect(settledFee.body).toMatchObject({
      amountPaid: usd('35000.00'),
      openBalance: usd('965000.00'),
      status: 'partially-paid',
    });
    const credits = await api.list(
      `/obligations?agreementId=${A}&kind=royalty&dueOnOrAfter=2015-06-01`,
    );
    expect(credits.filter((o: any) => o.amount.amount.startsWith('-'))).toEqual([
      expect.objectContaining({ amountDue: usd('-30000.00'), openBalance: usd('0.00') }),
      expect.objectContaining({ amountDue: usd('-5000.00'), openBalance: usd('0.00') }),
    ]);
  });

  it('assesses a year’s minimum royalty shortfall, and trues it up by itself when the year is restated', async () => {
    const agreementId = '6a4e2f10-2016-4c4e-9b1d-000000002016';
    await api.sign({
      ...TERMS,
      agreementId,
      minimumAnnualRoyalty: {
        clauseId: '6.4',
        amount: usd('2000000.00'),
        firstYear: 2015,
        payment: { daysAfter: 60, after: 'period-end', businessDayRoll: 'none' },
      },
    });
    await api.fact('biib015', 'FirstCommercialSale', { country: 'US', soldOn: '2014-05-12' });
    const us = (period: { from: string; to: string }, netSales: string) => ({
      period,
      reportedOn: period.to,
      lines: [line('US', netSales, 'USD', '1', period.to)],
    });
    const Q1 = { from: '2016-01-01', to: '2016-03-31' };
    const Q2 = { from: '2016-04-01', to: '2016-06-30' };
    await api.command(agreementId, '/net-sales-reports', us(Q1, '30000000.00')); // 900,000.00
    const q2 = await api.command(agreementId, '/net-sales-reports', us(Q2, '20000000.00')); // 600,000.00
    const [q2Report] = eventsOf(q2, 'NetSalesReported');

    const early = await api.command(
      agreementId,
      '/year-end-assessments',
      { year: 2016, asOf: '2016-12-31' },
      422,
    );
    expect(early.body.errors).toEqual([expect.objectContaining({ pointer: '/year' })]);

    const assessed = await api.command(agreementId, '/year-end-assessments', {
      year: 2016,
      asOf: '2017-01-15',
    });
    const [first] = eventsOf(assessed, 'MinimumRoyaltyShortfallAssessed');
    // 2,000,000.00 - (900,000.00 + 600,000.00) = 500,000.00, due 2016-12-31 + 60 days = 2017-03-01.
    expect(first.data).toMatchObject({
      year: 2016,
      minimum: usd('2000000.00'),
      royaltiesAccrued: usd('1500000.00'),
      shortfall: usd('500000.00'),
      assessedBefore: usd('0.00'),
      amount: usd('500000.00'),
      dueOn: '2017-03-01',
    });
    const shortfalls = () =>
      api.list(`/obligations?agreementId=${agreementId}&kind=minimum-royalty-shortfall`);
    expect(await shortfalls()).toEqual([
      expect.objectContaining({
        obligationId: first.eventId,
        clauseId: '6.4',
        amount: usd('500000.00'),
        arisesOn: '2016-01-01',
        dueOn: '2017-03-01',
        status: 'payable',
      }),
    ]);

    // Q2 restated to 15,000,000.00: 450,000.00, so -150,000.00; the year's royalties are now
    // 1,350,000.00 and the shortfall 650,000.00: the policy assesses the further 150,000.00.
    const down = await api.command(agreementId, '/net-sales-restatements', {
      ...us(Q2, '15000000.00'),
      restatesEventId: q2Report.eventId,
      reason: 'Returns reserve understated',
    });
    const [downRestatement] = eventsOf(down, 'NetSalesRestated');
    const [credit] = eventsOf(down, 'RoyaltyAccrued');
    expect(credit.data.amount).toEqual(usd('-150000.00'));
    const afterDown = await shortfalls();
    expect(afterDown.map((o: any) => o.amount.amount)).toEqual(['500000.00', '150000.00']);
    const trueUps = await api.list(
      `/audit-trail?agreementId=${agreementId}&type=MinimumRoyaltyShortfallAssessed`,
    );
    expect(trueUps[1]).toMatchObject({
      actor: 'system:minimum-royalty-true-up',
      causationId: credit.eventId,
      data: expect.objectContaining({
        causedByEventId: credit.eventId,
        royaltiesAccrued: usd('1350000.00'),
        shortfall: usd('650000.00'),
        assessedBefore: usd('500000.00'),
        amount: usd('150000.00'),
        correctsEventIds: [first.eventId],
      }),
    });

    // Restated up to 25,000,000.00: 750,000.00, so +300,000.00; royalties 900,000.00 + 750,000.00 =
    // 1,650,000.00, shortfall 350,000.00: 650,000.00 - 350,000.00 = 300,000.00 less, taken from the
    // latest assessment first: 150,000.00 -> 0.00, then 500,000.00 - 150,000.00 = 350,000.00.
    await api.command(agreementId, '/net-sales-restatements', {
      ...us(Q2, '25000000.00'),
      restatesEventId: downRestatement.eventId,
      reason: 'Returns reserve released after the audit',
    });
    const afterUp = await shortfalls();
    expect(
      afterUp.map((o: any) => [o.amount.amount, o.adjustments.amount, o.amountDue.amount]),
    ).toEqual([
      ['500000.00', '-150000.00', '350000.00'],
      ['150000.00', '-150000.00', '0.00'],
    ]);
  });
});
