import { businessDate } from '../../../src/domain/dates';
import { calendarQuarter } from '../../../src/domain/royalties/calendarQuarter';
import { salesPeriod } from '../../../src/domain/royalties/salesPeriod';
import { tierYearOf, tierYearOfPeriod } from '../../../src/domain/royalties/tierYear';

const d = (text: string) => businessDate(text);
const CALENDAR = { kind: 'calendar' } as const;
const ENDS_31_MARCH = { kind: 'fiscal', endsOn: '03-31' } as const;

describe('tier years', () => {
  it('puts a calendar-year sale in the year of its date', () => {
    expect(tierYearOf(CALENDAR, d('2012-07-15'))).toEqual({
      label: 2012,
      startsOn: '2012-01-01',
      endsOn: '2012-12-31',
    });
  });

  it('names a fiscal year ending 31 March after the calendar year it ends in', () => {
    const fiscal2025 = { label: 2025, startsOn: '2024-04-01', endsOn: '2025-03-31' };
    expect(tierYearOf(ENDS_31_MARCH, d('2024-04-01'))).toEqual(fiscal2025);
    expect(tierYearOf(ENDS_31_MARCH, d('2024-12-31'))).toEqual(fiscal2025);
    expect(tierYearOf(ENDS_31_MARCH, d('2025-03-31'))).toEqual(fiscal2025);
    expect(tierYearOf(ENDS_31_MARCH, d('2025-04-01'))).toMatchObject({ label: 2026 });
    expect(tierYearOf(ENDS_31_MARCH, d('2024-03-31'))).toMatchObject({
      label: 2024,
      startsOn: '2023-04-01',
    });
  });

  it('counts the leap day in the fiscal year that contains it', () => {
    expect(tierYearOf({ kind: 'fiscal', endsOn: '02-28' }, d('2024-02-29'))).toEqual({
      label: 2025,
      startsOn: '2024-02-29',
      endsOn: '2025-02-28',
    });
  });

  it('puts each calendar quarter in one fiscal year ending 31 March', () => {
    expect(tierYearOfPeriod(ENDS_31_MARCH, calendarQuarter(2025, 1)).label).toBe(2025);
    expect(tierYearOfPeriod(ENDS_31_MARCH, calendarQuarter(2025, 2)).label).toBe(2026);
    expect(tierYearOfPeriod(ENDS_31_MARCH, calendarQuarter(2025, 4)).label).toBe(2026);
  });

  it('refuses a quarter that straddles a fiscal year end that is not a quarter end', () => {
    expect(() =>
      tierYearOfPeriod({ kind: 'fiscal', endsOn: '05-31' }, calendarQuarter(2025, 2)),
    ).toThrow(expect.objectContaining({ code: 'period-straddles-tier-year' }));
  });

  it('refuses a period that runs into the next calendar year', () => {
    expect(() => tierYearOfPeriod(CALENDAR, salesPeriod(d('2024-11-01'), d('2025-01-31')))).toThrow(
      expect.objectContaining({ code: 'period-straddles-tier-year' }),
    );
  });

  it('accepts a whole tier year as one period, to compute the year at once', () => {
    expect(
      tierYearOfPeriod(ENDS_31_MARCH, salesPeriod(d('2024-04-01'), d('2025-03-31'))).label,
    ).toBe(2025);
  });
});
