import fc from 'fast-check';
import type { Reduction, Tier } from '../../../../src/domain/agreement/terms';
import { addDays, businessDate } from '../../../../src/domain/dates';
import { money } from '../../../../src/domain/money';
import { compare, ratio } from '../../../../src/domain/ratio';
import { salesPeriod, type SalesPeriod } from '../../../../src/domain/royalties/salesPeriod';
import { countryFacts, d, percent, USD } from './royaltyExamples';

// Generators the royalty property tests share.

export const COUNTRIES = ['US', 'DE', 'JP'] as const;
export const YEAR_STARTS_ON = businessDate('2012-01-01');
export const WHOLE_YEAR = salesPeriod(YEAR_STARTS_ON, d('2012-12-31'));

// DE has had no Valid Claim all year and JP a generic since 2010: reductions that hold all year.
export const FACTS = [
  countryFacts('US'),
  countryFacts('DE', { validClaims: [] }),
  countryFacts('JP', { genericEntryOn: d('2010-06-01') }),
];
export const YEAR_LONG_REDUCTIONS: Reduction[] = [
  { kind: 'generic-entry', reduction: percent('40') },
  { kind: 'no-valid-claim', reduction: percent('25') },
];

export const anyRate = fc
  .integer({ min: 0, max: 200_000 })
  .map((n) => ratio(BigInt(n), 1_000_000n));
// Contract-like rates meet exact halves of a cent often (3.5% of $0.10 is 0.35 cents; 5% of 10 cents is half a cent).
export const contractRate = fc.constantFrom(...['2.5', '3', '3.5', '4', '5'].map(percent));

/** Up to four bands; with `rising`, each band's rate is at least the one before. */
export const tierSchedule = (rising: boolean, rate = anyRate): fc.Arbitrary<Tier[]> =>
  fc.uniqueArray(fc.bigInt({ min: 1n, max: 10n ** 11n }), { maxLength: 3 }).chain((starts) =>
    fc.array(rate, { minLength: starts.length + 1, maxLength: starts.length + 1 }).map((rates) => {
      const ordered = rising ? [...rates].sort(compare) : rates;
      return [0n, ...[...starts].sort((a, b) => (a < b ? -1 : 1))].map((from, index) => ({
        from: money(from, USD),
        rate: ordered[index] ?? ratio(0n),
      }));
    }),
  );

/** Any split of 2012 (a leap year) into one to six consecutive periods. */
export const yearSplit: fc.Arbitrary<SalesPeriod[]> = fc
  .uniqueArray(fc.integer({ min: 1, max: 365 }), { maxLength: 5 })
  .map((cuts) => {
    const starts = [0, ...[...cuts].sort((a, b) => a - b)];
    return starts.map((start, index) => {
      const next = starts[index + 1];
      return salesPeriod(
        addDays(YEAR_STARTS_ON, start),
        next === undefined ? WHOLE_YEAR.to : addDays(YEAR_STARTS_ON, next - 1),
      );
    });
  });

export const cents = (max: bigint) => fc.bigInt({ min: 0n, max });

/** Per period, per country, net sales in dollars (a country may report nothing). */
export const salesOfYear = (periods: number, countries: number, max = 10n ** 11n) =>
  fc.array(
    fc.array(fc.option(cents(max), { nil: undefined }), {
      minLength: countries,
      maxLength: countries,
    }),
    {
      minLength: periods,
      maxLength: periods,
    },
  );
