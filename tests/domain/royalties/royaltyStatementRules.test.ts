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
        pointer: '/lines/0/localNetSalesWithinRoyaltyTerm',
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
      },
    ]);
    expect(germany.royalty).toEqual(usd('250000.00'));
    expect(lineFor(statements[1]!, 'US').royalty).toEqual(usd('4700000.00'));
    expect(royaltiesOf(statements)).toEqual([usd('4500000.00'), usd('4950000.00')]);
  });
});

describe('facts a repricing needs', () => {
  it('refuses to reprice a country’s earlier sales without its facts', () => {
    const terms = termsOf(royaltyClause({ tierModel: 'whole-sales' }));
    const [q1] = accrue(
      terms,
      [countryFacts('US'), countryFacts('DE')],
      [quarter(2012, 1, [sale('US', usd('100.00')), sale('DE', usd('100.00'))])],
    );
    expect(() =>
      accrue(
        terms,
        [countryFacts('US')],
        [quarter(2012, 2, [sale('US', usd('100.00'))])],
        q1!.yearToDateAfter,
      ),
    ).toThrow(expect.objectContaining({ code: 'facts-missing' }));
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
