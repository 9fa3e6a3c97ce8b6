import { businessDate } from '../../../src/domain/dates';
import { accrualDaysOf, thirtyDays360Between } from '../../../src/domain/interest/dayCount';

const d = (text: string) => businessDate(text);

describe('day counts', () => {
  it('counts actual days after the start through the end, leap days included', () => {
    expect(accrualDaysOf('actual/365', d('2008-03-02'), d('2008-04-01'))).toBe(30);
    expect(accrualDaysOf('actual/360', d('2008-02-01'), d('2008-03-02'))).toBe(30);
    expect(accrualDaysOf('actual/365', d('2008-01-01'), d('2009-01-01'))).toBe(366);
  });

  it('counts no days when the end is not after the start', () => {
    expect(accrualDaysOf('actual/365', d('2008-03-02'), d('2008-03-02'))).toBe(0);
    expect(accrualDaysOf('actual/365', d('2008-03-02'), d('2008-03-01'))).toBe(0);
    expect(accrualDaysOf('30/360', d('2008-03-31'), d('2008-03-01'))).toBe(0);
  });

  it.each([
    ['2008-01-15', '2008-02-15', 30],
    ['2008-01-31', '2008-03-31', 60], // D1 31 → 30; D2 31 with D1 30 → 30
    ['2008-01-30', '2008-03-31', 60], // D2 31 with D1 30 → 30
    ['2008-01-15', '2008-03-31', 76], // D2 31 with D1 < 30 stays 31
    ['2008-01-31', '2008-02-01', 1],
    ['2008-02-29', '2008-03-31', 32], // no end-of-February adjustment (NASD rule)
    ['2008-02-28', '2008-03-01', 3],
    ['2007-12-31', '2008-12-31', 360],
  ])('counts 30/360 days from %s to %s as %d under the US (NASD) rule', (from, to, days) => {
    expect(thirtyDays360Between(d(from), d(to))).toBe(days);
    expect(accrualDaysOf('30/360', d(from), d(to))).toBe(days);
  });
});
