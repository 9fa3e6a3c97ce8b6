import type { Ratio } from '../ratio';
import { multiply, ratio } from '../ratio';

/**
 * A late-interest rate per year, as every day count applies it: a monthly rate is twelve times
 * itself a year (1% per month is 12% a year), whatever the day count, so that under 30/360 each
 * 30-day month bears exactly the monthly rate and under actual/365 each day bears 12% / 365.
 * Simple interest: never compounded.
 */
export function annualRateOf(rate: Ratio, per: 'month' | 'year'): Ratio {
  return per === 'year' ? rate : multiply(rate, ratio(12n));
}
