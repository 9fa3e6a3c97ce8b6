import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import { DomainError } from '../../../src/domain/domainError';
import { decide } from '../../../src/domain/agreement/decide';
import { fold, given, ofType, recorded } from '../support/agreementSpec';
import { reportUsSales, signed, usd } from '../support/foundingDealStory';

// Marginal tiers: the first $250M of a calendar year at 3%, the next $150M at 3.5%.

const royalties = (events: readonly AgreementEvent[]) =>
  ofType(events, 'RoyaltyAccrued').map((e) => e.data.amount);

describe('the order of net sales reports', () => {
  it('accrues a quarter from the year to date of the quarters before it', () => {
    given(...recorded(signed(), reportUsSales(2015, 1, '200000000.00')))
      .when(reportUsSales(2015, 2, '100000000.00'))
      .then((events) => expect(royalties(events)).toEqual([usd('3250000.00')]));
  });

  it('refuses a quarter reported after a later quarter of the same tier year', () => {
    const history = recorded(signed(), reportUsSales(2015, 2, '100000000.00'));
    given(...history)
      .when(reportUsSales(2015, 1, '200000000.00'))
      .thenFails('report-out-of-order');
    let error: unknown;
    try {
      decide(reportUsSales(2015, 1, '200000000.00'), fold(history));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ pointer: '/period' });
    expect((error as DomainError).message).toContain('2015-04-01..2015-06-30');
    expect((error as DomainError).detail).toContain('the next period expected');
    expect((error as DomainError).detail).toContain('starts on 2015-07-01');
  });

  it('refuses a quarter that skips one of its tier year (Q3 before Q2), saying which period is expected', () => {
    const history = recorded(signed(), reportUsSales(2015, 1, '1000.00'));
    given(...history)
      .when(reportUsSales(2015, 3, '1000.00'))
      .thenFails('report-out-of-order');
    expect(() => decide(reportUsSales(2015, 3, '1000.00'), fold(history))).toThrow(
      expect.objectContaining({
        pointer: '/period',
        detail: expect.stringMatching(
          /skips 2015-04-01\.\.2015-06-30: the next period expected for the tier year ending 2015-12-31 starts on 2015-04-01/,
        ),
      }),
    );
  });

  it('accepts Q3 once Q2 is reported, from the year to date of both', () => {
    const history = recorded(
      signed(),
      reportUsSales(2015, 1, '200000000.00'),
      reportUsSales(2015, 2, '100000000.00'),
    );
    given(...history)
      .when(reportUsSales(2015, 3, '1000.00'))
      .then((events) => expect(royalties(events)).toEqual([usd('35.00')]));
  });

  it('lets the first report of a tier year start on any day, and a new tier year start afresh', () => {
    given(...recorded(signed(), reportUsSales(2014, 2, '1000.00')))
      .when(reportUsSales(2015, 3, '1000.00'))
      .then((events) => expect(royalties(events)).toEqual([usd('30.00')]));
  });

  it('accepts a quarter of an earlier tier year after a later year’s report', () => {
    given(...recorded(signed(), reportUsSales(2015, 1, '1000.00')))
      .when(reportUsSales(2014, 4, '1000.00'))
      .then((events) => expect(royalties(events)).toEqual([usd('30.00')]));
  });
});
