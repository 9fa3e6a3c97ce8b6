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

/** Whether `text` is a business date: YYYY-MM-DD, a day of the calendar. */
export const isBusinessDate = (text: string): text is BusinessDate =>
  FORMAT.test(text) && isCalendarDay(text);

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

/*
 * Days, comparisons, years, months and weekdays of YYYY-MM-DD are computed on the text and on a
 * day number (days since 1970-01-01, proleptic Gregorian: the civil-from-days algorithm of H.
 * Hinnant's "chrono-compatible low-level date algorithms"), not by building a Temporal.PlainDate:
 * the polyfill cost more than the rest of a replayed event. Temporal stays the reference
 * (tests/domain/dateArithmetic.test.ts) and answers for what is not YYYY-MM-DD (a year past
 * 9999 that an addition reached), so every result is the one Temporal gives.
 */
const isPlainText = (date: string): boolean => date.length === 10 && date.charCodeAt(0) !== 43;

/** The remainder of whole numbers, from 0 to b - 1 whatever the sign of a. */
const remainder = (a: number, b: number): number => ((a % b) + b) % b;
/** Whole-number division rounded towards minus infinity: day numbers are counts, not money. */
const quotient = (a: number, b: number): number => (a - remainder(a, b)) / b;

/** Days since 1970-01-01 of a YYYY-MM-DD. */
function dayNumberOf(date: string): number {
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  const year = Number(date.slice(0, 4)) - (month <= 2 ? 1 : 0);
  const era = quotient(year, 400);
  const yearOfEra = year - era * 400;
  const dayOfYear = quotient(153 * (month > 2 ? month - 3 : month + 9) + 2, 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + quotient(yearOfEra, 4) - quotient(yearOfEra, 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The YYYY-MM-DD of a day number, or undefined outside the years 0000 to 9999. */
function dateOfDayNumber(dayNumber: number): BusinessDate | undefined {
  const shifted = dayNumber + 719468;
  const era = quotient(shifted, 146097);
  const dayOfEra = shifted - era * 146097;
  const yearOfEra = quotient(
    dayOfEra - quotient(dayOfEra, 1460) + quotient(dayOfEra, 36524) - quotient(dayOfEra, 146096),
    365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + quotient(yearOfEra, 4) - quotient(yearOfEra, 100));
  const shiftedMonth = quotient(5 * dayOfYear + 2, 153);
  const day = dayOfYear - quotient(153 * shiftedMonth + 2, 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) return undefined;
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}` as BusinessDate;
}

export function addDays(date: BusinessDate, days: number): BusinessDate {
  // A count that is not a whole number is Temporal's to refuse (a RangeError).
  const added =
    isPlainText(date) && Number.isSafeInteger(days)
      ? dateOfDayNumber(dayNumberOf(date) + days)
      : undefined;
  return added ?? fromPlain(plain(date).add({ days }));
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: BusinessDate, to: BusinessDate): number {
  if (isPlainText(from) && isPlainText(to)) return dayNumberOf(to) - dayNumberOf(from);
  return plain(from).until(plain(to), { largestUnit: 'days' }).days;
}

/** YYYY-MM-DD texts sort as their days do. */
export function compareDates(a: BusinessDate, b: BusinessDate): number {
  if (isPlainText(a) && isPlainText(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Temporal.PlainDate.compare(plain(a), plain(b));
}

export const isBefore = (a: BusinessDate, b: BusinessDate): boolean => compareDates(a, b) < 0;
export const isOnOrBefore = (a: BusinessDate, b: BusinessDate): boolean => compareDates(a, b) <= 0;
export const earlierOf = (a: BusinessDate, b: BusinessDate): BusinessDate =>
  isBefore(b, a) ? b : a;
export const laterOf = (a: BusinessDate, b: BusinessDate): BusinessDate =>
  compareDates(a, b) >= 0 ? a : b;

export function yearOf(date: BusinessDate): number {
  return isPlainText(date) ? Number(date.slice(0, 4)) : plain(date).year;
}

/** Monday (1) to Sunday (7); 1970-01-01 was a Thursday. */
const dayOfWeekOf = (date: BusinessDate): number =>
  isPlainText(date) ? remainder(dayNumberOf(date) + 3, 7) + 1 : plain(date).dayOfWeek;

/** Monday to Friday. Public holidays vary by country and contract: not modelled (yet). */
export function isWeekday(date: BusinessDate): boolean {
  return dayOfWeekOf(date) <= 5;
}

/** The date itself when it is a weekday, else the following Monday. */
export function rollForwardToWeekday(date: BusinessDate): BusinessDate {
  const dayOfWeek = dayOfWeekOf(date);
  return dayOfWeek <= 5 ? date : addDays(date, 8 - dayOfWeek);
}

/** The date itself when it is a weekday, else the Friday before. */
export function rollBackToWeekday(date: BusinessDate): BusinessDate {
  const dayOfWeek = dayOfWeekOf(date);
  return dayOfWeek <= 5 ? date : addDays(date, 5 - dayOfWeek);
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
  return isPlainText(date) ? Number(date.slice(5, 7)) : plain(date).month;
}

/** The last day of the calendar quarter the date falls in: 2008-02-01 → 2008-03-31. */
export function calendarQuarterEndOf(date: BusinessDate): BusinessDate {
  const month = monthOf(date);
  return endOfMonth(yearOf(date), month + ((3 - (month % 3)) % 3));
}
