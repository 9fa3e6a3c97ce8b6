import { endOfMonth, monthOf, yearOf, type BusinessDate } from '../dates';

/** The last day of the calendar quarter the date falls in: 2008-02-01 → 2008-03-31. */
export function calendarQuarterEndOf(date: BusinessDate): BusinessDate {
  const month = monthOf(date);
  return endOfMonth(yearOf(date), month + ((3 - (month % 3)) % 3));
}
