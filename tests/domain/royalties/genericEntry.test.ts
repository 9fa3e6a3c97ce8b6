import { calendarQuarter } from '../../../src/domain/royalties/calendarQuarter';
import {
  genericEntryCutApplies,
  genericEntryCutStartsOn,
} from '../../../src/domain/royalties/genericEntry';
import { salesPeriod } from '../../../src/domain/royalties/salesPeriod';
import { d } from './support/royaltyExamples';

describe('generic entry', () => {
  it('cuts the rate from the first full quarter after the generic was first sold', () => {
    expect(genericEntryCutStartsOn(d('2024-05-17'))).toBe('2024-07-01');
    expect(genericEntryCutApplies(d('2024-05-17'), calendarQuarter(2024, 2))).toBe(false);
    expect(genericEntryCutApplies(d('2024-05-17'), calendarQuarter(2024, 3))).toBe(true);
    expect(genericEntryCutApplies(d('2024-05-17'), calendarQuarter(2025, 1))).toBe(true);
  });

  it('waits for the next quarter even when the generic entered on a quarter’s first day', () => {
    expect(genericEntryCutStartsOn(d('2024-04-01'))).toBe('2024-07-01');
    expect(genericEntryCutApplies(d('2024-04-01'), calendarQuarter(2024, 2))).toBe(false);
  });

  it('does not cut anything where no generic has entered', () => {
    expect(genericEntryCutApplies(undefined, calendarQuarter(2024, 2))).toBe(false);
  });

  it('refuses a period that starts before the cut and ends after it: its sales cannot be split', () => {
    expect(() =>
      genericEntryCutApplies(d('2024-05-17'), salesPeriod(d('2024-01-01'), d('2024-12-31'))),
    ).toThrow(expect.objectContaining({ code: 'generic-entry-cut-starts-within-period' }));
  });
});
