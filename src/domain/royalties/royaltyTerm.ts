import type { RoyaltyClause } from '../agreement/terms';
import { addDays, addMonths, isBefore, laterOf, monthOf, type BusinessDate } from '../dates';
import type { SalesPeriod } from './salesPeriod';
import { lastDayCoveredByValidClaim, type ValidClaimCoverage } from './validClaim';

/**
 * The royalty term in one country: from the First Commercial Sale until the later of N years and
 * (where the contract extends it) the end of the last Valid Claim. N years from the sale run up
 * to the day before the Nth anniversary, so a term is exactly N years long. The anniversary of
 * 29 February in a year without one is 1 March (the day after 28 February), so such a term's last
 * royalty-bearing day is 28 February, not 27 February: `lastRoyaltyDay` = anniversary - 1 day,
 * always. No `lastRoyaltyDay` while a claim that extends the term still covers the product with
 * no end recorded.
 */
export interface RoyaltyTermInCountry {
  readonly startsOn: BusinessDate;
  readonly lastRoyaltyDay?: BusinessDate;
}

export function royaltyTermInCountry(input: {
  readonly firstCommercialSaleOn: BusinessDate;
  readonly validClaims: readonly ValidClaimCoverage[];
  readonly term: RoyaltyClause['royaltyTerm'];
}): RoyaltyTermInCountry {
  const { firstCommercialSaleOn: startsOn, term } = input;
  const lastDayOfYears = addDays(anniversary(startsOn, term.years), -1);
  if (!term.extendedWhileValidClaim) return { startsOn, lastRoyaltyDay: lastDayOfYears };
  const lastClaimDay = lastDayCoveredByValidClaim(input.validClaims);
  if (lastClaimDay === 'no-end-known') return { startsOn };
  return {
    startsOn,
    lastRoyaltyDay:
      lastClaimDay === undefined ? lastDayOfYears : laterOf(lastDayOfYears, lastClaimDay),
  };
}

/**
 * The Nth anniversary of a date. Temporal's PlainDate.add({years}) constrains 29 February to
 * 28 February in a common year; the anniversary is the day after, 1 March, or a term from a leap
 * day would end a day before one from 28 February does.
 */
function anniversary(date: BusinessDate, years: number): BusinessDate {
  const constrained = addMonths(date, 12 * years);
  return monthOf(date) === 2 && monthOf(constrained) === 2 && dayOf(date) !== dayOf(constrained)
    ? addDays(constrained, 1)
    : constrained;
}

const dayOf = (date: BusinessDate): number => Number(date.slice(8, 10));

/**
 * Where a period stands against the term. `ends-within-period`: the term's last day falls inside
 * the period but before its end, so part of the period's sales bear royalty and part do not.
 */
export type RoyaltyTermStatus =
  'before-first-commercial-sale' | 'in-term' | 'ends-within-period' | 'ended';

export function royaltyTermStatus(
  term: RoyaltyTermInCountry,
  period: SalesPeriod,
): RoyaltyTermStatus {
  if (isBefore(period.to, term.startsOn)) return 'before-first-commercial-sale';
  const { lastRoyaltyDay } = term;
  if (lastRoyaltyDay === undefined || !isBefore(lastRoyaltyDay, period.to)) return 'in-term';
  return isBefore(lastRoyaltyDay, period.from) ? 'ended' : 'ends-within-period';
}
