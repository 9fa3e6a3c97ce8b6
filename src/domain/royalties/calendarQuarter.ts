import { addDays, dateOf, endOfMonth, monthOf, yearOf, type BusinessDate } from '../dates';
import { DomainError } from '../domainError';
import type { SalesPeriod } from './salesPeriod';

/** Quarter 1 is January to March. */
export function calendarQuarter(year: number, quarter: number): SalesPeriod {
  if (!Number.isInteger(quarter) || quarter < 1 || quarter > 4) {
    throw new DomainError('invalid-period', `quarter ${quarter} is not one of 1, 2, 3, 4`);
  }
  return { from: dateOf(year, quarter * 3 - 2, 1), to: endOfMonth(year, quarter * 3) };
}

export function calendarQuarterOf(date: BusinessDate): SalesPeriod {
  const month = monthOf(date);
  return calendarQuarter(yearOf(date), (month + 2 - ((month + 2) % 3)) / 3);
}

/** The first day of the calendar quarter after the one `date` falls in. */
export function firstDayOfNextQuarter(date: BusinessDate): BusinessDate {
  return addDays(calendarQuarterOf(date).to, 1);
}
