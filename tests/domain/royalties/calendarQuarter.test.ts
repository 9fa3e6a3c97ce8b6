import { businessDate } from '../../../src/domain/dates';
import {
  calendarQuarter,
  calendarQuarterOf,
  firstDayOfNextQuarter,
} from '../../../src/domain/royalties/calendarQuarter';
import { salesPeriod } from '../../../src/domain/royalties/salesPeriod';

const d = (text: string) => businessDate(text);

describe('calendar quarters and sales periods', () => {
  it('knows the four quarters of a leap year', () => {
    expect([1, 2, 3, 4].map((quarter) => calendarQuarter(2024, quarter))).toEqual([
      { from: '2024-01-01', to: '2024-03-31' },
      { from: '2024-04-01', to: '2024-06-30' },
      { from: '2024-07-01', to: '2024-09-30' },
      { from: '2024-10-01', to: '2024-12-31' },
    ]);
  });

  it('finds the quarter of a date and the first day of the next one', () => {
    expect(calendarQuarterOf(d('2024-02-29'))).toEqual({ from: '2024-01-01', to: '2024-03-31' });
    expect(firstDayOfNextQuarter(d('2024-05-17'))).toBe('2024-07-01');
    expect(firstDayOfNextQuarter(d('2024-12-31'))).toBe('2025-01-01');
    expect(firstDayOfNextQuarter(d('2024-10-01'))).toBe('2025-01-01');
  });

  it('refuses a quarter number outside 1-4 and a period that ends before it starts', () => {
    expect(() => calendarQuarter(2024, 5)).toThrow(
      expect.objectContaining({ code: 'invalid-period' }),
    );
    expect(() => salesPeriod(d('2024-03-31'), d('2024-01-01'))).toThrow(
      expect.objectContaining({ code: 'invalid-period' }),
    );
  });
});
