import { isBefore, isOnOrBefore, type BusinessDate } from '../dates';
import { DomainError } from '../domainError';
import { firstDayOfNextQuarter } from './calendarQuarter';
import { periodLabel, type SalesPeriod } from './salesPeriod';

/**
 * A generic-entry reduction cuts the rate "from the first full quarter after" the generic was
 * first sold: the calendar quarter after the one the entry falls in, even when the entry is on a
 * quarter's first day (that quarter does not lie wholly after the entry date).
 */
export function genericEntryCutStartsOn(genericEntryOn: BusinessDate): BusinessDate {
  return firstDayOfNextQuarter(genericEntryOn);
}

/** Whether the cut applies to a period's sales; a period it would split is refused. */
export function genericEntryCutApplies(
  genericEntryOn: BusinessDate | undefined,
  period: SalesPeriod,
): boolean {
  if (genericEntryOn === undefined) return false;
  const cutStartsOn = genericEntryCutStartsOn(genericEntryOn);
  if (isOnOrBefore(cutStartsOn, period.from)) return true;
  if (isBefore(period.to, cutStartsOn)) return false;
  throw new DomainError(
    'generic-entry-cut-starts-within-period',
    `the generic-entry reduction starts on ${cutStartsOn}, inside the period ${periodLabel(period)}; ` +
      'report the sales before and after it as separate periods',
  );
}
