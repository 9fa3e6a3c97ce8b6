import fc from 'fast-check';
import type { LateInterest } from '../../../src/domain/agreement/terms';
import { parseTerms } from '../../../src/domain/agreement/terms';
import { currencyCode } from '../../../src/domain/currency';
import { addDays, businessDate, dateOf, type BusinessDate } from '../../../src/domain/dates';
import {
  lateInterestOn,
  type LateInterestRequest,
} from '../../../src/domain/interest/lateInterest';
import { money } from '../../../src/domain/money';
import { parseDecimal, ratio } from '../../../src/domain/ratio';
import { foundingDeal } from '../fixtures/foundingDeal';

const USD = currencyCode('USD');
const JPY = currencyCode('JPY');
const d = (text: string) => businessDate(text);
const percent = (text: string) => {
  const value = parseDecimal(text);
  return ratio(value.numerator, value.denominator * 100n);
};
const fixed = (
  ratePercent: string,
  per: 'month' | 'year',
  dayCount: LateInterest['dayCount'],
): LateInterest => ({ kind: 'fixed', rate: percent(ratePercent), per, dayCount });

const indMilestone = money(150_000_000n, USD);
const founding = parseTerms(foundingDeal);

function request(overrides: Partial<LateInterestRequest> = {}): LateInterestRequest {
  return {
    principal: indMilestone,
    accruesAfter: d('2008-03-02'),
    accruesThrough: d('2008-04-01'),
    terms: founding.lateInterest!,
    rounding: founding.rounding,
    ...overrides,
  };
}

describe('late interest', () => {
  it('charges 1% per month on actual/365 as 12% a year for each day late: $1.5M paid 30 days late', () => {
    const computation = lateInterestOn(request());

    // 1,500,000 x 12% x 30 / 365 = 14,794.5205...
    expect(computation).toEqual({
      principal: indMilestone,
      accruesAfter: '2008-03-02',
      accruesThrough: '2008-04-01',
      dayCount: 'actual/365',
      days: 30,
      periods: [
        {
          accruesAfter: '2008-03-02',
          accruesThrough: '2008-04-01',
          days: 30,
          annualRate: ratio(12n, 100n),
        },
      ],
      disputed: false,
      exact: ratio(1_080_000n, 73n),
      amount: money(1_479_452n, USD),
    });
  });

  it('charges nothing for a payment made on the due date, and nothing before it', () => {
    expect(lateInterestOn(request({ accruesThrough: d('2008-03-02') })).amount).toEqual(
      money(0n, USD),
    );
    expect(lateInterestOn(request({ accruesThrough: d('2008-02-15') }))).toMatchObject({
      days: 0,
      amount: money(0n, USD),
    });
  });

  it('charges nothing on an amount disputed in good faith', () => {
    expect(lateInterestOn(request({ disputed: true }))).toMatchObject({
      disputed: true,
      days: 30,
      amount: money(0n, USD),
    });
  });

  it('divides by 360 days under actual/360', () => {
    // 1,500,000 x 12% x 30 / 360 = 15,000.00
    expect(lateInterestOn(request({ terms: fixed('1', 'month', 'actual/360') })).amount).toEqual(
      money(1_500_000n, USD),
    );
  });

  it('makes 1% per month exactly 1% for each 30/360 month', () => {
    const computation = lateInterestOn(
      request({
        terms: fixed('1', 'month', '30/360'),
        accruesAfter: d('2008-01-31'),
        accruesThrough: d('2008-03-31'),
      }),
    );

    expect(computation).toMatchObject({ days: 60, amount: money(3_000_000n, USD) });
  });

  it('applies a yearly rate as it is', () => {
    // 1,500,000 x 8% x 30 / 365 = 9,863.0136...
    expect(lateInterestOn(request({ terms: fixed('8', 'year', 'actual/365') })).amount).toEqual(
      money(986_301n, USD),
    );
  });

  it('rounds once, with the agreement’s rounding mode', () => {
    // $75.00 x 12% x 1 / 360 = 2.5 cents
    const halfCent = request({
      principal: money(7_500n, USD),
      terms: fixed('1', 'month', 'actual/360'),
      accruesThrough: d('2008-03-03'),
    });

    expect(lateInterestOn({ ...halfCent, rounding: 'half-up' }).amount).toEqual(money(3n, USD));
    expect(lateInterestOn({ ...halfCent, rounding: 'half-even' }).amount).toEqual(money(2n, USD));
  });

  it('rounds to the currency’s minor unit', () => {
    // ¥1,000,000 x 12% x 30 / 365 = ¥9,863.01...
    expect(lateInterestOn(request({ principal: money(1_000_000n, JPY) })).amount).toEqual(
      money(9_863n, JPY),
    );
  });

  it('charges prime plus the margin, following each change of the prime rate', () => {
    const primePlus2: LateInterest = {
      kind: 'prime-plus',
      margin: percent('2'),
      dayCount: 'actual/365',
    };
    const computation = lateInterestOn(
      request({
        terms: primePlus2,
        primeRates: [
          { from: d('2008-03-19'), ratePercent: '5.25' },
          { from: d('2008-01-31'), ratePercent: '6.00' },
          { from: d('2007-12-12'), ratePercent: '7.25' },
        ],
      }),
    );

    // 1,500,000 x (8% x 16 + 7.25% x 14) / 365 = 9,431.5068...
    expect(computation.periods).toEqual([
      {
        accruesAfter: '2008-03-02',
        accruesThrough: '2008-03-18',
        days: 16,
        annualRate: percent('8'),
      },
      {
        accruesAfter: '2008-03-18',
        accruesThrough: '2008-04-01',
        days: 14,
        annualRate: percent('7.25'),
      },
    ]);
    expect(computation.amount).toEqual(money(943_151n, USD));
    expect(computation.days).toBe(30);
  });

  it('refuses prime-plus interest without a prime rate for the whole period', () => {
    const primePlus2: LateInterest = {
      kind: 'prime-plus',
      margin: percent('2'),
      dayCount: 'actual/365',
    };

    expect(() => lateInterestOn(request({ terms: primePlus2 }))).toThrow(
      expect.objectContaining({ code: 'prime-rate-missing' }),
    );
    expect(() =>
      lateInterestOn(
        request({ terms: primePlus2, primeRates: [{ from: d('2008-03-10'), ratePercent: '6' }] }),
      ),
    ).toThrow(expect.objectContaining({ code: 'prime-rate-missing' }));
  });

  it('refuses a negative principal', () => {
    expect(() => lateInterestOn(request({ principal: money(-1n, USD) }))).toThrow(
      expect.objectContaining({ code: 'invalid-principal' }),
    );
  });
});

const DAY_COUNTS = ['actual/365', 'actual/360', '30/360'] as const;
const termsArbitrary = fc.oneof(
  fc.record({
    kind: fc.constant('fixed' as const),
    rate: fc.bigInt({ min: 0n, max: 3000n }).map((bp) => ratio(bp, 10_000n)),
    per: fc.constantFrom('month' as const, 'year' as const),
    dayCount: fc.constantFrom(...DAY_COUNTS),
  }),
  fc.record({
    kind: fc.constant('prime-plus' as const),
    margin: fc.bigInt({ min: 0n, max: 1000n }).map((bp) => ratio(bp, 10_000n)),
    dayCount: fc.constantFrom(...DAY_COUNTS),
  }),
);
const dateArbitrary = fc
  .record({
    year: fc.integer({ min: 2000, max: 2030 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
  })
  .filter(({ year, month, day }) => day <= 28 || isCalendarDay(year, month, day))
  .map(({ year, month, day }) => dateOf(year, month, day));
const primeRates = [
  { from: d('1999-01-01'), ratePercent: '7.75' },
  { from: d('2004-06-30'), ratePercent: '4.25' },
  { from: d('2008-03-19'), ratePercent: '5.25' },
  { from: d('2015-12-17'), ratePercent: '3.5' },
  { from: d('2022-06-16'), ratePercent: '4.75' },
];

function isCalendarDay(year: number, month: number, day: number): boolean {
  try {
    dateOf(year, month, day);
    return true;
  } catch {
    return false;
  }
}

const accrual = (
  terms: LateInterest,
  principalMinor: bigint,
  after: BusinessDate,
  through: BusinessDate,
): bigint =>
  lateInterestOn({
    principal: money(principalMinor, USD),
    accruesAfter: after,
    accruesThrough: through,
    terms,
    rounding: 'half-up',
    primeRates,
  }).amount.amountMinor;

const principalArbitrary = fc.bigInt({ min: 0n, max: 10n ** 12n });

describe('late interest (properties)', () => {
  it('never falls when the payment is later', () => {
    fc.assert(
      fc.property(
        termsArbitrary,
        principalArbitrary,
        dateArbitrary,
        fc.nat({ max: 2000 }),
        fc.nat({ max: 400 }),
        (terms, principal, dueOn, days, moreDays) => {
          const through = addDays(dueOn, days);
          expect(
            accrual(terms, principal, dueOn, addDays(through, moreDays)),
          ).toBeGreaterThanOrEqual(accrual(terms, principal, dueOn, through));
        },
      ),
    );
  });

  it('never falls when the principal is larger', () => {
    fc.assert(
      fc.property(
        termsArbitrary,
        principalArbitrary,
        principalArbitrary,
        dateArbitrary,
        fc.nat({ max: 2000 }),
        (terms, principal, more, dueOn, days) => {
          const through = addDays(dueOn, days);
          expect(accrual(terms, principal + more, dueOn, through)).toBeGreaterThanOrEqual(
            accrual(terms, principal, dueOn, through),
          );
        },
      ),
    );
  });

  it('is zero for zero days', () => {
    fc.assert(
      fc.property(termsArbitrary, principalArbitrary, dateArbitrary, (terms, principal, dueOn) => {
        expect(accrual(terms, principal, dueOn, dueOn)).toBe(0n);
      }),
    );
  });

  // Each accrual is rounded once, so two adjacent accruals differ from the accrual of the whole
  // period by at most one minor unit (two roundings of at most half a unit each), whenever the
  // day count itself is additive: always for actual/365 and actual/360; for 30/360 only when no
  // boundary falls on a 31st (see the next test).
  it('adds up over adjacent periods to within one minor unit', () => {
    fc.assert(
      fc.property(
        termsArbitrary,
        principalArbitrary,
        dateArbitrary,
        fc.nat({ max: 1000 }),
        fc.nat({ max: 1000 }),
        (terms, principal, dueOn, firstDays, secondDays) => {
          const middle = addDays(dueOn, firstDays);
          const end = addDays(middle, secondDays);
          fc.pre(
            terms.dayCount !== '30/360' || [dueOn, middle, end].every((x) => !x.endsWith('-31')),
          );
          const whole = accrual(terms, principal, dueOn, end);
          const parts =
            accrual(terms, principal, dueOn, middle) + accrual(terms, principal, middle, end);
          const difference = whole - parts;
          expect(difference <= 1n && difference >= -1n).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('shows that 30/360 is not additive across a 31st (a property of the convention, not a bug)', () => {
    const terms = fixed('1', 'month', '30/360');
    const jan15 = d('2008-01-15');
    const jan31 = d('2008-01-31');
    const feb15 = d('2008-02-15');

    // 16 + 15 days in parts, 30 days at once.
    expect(
      accrual(terms, 3_600_000n, jan15, jan31) + accrual(terms, 3_600_000n, jan31, feb15),
    ).toBe(31n * 1_200n);
    expect(accrual(terms, 3_600_000n, jan15, feb15)).toBe(30n * 1_200n);
  });
});
