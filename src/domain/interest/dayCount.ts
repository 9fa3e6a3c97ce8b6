import type { DayCount } from '../agreement/terms';
import { daysBetween, isBefore, type BusinessDate } from '../dates';

/**
 * The days of interest from the day after `accruesAfter` through `accruesThrough` (a payment made
 * on the due date bears none, one made the next day bears one), under the agreement's day count;
 * zero when the end is not after the start.
 *
 * `actual/365` and `actual/360` count calendar days (leap days included); they differ in the year
 * they divide by (`yearBasisDaysOf`). `30/360` counts every month as 30 days.
 */
export function accrualDaysOf(
  dayCount: DayCount,
  accruesAfter: BusinessDate,
  accruesThrough: BusinessDate,
): number {
  if (!isBefore(accruesAfter, accruesThrough)) return 0;
  switch (dayCount) {
    case 'actual/365':
    case 'actual/360':
      return daysBetween(accruesAfter, accruesThrough);
    case '30/360':
      return thirtyDays360Between(accruesAfter, accruesThrough);
    default: {
      const _exhaustive: never = dayCount;
      return _exhaustive;
    }
  }
}

/** The days of the year an annual rate is divided by: 365 for actual/365 (in leap years too), else 360. */
export function yearBasisDaysOf(dayCount: DayCount): bigint {
  return dayCount === 'actual/365' ? 365n : 360n;
}

/**
 * 30/360 under the US (NASD) rule: a start on the 31st counts from the 30th; an end on the 31st
 * counts to the 30th when the start is the 30th or 31st. Days = 360 x years + 30 x months + days.
 * The end-of-February adjustments of the SIA "30/360 US (EOM)" variant are not applied. The count
 * is not additive across a 31st (15 Jan - 31 Jan - 15 Feb is 16 + 15 days, 15 Jan - 15 Feb is 30):
 * a property of the convention.
 */
export function thirtyDays360Between(from: BusinessDate, to: BusinessDate): number {
  const [y1, m1, rawD1] = partsOf(from);
  const [y2, m2, rawD2] = partsOf(to);
  const d1 = rawD1 === 31 ? 30 : rawD1;
  const d2 = rawD2 === 31 && d1 === 30 ? 30 : rawD2;
  return 360 * (y2 - y1) + 30 * (m2 - m1) + (d2 - d1);
}

function partsOf(date: BusinessDate): [number, number, number] {
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
}
