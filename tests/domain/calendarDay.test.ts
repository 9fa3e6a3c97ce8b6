import { Temporal } from '@js-temporal/polyfill';
import fc from 'fast-check';
import { businessDate } from '../../src/domain/dates';

/** What businessDate decided before it stopped building a Temporal.PlainDate per date. */
function temporalAccepts(text: string): boolean {
  try {
    Temporal.PlainDate.from(text, { overflow: 'reject' });
    return true;
  } catch {
    return false;
  }
}

function accepts(text: string): boolean {
  try {
    businessDate(text);
    return true;
  } catch {
    return false;
  }
}

const two = (n: number) => String(n).padStart(2, '0');

describe('a business date is a day of the calendar, as Temporal decides', () => {
  it('agrees with Temporal on every month 00-13 and day 00-32 of leap and common years', () => {
    for (const year of ['0000', '1900', '1999', '2000', '2004', '2023', '2024', '2100', '9999'])
      for (let month = 0; month <= 13; month++)
        for (let day = 0; day <= 32; day++) {
          const text = `${year}-${two(month)}-${two(day)}`;
          expect([text, accepts(text)]).toEqual([text, temporalAccepts(text)]);
        }
  });

  it('agrees with Temporal on random YYYY-MM-DD', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 99 }),
        (year, month, day) => {
          const text = `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}`;
          expect(accepts(text)).toBe(temporalAccepts(text));
        },
      ),
      { numRuns: 5_000 },
    );
  });
});
