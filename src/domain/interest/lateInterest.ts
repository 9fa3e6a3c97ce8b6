import type { DayCount, LateInterest } from '../agreement/terms';
import { isBefore, type BusinessDate } from '../dates';
import { DomainError } from '../domainError';
import { fromMajorUnits, toMajorUnits, zero, type Money } from '../money';
import { add, multiply, ratio, ZERO, type Ratio } from '../ratio';
import type { RoundingMode } from '../rounding';
import { annualRateOf } from './annualRate';
import { accrualDaysOf, yearBasisDaysOf } from './dayCount';
import { primePlusPeriodsOf, type PrimeRateStep, type RatePeriod } from './primeRate';

export interface LateInterestRequest {
  /** The overdue open balance. */
  readonly principal: Money;
  /** The due date (or the last day already accrued): interest runs from the day after. */
  readonly accruesAfter: BusinessDate;
  /** The payment date, or the as-of date for a balance still open: the last day of interest. */
  readonly accruesThrough: BusinessDate;
  readonly terms: LateInterest;
  /** The agreement's rounding mode. */
  readonly rounding: RoundingMode;
  /** Disputed in good faith over the whole period: no interest. */
  readonly disputed?: boolean;
  /** Needed for prime-plus terms. */
  readonly primeRates?: readonly PrimeRateStep[];
}

export interface InterestPeriod extends RatePeriod {
  readonly days: number;
}

/** The computation behind a LateInterestAccrued: enough to check it by hand. */
export interface LateInterestComputation {
  readonly principal: Money;
  readonly accruesAfter: BusinessDate;
  readonly accruesThrough: BusinessDate;
  readonly dayCount: DayCount;
  /** Days of interest under the day count (the sum of the periods' days). */
  readonly days: number;
  /** One per annual rate: a single one for a fixed rate, one per prime rate for prime-plus. */
  readonly periods: readonly InterestPeriod[];
  readonly disputed: boolean;
  /** The interest before rounding, in major units: what a cumulative total adds up. */
  readonly exact: Ratio;
  readonly amount: Money;
}

/**
 * Simple late interest on an overdue balance: principal x annual rate x days / year basis, summed
 * exactly over the periods of each rate and rounded once, to the currency's minor unit, with the
 * agreement's rounding mode. Nothing on an amount disputed in good faith, nothing for no days.
 */
export function lateInterestOn(request: LateInterestRequest): LateInterestComputation {
  const { principal, accruesAfter, accruesThrough, terms } = request;
  if (principal.amountMinor < 0n) {
    throw new DomainError(
      'invalid-principal',
      'late interest accrues on a positive balance',
      '/principal',
    );
  }
  const disputed = request.disputed ?? false;
  const base = { principal, accruesAfter, accruesThrough, dayCount: terms.dayCount, disputed };
  if (disputed || !isBefore(accruesAfter, accruesThrough)) {
    return {
      ...base,
      days: accrualDaysOf(terms.dayCount, accruesAfter, accruesThrough),
      periods: [],
      exact: ZERO,
      amount: zero(principal.currency),
    };
  }
  const periods: InterestPeriod[] = ratePeriodsOf(request).map((period) => ({
    ...period,
    days: accrualDaysOf(terms.dayCount, period.accruesAfter, period.accruesThrough),
  }));
  const yearBasisDays = yearBasisDaysOf(terms.dayCount);
  const exact = periods.reduce(
    (total, period) =>
      add(
        total,
        multiply(
          multiply(toMajorUnits(principal), period.annualRate),
          ratio(BigInt(period.days), yearBasisDays),
        ),
      ),
    ZERO,
  );
  return {
    ...base,
    days: periods.reduce((total, period) => total + period.days, 0),
    periods,
    exact,
    amount: fromMajorUnits(exact, principal.currency, request.rounding),
  };
}

function ratePeriodsOf(request: LateInterestRequest): RatePeriod[] {
  const { terms, accruesAfter, accruesThrough } = request;
  switch (terms.kind) {
    case 'fixed':
      return [{ accruesAfter, accruesThrough, annualRate: annualRateOf(terms.rate, terms.per) }];
    case 'prime-plus':
      return primePlusPeriodsOf(
        request.primeRates ?? [],
        terms.margin,
        accruesAfter,
        accruesThrough,
      );
    default: {
      const _exhaustive: never = terms;
      return _exhaustive;
    }
  }
}
