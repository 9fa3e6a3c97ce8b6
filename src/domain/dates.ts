import { Temporal } from '@js-temporal/polyfill';
import { DomainError } from './domainError';

/**
 * A calendar date without time or zone, `YYYY-MM-DD`: when a fact happened or an amount falls due.
 * The arithmetic is Temporal's PlainDate (leap years included), never a Date at midnight in some
 * time zone.
 */
export type BusinessDate = string & { readonly __brand: 'BusinessDate' };

const FORMAT = /^\d{4}-\d{2}-\d{2}$/;

export function businessDate(text: string, pointer?: string): BusinessDate {
  if (!FORMAT.test(text))
    throw new DomainError(
      'invalid-date',
      `${JSON.stringify(text)} is not a date YYYY-MM-DD`,
      pointer,
    );
  if (!isCalendarDay(text))
    throw new DomainError('invalid-date', `${text} is not a day of the calendar`, pointer);
  return text as BusinessDate;
}

/**
 * Whether a `YYYY-MM-DD` names a day of the proleptic Gregorian calendar, as
 * Temporal.PlainDate.from(text, { overflow: 'reject' }) decides, without building one: the
 * polyfill costs more than the rest of an event's validation (an import checks millions).
 */
function isCalendarDay(text: string): boolean {
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(5, 7));
  const day = Number(text.slice(8, 10));
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return day <= days;
}

const plain = (date: BusinessDate): Temporal.PlainDate => Temporal.PlainDate.from(date);
const fromPlain = (date: Temporal.PlainDate): BusinessDate => date.toString() as BusinessDate;

export function addDays(date: BusinessDate, days: number): BusinessDate {
  return fromPlain(plain(date).add({ days }));
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: BusinessDate, to: BusinessDate): number {
  return plain(from).until(plain(to), { largestUnit: 'days' }).days;
}

export function compareDates(a: BusinessDate, b: BusinessDate): number {
  return Temporal.PlainDate.compare(plain(a), plain(b));
}

export const isBefore = (a: BusinessDate, b: BusinessDate): boolean => compareDates(a, b) < 0;
export const isOnOrBefore = (a: BusinessDate, b: BusinessDate): boolean => compareDates(a, b) <= 0;
export const earlierOf = (a: BusinessDate, b: BusinessDate): BusinessDate =>
  isBefore(b, a) ? b : a;
export const laterOf = (a: BusinessDate, b: BusinessDate): BusinessDate =>
  compareDates(a, b) >= 0 ? a : b;

export function yearOf(date: BusinessDate): number {
  return plain(date).year;
}

/** Monday to Friday. Public holidays vary by country and contract: not modelled (yet). */
export function isWeekday(date: BusinessDate): boolean {
  return plain(date).dayOfWeek <= 5;
}

/** The date itself when it is a weekday, else the following Monday. */
export function rollForwardToWeekday(date: BusinessDate): BusinessDate {
  let day = plain(date);
  while (day.dayOfWeek > 5) day = day.add({ days: 1 });
  return fromPlain(day);
}

/** The date itself when it is a weekday, else the Friday before. */
export function rollBackToWeekday(date: BusinessDate): BusinessDate {
  let day = plain(date);
  while (day.dayOfWeek > 5) day = day.subtract({ days: 1 });
  return fromPlain(day);
}

export function endOfMonth(year: number, month: number): BusinessDate {
  return fromPlain(
    Temporal.PlainDate.from({ year, month, day: 1 }).with({ day: 31 }, { overflow: 'constrain' }),
  );
}

export function addMonths(date: BusinessDate, months: number): BusinessDate {
  return fromPlain(plain(date).add({ months }, { overflow: 'constrain' }));
}

export function dateOf(year: number, month: number, day: number, pointer?: string): BusinessDate {
  return businessDate(
    `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    pointer,
  );
}

export function monthOf(date: BusinessDate): number {
  return plain(date).month;
}

/** The last day of the calendar quarter the date falls in: 2008-02-01 → 2008-03-31. */
export function calendarQuarterEndOf(date: BusinessDate): BusinessDate {
  const month = monthOf(date);
  return endOfMonth(yearOf(date), month + ((3 - (month % 3)) % 3));
}
