import { addDays, compareDates, isBefore, isOnOrBefore, type BusinessDate } from '../dates';
import { DomainError } from '../domainError';
import { add, parseDecimal, ratio, type Ratio } from '../ratio';

/** The prime rate in force from a date until the next step, e.g. `{from: "2008-03-19", ratePercent: "5.25"}`. */
export interface PrimeRateStep {
  readonly from: BusinessDate;
  readonly ratePercent: string;
}

/** A stretch of the accrual at one annual rate: the days after `accruesAfter` through `accruesThrough`. */
export interface RatePeriod {
  readonly accruesAfter: BusinessDate;
  readonly accruesThrough: BusinessDate;
  readonly annualRate: Ratio;
}

/**
 * Splits an accrual where the prime rate changes: each day bears the prime rate in force on that
 * day plus the margin. The steps may come in any order; a prime rate must be known from the first
 * day of the accrual (`prime-rate-missing` otherwise).
 */
export function primePlusPeriodsOf(
  steps: readonly PrimeRateStep[],
  margin: Ratio,
  accruesAfter: BusinessDate,
  accruesThrough: BusinessDate,
): RatePeriod[] {
  const sorted = sortedSteps(steps);
  const firstDay = addDays(accruesAfter, 1);
  const inForce = sorted.filter((step) => isOnOrBefore(step.from, firstDay)).at(-1);
  if (inForce === undefined) {
    throw new DomainError(
      'prime-rate-missing',
      `no prime rate is known for ${firstDay}, the first day of interest`,
      '/primeRates',
    );
  }
  const changes = sorted.filter(
    (step) => isBefore(firstDay, step.from) && isOnOrBefore(step.from, accruesThrough),
  );
  const periods: RatePeriod[] = [];
  let start = accruesAfter;
  let rate = inForce.rate;
  for (const change of changes) {
    const end = addDays(change.from, -1);
    periods.push({ accruesAfter: start, accruesThrough: end, annualRate: add(rate, margin) });
    start = end;
    rate = change.rate;
  }
  periods.push({ accruesAfter: start, accruesThrough, annualRate: add(rate, margin) });
  return periods;
}

function sortedSteps(steps: readonly PrimeRateStep[]): { from: BusinessDate; rate: Ratio }[] {
  const parsed = steps.map((step, index) => {
    const percent = parseDecimal(step.ratePercent, {
      pointer: `/primeRates/${index}/ratePercent`,
    });
    return { from: step.from, rate: ratio(percent.numerator, percent.denominator * 100n) };
  });
  parsed.sort((a, b) => compareDates(a.from, b.from));
  parsed.forEach((step, index) => {
    const before = parsed[index - 1];
    if (before !== undefined && before.from === step.from) {
      throw new DomainError(
        'invalid-prime-rates',
        `two prime rates are given from ${step.from}`,
        '/primeRates',
      );
    }
  });
  return parsed;
}
