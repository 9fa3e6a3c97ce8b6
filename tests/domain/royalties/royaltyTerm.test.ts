import fc from 'fast-check';
import { addDays } from '../../../src/domain/dates';
import { calendarQuarter } from '../../../src/domain/royalties/calendarQuarter';
import { royaltyTermInCountry, royaltyTermStatus } from '../../../src/domain/royalties/royaltyTerm';
import {
  isCoveredByValidClaimOn,
  lastDayCoveredByValidClaim,
} from '../../../src/domain/royalties/validClaim';
import { d } from './support/royaltyExamples';

const isLeapYear = (year: number): boolean =>
  (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

const TEN_YEARS_OR_WHILE_A_CLAIM_LASTS = { years: 10, extendedWhileValidClaim: true };
const TEN_YEARS = { years: 10, extendedWhileValidClaim: false };

describe('valid claims', () => {
  const claims = [
    { coveredFrom: d('2008-05-06'), endedOn: d('2021-01-01') },
    { coveredFrom: d('2015-02-01'), endedOn: d('2023-07-01') },
  ];

  it('covers the product from the first day of a claim until the day it ends', () => {
    expect(isCoveredByValidClaimOn(claims, d('2008-05-05'))).toBe(false);
    expect(isCoveredByValidClaimOn(claims, d('2008-05-06'))).toBe(true);
    expect(isCoveredByValidClaimOn(claims, d('2023-06-30'))).toBe(true);
    expect(isCoveredByValidClaimOn(claims, d('2023-07-01'))).toBe(false);
    expect(isCoveredByValidClaimOn([], d('2023-07-01'))).toBe(false);
  });

  it('knows the last day the last claim covers, or that one still covers with no end known', () => {
    expect(lastDayCoveredByValidClaim(claims)).toBe('2023-06-30');
    expect(lastDayCoveredByValidClaim([...claims, { coveredFrom: d('2019-01-01') }])).toBe(
      'no-end-known',
    );
    expect(lastDayCoveredByValidClaim([])).toBeUndefined();
  });

  it('refuses a claim that ends before it starts covering', () => {
    expect(() =>
      isCoveredByValidClaimOn(
        [{ coveredFrom: d('2020-01-02'), endedOn: d('2020-01-01') }],
        d('2020-01-01'),
      ),
    ).toThrow(expect.objectContaining({ code: 'invalid-valid-claim' }));
  });
});

describe('the royalty term in a country', () => {
  it('lasts ten years from the first commercial sale: the day before the tenth anniversary is the last', () => {
    expect(
      royaltyTermInCountry({
        firstCommercialSaleOn: d('2010-03-15'),
        validClaims: [],
        term: TEN_YEARS_OR_WHILE_A_CLAIM_LASTS,
      }),
    ).toEqual({ startsOn: '2010-03-15', lastRoyaltyDay: '2020-03-14' });
  });

  it('lasts until the last Valid Claim ends when that is later than ten years', () => {
    expect(
      royaltyTermInCountry({
        firstCommercialSaleOn: d('2010-03-15'),
        validClaims: [{ coveredFrom: d('2008-05-06'), endedOn: d('2023-07-01') }],
        term: TEN_YEARS_OR_WHILE_A_CLAIM_LASTS,
      }).lastRoyaltyDay,
    ).toBe('2023-06-30');
  });

  it('has no known end while a Valid Claim still covers the product with no end recorded', () => {
    expect(
      royaltyTermInCountry({
        firstCommercialSaleOn: d('2010-03-15'),
        validClaims: [{ coveredFrom: d('2008-05-06') }],
        term: TEN_YEARS_OR_WHILE_A_CLAIM_LASTS,
      }).lastRoyaltyDay,
    ).toBeUndefined();
  });

  it('ignores claims when the contract does not extend the term for them', () => {
    expect(
      royaltyTermInCountry({
        firstCommercialSaleOn: d('2010-03-15'),
        validClaims: [{ coveredFrom: d('2008-05-06') }],
        term: TEN_YEARS,
      }).lastRoyaltyDay,
    ).toBe('2020-03-14');
  });

  it('keeps ten years when the last claim ended earlier', () => {
    expect(
      royaltyTermInCountry({
        firstCommercialSaleOn: d('2010-03-15'),
        validClaims: [{ coveredFrom: d('2008-05-06'), endedOn: d('2016-01-01') }],
        term: TEN_YEARS_OR_WHILE_A_CLAIM_LASTS,
      }).lastRoyaltyDay,
    ).toBe('2020-03-14');
  });

  it('ends a term that began on a leap day on 28 February, the day before its anniversary, 1 March', () => {
    const lastDayFrom = (firstCommercialSaleOn: string, years: number) =>
      royaltyTermInCountry({
        firstCommercialSaleOn: d(firstCommercialSaleOn),
        validClaims: [],
        term: { years, extendedWhileValidClaim: false },
      }).lastRoyaltyDay;
    expect(lastDayFrom('2012-02-29', 10)).toBe('2022-02-28');
    expect(lastDayFrom('2024-02-29', 10)).toBe('2034-02-28');
    // An anniversary that is itself a leap day: the last day is 28 February.
    expect(lastDayFrom('2012-02-29', 12)).toBe('2024-02-28');
    // A term from 1 March ends on the leap day when there is one.
    expect(lastDayFrom('2011-03-01', 1)).toBe('2012-02-29');
    expect(lastDayFrom('2012-02-28', 10)).toBe('2022-02-27');
  });

  it('is never a day short: the day after its last day is the Nth anniversary (1 March for 29 February)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 0, max: 365 * 40 }).map((offset) => addDays(d('2000-01-01'), offset)),
          fc.integer({ min: 0, max: 9 }).map((n) => d(`${2000 + 4 * n}-02-29`)),
        ),
        fc.integer({ min: 1, max: 20 }),
        (startsOn, years) => {
          const lastDay = royaltyTermInCountry({
            firstCommercialSaleOn: startsOn,
            validClaims: [],
            term: { years, extendedWhileValidClaim: false },
          }).lastRoyaltyDay!;
          const [year, month, day] = startsOn.split('-').map(Number) as [number, number, number];
          const anniversary =
            month === 2 && day === 29 && !isLeapYear(year + years)
              ? `${year + years}-03-01`
              : `${year + years}${startsOn.slice(4)}`;
          expect(addDays(lastDay, 1)).toBe(anniversary);
        },
      ),
    );
  });

  it('tells whether a quarter is before, within, across or after the end of the term', () => {
    const term = { startsOn: d('2010-03-15'), lastRoyaltyDay: d('2020-03-14') };
    expect(royaltyTermStatus(term, calendarQuarter(2009, 4))).toBe('before-first-commercial-sale');
    expect(royaltyTermStatus(term, calendarQuarter(2010, 1))).toBe('in-term');
    expect(royaltyTermStatus(term, calendarQuarter(2019, 4))).toBe('in-term');
    expect(royaltyTermStatus(term, calendarQuarter(2020, 1))).toBe('ends-within-period');
    expect(royaltyTermStatus(term, calendarQuarter(2020, 2))).toBe('ended');
    expect(royaltyTermStatus({ startsOn: d('2010-03-15') }, calendarQuarter(2040, 2))).toBe(
      'in-term',
    );
  });

  it('ends a term whose last day is a quarter’s last day with that quarter', () => {
    const term = { startsOn: d('2010-01-01'), lastRoyaltyDay: d('2019-12-31') };
    expect(royaltyTermStatus(term, calendarQuarter(2019, 4))).toBe('in-term');
    expect(royaltyTermStatus(term, calendarQuarter(2020, 1))).toBe('ended');
  });
});
