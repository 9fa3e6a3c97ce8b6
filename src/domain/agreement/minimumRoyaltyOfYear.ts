import { daysBetween, isBefore, isOnOrBefore, type BusinessDate } from '../dates';
import { fromMajorUnits, toMajorUnits, type Money } from '../money';
import { multiply, ratio } from '../ratio';
import type { RoundingMode } from '../rounding';
import type { TierYear } from '../royalties/tierYear';

export interface MinimumOfYear {
  /** What the year's royalties must reach: the whole minimum, or its pro-rated part. */
  readonly minimum: Money;
  readonly proRata?: {
    readonly fullMinimum: Money;
    readonly lastDayInForce: BusinessDate;
    readonly daysInForce: number;
    readonly daysInYear: number;
  };
}

/**
 * The minimum annual royalty a royalty year must reach. In the year the agreement was terminated
 * in, only the days it was in force count (the termination day is its last): minimum × days in
 * force ÷ days in the year (366 in a leap year), rounded once with the agreement's rounding. The
 * signing year is not pro-rated: the terms have no option for it, and their `firstYear` already
 * says from which year the minimum applies (a deal signed mid-year names the first full year).
 */
export function minimumRoyaltyOfYear(
  fullMinimum: Money,
  year: TierYear,
  terminatedOn: BusinessDate | null,
  rounding: RoundingMode,
): MinimumOfYear {
  if (
    terminatedOn === null ||
    !isOnOrBefore(year.startsOn, terminatedOn) ||
    !isBefore(terminatedOn, year.endsOn)
  ) {
    return { minimum: fullMinimum };
  }
  const daysInYear = daysBetween(year.startsOn, year.endsOn) + 1;
  const daysInForce = daysBetween(year.startsOn, terminatedOn) + 1;
  const exact = multiply(toMajorUnits(fullMinimum), ratio(BigInt(daysInForce), BigInt(daysInYear)));
  return {
    minimum: fromMajorUnits(exact, fullMinimum.currency, rounding),
    proRata: { fullMinimum, lastDayInForce: terminatedOn, daysInForce, daysInYear },
  };
}
