import { Temporal } from '@js-temporal/polyfill';
import fc from 'fast-check';
import {
  addDays,
  compareDates,
  daysBetween,
  isWeekday,
  monthOf,
  rollBackToWeekday,
  rollForwardToWeekday,
  yearOf,
  type BusinessDate,
} from '../../src/domain/dates';

/** Any day from 0000-01-01 to 9999-12-31, as the domain writes it. */
const anyDate = fc
  .integer({ min: 0, max: 3_652_424 })
  .map((days) => Temporal.PlainDate.from('0000-01-01').add({ days }).toString() as BusinessDate);
const plain = (date: string) => Temporal.PlainDate.from(date);

/**
 * The date arithmetic works on the text and on day numbers, not on Temporal.PlainDate (the
 * polyfill cost more than the rest of a replayed event): Temporal is the oracle it must equal.
 */
describe('date arithmetic agrees with Temporal', () => {
  it('compares dates as Temporal.PlainDate.compare does', () => {
    fc.assert(
      fc.property(anyDate, anyDate, (a, b) => {
        expect(compareDates(a, b)).toBe(Temporal.PlainDate.compare(plain(a), plain(b)));
        expect(compareDates(a, a)).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('adds days and counts the days between as Temporal does, across leap years and centuries', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: -40_000, max: 40_000 }), (date, days) => {
        const expected = plain(date).add({ days });
        if (expected.year < 0 || expected.year > 9999) return;
        expect(addDays(date, days)).toBe(expected.toString());
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(anyDate, anyDate, (a, b) => {
        expect(daysBetween(a, b)).toBe(plain(a).until(plain(b), { largestUnit: 'days' }).days);
      }),
      { numRuns: 2000 },
    );
    for (const [date, days, expected] of [
      ['1900-02-28', 1, '1900-03-01'],
      ['2000-02-28', 1, '2000-02-29'],
      ['2100-02-28', 1, '2100-03-01'],
      ['0000-03-01', -1, '0000-02-29'],
      ['9999-12-30', 1, '9999-12-31'],
    ] as const)
      expect(addDays(date as BusinessDate, days)).toBe(expected);
  });

  it('reads the year, month and day of the week as Temporal does', () => {
    fc.assert(
      fc.property(anyDate, (date) => {
        expect(yearOf(date)).toBe(plain(date).year);
        expect(monthOf(date)).toBe(plain(date).month);
        expect(isWeekday(date)).toBe(plain(date).dayOfWeek <= 5);
        let forward = plain(date);
        while (forward.dayOfWeek > 5) forward = forward.add({ days: 1 });
        if (forward.year <= 9999) expect(rollForwardToWeekday(date)).toBe(forward.toString());
        let back = plain(date);
        while (back.dayOfWeek > 5) back = back.subtract({ days: 1 });
        if (back.year >= 0) expect(rollBackToWeekday(date)).toBe(back.toString());
      }),
      { numRuns: 2000 },
    );
  });

  it('past 9999-12-31 and before 0000-01-01, where a date has no YYYY-MM-DD, and for a count of days that is not whole, answers as Temporal does', () => {
    for (const days of [1.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => addDays('2024-01-01' as BusinessDate, days)).toThrow(RangeError);
    const after = addDays('9999-12-31' as BusinessDate, 1);
    expect(after).toBe('+010000-01-01');
    expect(addDays('0000-01-01' as BusinessDate, -1)).toBe('-000001-12-31');
    expect(compareDates(after, '9999-12-31' as BusinessDate)).toBe(1);
    expect(daysBetween('9999-12-31' as BusinessDate, after)).toBe(1);
  });
});
