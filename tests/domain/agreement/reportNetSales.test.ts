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
  });

  it('accepts a quarter of an earlier tier year after a later year’s report', () => {
    given(...recorded(signed(), reportUsSales(2015, 1, '1000.00')))
      .when(reportUsSales(2014, 4, '1000.00'))
      .then((events) => expect(royalties(events)).toEqual([usd('30.00')]));
  });
});
