import { isOnOrBefore, type BusinessDate } from '../dates';
import { DomainError } from '../domainError';

/**
 * The days a royalty report covers, both included: usually a calendar quarter
 * (`2024-01-01`..`2024-03-31`), any run of days within one tier year is accepted so that a year
 * can also be computed at once.
 */
export interface SalesPeriod {
  readonly from: BusinessDate;
  readonly to: BusinessDate;
}

export function salesPeriod(from: BusinessDate, to: BusinessDate, pointer?: string): SalesPeriod {
  if (!isOnOrBefore(from, to)) {
    throw new DomainError(
      'invalid-period',
      `the period ends (${to}) before it starts (${from})`,
      pointer,
    );
  }
  return { from, to };
}

/** `2024-01-01..2024-03-31`: how a period is named in messages and keys. */
export const periodLabel = (period: SalesPeriod): string => `${period.from}..${period.to}`;

export const samePeriod = (a: SalesPeriod, b: SalesPeriod): boolean =>
  a.from === b.from && a.to === b.to;
