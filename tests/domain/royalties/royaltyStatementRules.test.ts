import { sum } from '../../../src/domain/money';
import { calendarQuarter } from '../../../src/domain/royalties/calendarQuarter';
import { computeRoyaltyStatement } from '../../../src/domain/royalties/royaltyStatement';
import { salesPeriod } from '../../../src/domain/royalties/salesPeriod';
import {
  accrue,
  countryFacts,
  d,
  eur,
  exactUsd,
  foundingRoyaltyClause,
  lineFor,
  percent,
  quarter,
  royaltiesOf,
  royaltyClause,
  sale,
  termsOf,
  tiers,
  USD,
  usd,
} from './support/royaltyExamples';

const TEN_YEARS = { years: 10, extendedWhileValidClaim: false };

describe('the royalty term, country by country', () => {
  const clause = royaltyClause({ royaltyTerm: TEN_YEARS });
  const facts = [
    countryFacts('US', { firstCommercialSaleOn: d('2010-03-15') }),
    countryFacts('DE', { firstCommercialSaleOn: d('2012-09-01') }),
  ];
  const statements = accrue(termsOf(clause), facts, [
    quarter(2020, 1, [
      sale('US', usd('90000000.00'), { localNetSalesWithinRoyaltyTerm: usd('40000000.00') }),
      sale('DE', usd('10000000.00')),
    ]),
    quarter(2020, 2, [sale('US', usd('95000000.00')), sale('DE', usd('10000000.00'))]),
  ]);

  it('charges the quarter the term ends in only on the sales the licensee made within it', () => {
    const us = lineFor(statements[0]!, 'US');
    expect(us.royaltyTerm).toEqual({ startsOn: '2010-03-15', lastRoyaltyDay: '2020-03-14' });
    expect(us.royaltyTermStatus).toBe('ends-within-period');
    expect(us.conversion?.netSales).toEqual(usd('90000000.00'));
    expect(us.royaltyBearingNetSales).toEqual(usd('40000000.00'));
    expect(us.royalty).toEqual(usd('1200000.00'));
  });

  it('charges nothing on sales after the term, and does not count them towards the tiers', () => {
    const us = lineFor(statements[1]!, 'US');
    expect(us.royaltyTermStatus).toBe('ended');
    expect(us.royalty).toEqual(usd('0.00'));
    expect(us.productNetSalesAfter).toEqual(usd('60000000.00'));
    expect(lineFor(statements[1]!, 'DE').royalty).toEqual(usd('300000.00'));
  });

  it('refuses the quarter the term ends in without the sales made within the term', () => {
    expect(() =>
      accrue(termsOf(clause), facts, [quarter(2020, 1, [sale('US', usd('90000000.00'))])]),
    ).toThrow(
      expect.objectContaining({
        code: 'royalty-term-ends-within-period',
        pointer: '/lines/0/netSalesWithinRoyaltyTerm',
        message: expect.stringMatching(/ends on 2020-03-14/),
      }),
    );
  });

  it('refuses sales within the term stated for a quarter the term does not end in', () => {
    expect(() =>
      accrue(termsOf(clause), facts, [
        quarter(2019, 4, [
          sale('US', usd('9.00'), { localNetSalesWithinRoyaltyTerm: usd('9.00') }),
        ]),
      ]),
    ).toThrow(expect.objectContaining({ code: 'royalty-term-does-not-end-within-period' }));
  });

  it('extends the term while a Valid Claim still covers the product', () => {
    const [statement] = accrue(
      termsOf(royaltyClause()),
      [countryFacts('US', { firstCommercialSaleOn: d('2010-03-15') })],
      [quarter(2024, 1, [sale('US', usd('1000000.00'))])],
    );
    expect(statement!.total).toEqual(usd('30000.00'));
  });

  it('refuses sales reported before the first commercial sale, or where none is recorded', () => {
    expect(() =>
      accrue(termsOf(clause), facts, [quarter(2012, 2, [sale('DE', usd('1.00'))])]),
    ).toThrow(expect.objectContaining({ code: 'sales-before-first-commercial-sale' }));
    expect(() =>
      accrue(termsOf(clause), facts, [quarter(2012, 2, [sale('FR', usd('1.00'))])]),
    ).toThrow(expect.objectContaining({ code: 'first-commercial-sale-unknown' }));
    expect(
      accrue(termsOf(clause), facts, [quarter(2012, 2, [sale('FR', usd('0.00'))])])[0]!.total,
    ).toEqual(usd('0.00'));
  });
});

describe('reductions, in the contract’s order', () => {
  it('deducts third-party stacking and then halves for generic entry, from the first full quarter after it', () => {
    // Clause 6.1 lists stacking (50%, floor 50%) before generic entry (50%).
    const facts = [countryFacts('US', { genericEntryOn: d('2012-05-17') })];
    const statements = accrue(termsOf(foundingRoyaltyClause), facts, [
      quarter(2012, 2, [sale('US', usd('10000000.00'))]),
      quarter(
        2012,
        3,
        [sale('US', usd('10000000.00'))],
        [{ productId: 'biib015', country: 'US', royaltiesPaid: usd('100000.00') }],
      ),
    ]);
    expect(royaltiesOf(statements)).toEqual([usd('300000.00'), usd('125000.00')]);
    expect(lineFor(statements[1]!, 'US').reductions).toEqual([
      {
        kind: 'third-party-stacking',
        base: exactUsd('30000000'),
        amount: exactUsd('5000000'),
        thirdPartyRoyalties: usd('100000.00'),
      },
      { kind: 'generic-entry', base: exactUsd('25000000'), amount: exactUsd('12500000') },
    ]);
  });

  it('prices a country without a Valid Claim with the clause’s rates for it, on the same worldwide tiers', () => {
    const clause = royaltyClause({
      tiersWithoutValidClaim: tiers(['0', '2'], ['250000000', '2.5'], ['400000000', '3']),
      reductions: [{ kind: 'no-valid-claim', reduction: percent('50') }],
    });
    const facts = [
      countryFacts('US'),
      countryFacts('DE', {
        validClaims: [{ coveredFrom: d('2008-05-06'), endedOn: d('2012-01-01') }],
      }),
    ];
    const [statement] = accrue(termsOf(clause), facts, [
      quarter(2012, 1, [sale('US', usd('200000000.00')), sale('DE', usd('100000000.00'))]),
    ]);
    const germany = lineFor(statement!, 'DE');
    expect(germany.coveredByValidClaim).toBe(false);
    expect(germany.tierSchedule).toBe('tiersWithoutValidClaim');
    // A third of (250M x 2% + 50M x 2.5%), not reduced again by the no-valid-claim share.
    expect(germany.royalty).toEqual(usd('2083333.33'));
    expect(germany.reductions).toEqual([]);
    expect(lineFor(statement!, 'US').royalty).toEqual(usd('6166666.67'));
  });

  describe('a Valid Claim that starts or ends during a period: the coverage on the period’s last day prices it', () => {
    const clause = royaltyClause({
      reductions: [{ kind: 'no-valid-claim', reduction: percent('50') }],
    });
    const twoQuarters = [
      quarter(2012, 1, [sale('US', usd('1000000.00'))]),
      quarter(2012, 2, [sale('US', usd('1000000.00'))]),
    ];
    const claimEnding = (endedOn: string) => [
      countryFacts('US', { validClaims: [{ coveredFrom: d('2008-05-06'), endedOn: d(endedOn) }] }),
    ];

    it('halves the whole quarter in which the claim expired, and the quarters after', () => {
      const statements = accrue(termsOf(clause), claimEnding('2012-02-15'), twoQuarters);
      expect(royaltiesOf(statements)).toEqual([usd('15000.00'), usd('15000.00')]);
      expect(lineFor(statements[0]!, 'US').coveredByValidClaim).toBe(false);
    });

    it('keeps the claim’s rate for a quarter whose last day the claim still covers', () => {
      const statements = accrue(termsOf(clause), claimEnding('2012-04-01'), twoQuarters);
      expect(royaltiesOf(statements)).toEqual([usd('30000.00'), usd('15000.00')]);
    });

    it('prices a quarter in which a claim was granted with the claim', () => {
      const facts = [countryFacts('US', { validClaims: [{ coveredFrom: d('2012-05-20') }] })];
      expect(royaltiesOf(accrue(termsOf(clause), facts, twoQuarters))).toEqual([
        usd('15000.00'),
        usd('30000.00'),
      ]);
    });

    it('prices the days before the expiry with the claim when the licensee reports them as a period of their own', () => {
      const statements = accrue(termsOf(clause), claimEnding('2012-02-15'), [
        {
          period: salesPeriod(d('2012-01-01'), d('2012-02-14')),
          lines: [sale('US', usd('400000.00'))],
        },
        {
          period: salesPeriod(d('2012-02-15'), d('2012-03-31')),
          lines: [sale('US', usd('600000.00'))],
        },
      ]);
      expect(royaltiesOf(statements)).toEqual([usd('12000.00'), usd('9000.00')]);
    });
  });
});

describe('whole-sales true-ups across countries', () => {
  it('reprices a country’s earlier sales when the year moves band, even with no sales of its own that quarter', () => {
    const clause = royaltyClause({ tierModel: 'whole-sales' });
    const statements = accrue(
      termsOf(clause),
      [countryFacts('US'), countryFacts('DE')],
      [
        quarter(2012, 1, [sale('US', usd('100000000.00')), sale('DE', usd('50000000.00'))]),
        quarter(2012, 2, [sale('US', usd('120000000.00'))]),
      ],
    );
    const germany = lineFor(statements[1]!, 'DE');
    expect(germany.conversion).toBeUndefined();
    expect(germany.tierSlices).toEqual([
      {
        kind: 'true-up',
        from: usd('0.00'),
        to: usd('150000000.00'),
        rate: percent('0.5'),
        royalty: exactUsd('25000000'),
        truedUp: {
          period: calendarQuarter(2012, 1),
          netSales: usd('50000000.00'),
          tierSchedule: 'tiers',
          reductions: [],
          royalty: exactUsd('25000000'),
        },
      },
    ]);
    expect(germany.royalty).toEqual(usd('250000.00'));
    expect(lineFor(statements[1]!, 'US').royalty).toEqual(usd('4700000.00'));
    expect(royaltiesOf(statements)).toEqual([usd('4500000.00'), usd('4950000.00')]);
  });
});

describe('whole-sales true-ups with the reductions each earlier sale bore', () => {
  // 1% of the year's sales below $300, 2% of all of them from $300; a generic entered the US on
  // 10 February 2012, so its 50% cut applies from the second quarter on.
  const clause = royaltyClause({
    tierModel: 'whole-sales',
    tiers: tiers(['0', '1'], ['300', '2']),
    reductions: [{ kind: 'generic-entry', reduction: percent('50') }],
  });
  const facts = [countryFacts('US', { genericEntryOn: d('2012-02-10') })];
  const statements = accrue(termsOf(clause), facts, [
    quarter(2012, 1, [sale('US', usd('160.00'))]),
    quarter(2012, 2, [sale('US', usd('220.00'))]),
  ]);

  it('trues up the first quarter’s sales without the cut they never bore: $3.80, not $3.00', () => {
    // Q2: $220 x 2% = $4.40, halved = $2.20; Q1's $160 repriced from 1% to 2% = $1.60, uncut.
    expect(royaltiesOf(statements)).toEqual([usd('1.60'), usd('3.80')]);
    const line = lineFor(statements[1]!, 'US');
    expect(line.reductions).toEqual([
      { kind: 'generic-entry', base: exactUsd('440'), amount: exactUsd('220') },
    ]);
    expect(line.tierSlices).toEqual([
      expect.objectContaining({ kind: 'sales', rate: percent('2'), royalty: exactUsd('440') }),
      expect.objectContaining({
        kind: 'true-up',
        rate: percent('1'),
        royalty: exactUsd('160'),
        truedUp: expect.objectContaining({ period: quarter(2012, 1, []).period, reductions: [] }),
      }),
    ]);
  });

  it('adds up to the year’s sales at the year’s band, each quarter’s with its own reductions', () => {
    // $160 x 2% + $220 x 2% x 50% = $3.20 + $2.20.
    expect(sum(royaltiesOf(statements), USD)).toEqual(usd('5.40'));
  });

  it('trues up a cut quarter with its cut when a later quarter has none', () => {
    const noClaimInQ1 = royaltyClause({
      tierModel: 'whole-sales',
      tiers: tiers(['0', '1'], ['300', '2']),
      reductions: [{ kind: 'no-valid-claim', reduction: percent('50') }],
    });
    const claimFromQ2 = [countryFacts('US', { validClaims: [{ coveredFrom: d('2012-04-01') }] })];
    const [q1, q2] = accrue(termsOf(noClaimInQ1), claimFromQ2, [
      quarter(2012, 1, [sale('US', usd('160.00'))]),
      quarter(2012, 2, [sale('US', usd('220.00'))]),
    ]);
    // Q1: $160 x 1% halved = $0.80; Q2: $220 x 2% = $4.40 plus Q1's $1.60 more, halved: $0.80.
    expect([q1!.total, q2!.total]).toEqual([usd('0.80'), usd('5.20')]);
  });

  it('raises a third-party offset held down by its floor when the band rises, from that quarter’s own royalties paid', () => {
    const stacking = royaltyClause({
      tierModel: 'whole-sales',
      tiers: tiers(['0', '1'], ['300', '2']),
      reductions: [{ kind: 'third-party-stacking', offset: percent('50'), floor: percent('50') }],
    });
    const [q1, q2] = accrue(
      termsOf(stacking),
      [countryFacts('US')],
      [
        quarter(
          2012,
          1,
          [sale('US', usd('160.00'))],
          [{ productId: 'biib015', country: 'US', royaltiesPaid: usd('10.00') }],
        ),
        quarter(2012, 2, [sale('US', usd('220.00'))]),
      ],
    );
    // Q1: $1.60 less at most half of it = $0.80. At 2% Q1's sales bear $3.20, less at most half
    // of it ($1.60 of the $5.00 offset) = $1.60: the true-up is $0.80. Q2 paid nobody: $4.40.
    expect([q1!.total, q2!.total]).toEqual([usd('0.80'), usd('5.20')]);
  });
});

describe('facts a repricing needs', () => {
  it('reprices a country’s earlier sales without its facts: the reductions they bore are kept with them', () => {
    const clause = royaltyClause({
      tierModel: 'whole-sales',
      tiers: tiers(['0', '1'], ['300', '2']),
      reductions: [{ kind: 'generic-entry', reduction: percent('50') }],
    });
    const terms = termsOf(clause);
    const [q1] = accrue(
      terms,
      [countryFacts('US'), countryFacts('DE', { genericEntryOn: d('2011-05-01') })],
      [quarter(2012, 1, [sale('US', usd('100.00')), sale('DE', usd('100.00'))])],
    );
    const [q2] = accrue(
      terms,
      [countryFacts('US')],
      [quarter(2012, 2, [sale('US', usd('100.00'))])],
      q1!.yearToDateAfter,
    );
    // Germany's $100 repriced from 1% to 2%, still halved by its generic cut: $0.50.
    expect(lineFor(q2!, 'DE').royalty).toEqual(usd('0.50'));
  });
});

describe('returns', () => {
  it('credits returns that exceed sales at the rate the sales bore', () => {
    const statements = accrue(
      termsOf(royaltyClause()),
      [countryFacts('US')],
      [
        quarter(2012, 1, [sale('US', usd('10000000.00'))]),
        quarter(2012, 2, [sale('US', usd('-1000000.00'))]),
      ],
    );
    expect(royaltiesOf(statements)).toEqual([usd('300000.00'), usd('-30000.00')]);
  });
});

describe('reports the statement refuses, never half-applying them', () => {
  const terms = termsOf(royaltyClause({ countries: ['US', 'JP'] }));
  const facts = [countryFacts('US'), countryFacts('JP')];
  const refusal = (report: Parameters<typeof computeRoyaltyStatement>[0]['report']) => () =>
    computeRoyaltyStatement({ terms, report, facts });

  it.each([
    [
      'a product the clause does not cover',
      quarter(2012, 1, [{ ...sale('US', usd('1.00')), productId: 'other' }]),
      'product-not-in-clause',
      '/lines/0/productId',
    ],
    [
      'a country the clause does not cover',
      quarter(2012, 1, [sale('DE', usd('1.00'))]),
      'country-not-in-clause',
      '/lines/0/country',
    ],
    [
      'a country that is not a country code',
      quarter(2012, 1, [sale('usa', usd('1.00'))]),
      'invalid-country',
      '/lines/0/country',
    ],
    [
      'two lines for one product and country',
      quarter(2012, 1, [sale('US', usd('1.00')), sale('US', usd('2.00'))]),
      'duplicate-report-line',
      '/lines/1',
    ],
    [
      'a line in euros without an exchange rate',
      quarter(2012, 1, [sale('US', eur('1.00'))]),
      'missing-exchange-rate',
      '/lines/0/exchangeRate',
    ],
    [
      'third-party royalties in another currency than the payment currency',
      quarter(
        2012,
        1,
        [sale('US', usd('1.00'))],
        [{ productId: 'biib015', country: 'US', royaltiesPaid: eur('1.00') }],
      ),
      'currency-mismatch',
      '/thirdPartyRoyalties/0/royaltiesPaid/currency',
    ],
    [
      'a period across the end of the tier year',
      { period: salesPeriod(d('2012-12-01'), d('2013-01-31')), lines: [] },
      'period-straddles-tier-year',
      undefined,
    ],
  ])('refuses %s', (_, report, code, pointer) => {
    expect(refusal(report)).toThrow(expect.objectContaining({ code, pointer }));
  });

  it('refuses a period already accrued: a correction is a restatement', () => {
    const [first] = accrue(terms, facts, [quarter(2012, 1, [sale('US', usd('1.00'))])]);
    expect(() =>
      computeRoyaltyStatement({
        terms,
        report: quarter(2012, 1, [sale('US', usd('2.00'))]),
        facts,
        yearToDate: first!.yearToDateAfter,
      }),
    ).toThrow(expect.objectContaining({ code: 'period-already-accrued' }));
    expect(() =>
      computeRoyaltyStatement({
        terms,
        report: quarter(2011, 4, [sale('US', usd('2.00'))]),
        facts,
        yearToDate: first!.yearToDateAfter,
      }),
    ).toThrow(expect.objectContaining({ code: 'year-to-date-after-period' }));
  });

  it('accepts a period shorter than a quarter, such as a month', () => {
    const [march] = accrue(terms, facts, [
      { period: salesPeriod(d('2012-03-01'), d('2012-03-31')), lines: [sale('US', usd('100.00'))] },
    ]);
    expect(march!.total).toEqual(usd('3.00'));
    expect(march!.yearToDateAfter.accruedThrough).toBe(calendarQuarter(2012, 1).to);
  });
});
