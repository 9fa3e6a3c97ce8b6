import {
  addDays,
  addMonths,
  businessDate,
  daysBetween,
  endOfMonth,
  isWeekday,
  rollBackToWeekday,
  rollForwardToWeekday,
} from '../../src/domain/dates';

const d = (text: string) => businessDate(text);

describe('business dates', () => {
  it('counts calendar days across a leap day', () => {
    expect(addDays(d('2008-02-01'), 30)).toBe('2008-03-02');
    expect(addDays(d('2007-02-01'), 30)).toBe('2007-03-03');
    expect(daysBetween(d('2008-02-28'), d('2008-03-01'))).toBe(2);
    expect(daysBetween(d('2008-03-01'), d('2008-02-28'))).toBe(-2);
  });

  it('refuses dates that are not in the calendar or not YYYY-MM-DD', () => {
    expect(() => businessDate('2007-02-29', '/submittedOn')).toThrow(
      expect.objectContaining({ code: 'invalid-date', pointer: '/submittedOn' }),
    );
    for (const text of ['2008-2-1', '01/02/2008', '2008-02-01T00:00:00Z', '2008-13-01', '']) {
      expect(() => businessDate(text)).toThrow(expect.objectContaining({ code: 'invalid-date' }));
    }
    expect(businessDate('2008-02-29')).toBe('2008-02-29');
  });

  it('rolls weekends to the next or previous weekday', () => {
    expect(isWeekday(d('2008-02-01'))).toBe(true); // a Friday
    expect(rollForwardToWeekday(d('2008-02-02'))).toBe('2008-02-04');
    expect(rollBackToWeekday(d('2008-03-30'))).toBe('2008-03-28');
    expect(rollForwardToWeekday(d('2008-02-01'))).toBe('2008-02-01');
  });

  it('finds month ends, leap Februaries included', () => {
    expect(endOfMonth(2008, 2)).toBe('2008-02-29');
    expect(endOfMonth(2100, 2)).toBe('2100-02-28');
    expect(endOfMonth(2008, 3)).toBe('2008-03-31');
    expect(addMonths(d('2008-01-31'), 1)).toBe('2008-02-29');
  });
});
