import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import type { CommandOf } from '../../../src/domain/agreement/commands';
import { context, given, ofType, recorded } from '../support/agreementSpec';
import { quarter, reportUsSales, signed, usd } from '../support/foundingDealStory';

// The founding deal's stacking clause: 50% of third-party royalties offset, never below 50% of
// the royalty before the offset. $1,000 of net sales in a quarter bear $30.00 at 3%.

const thirdParty = (
  year: number,
  q: number,
  amount: string,
  productId = 'biib015',
): CommandOf<'ReportThirdPartyRoyalties'> => ({
  type: 'ReportThirdPartyRoyalties',
  ...context(`3p:${year}Q${q}:`),
  period: quarter(year, q),
  reportedOn: quarter(year, q).to,
  lines: [{ productId, country: 'US', thirdParty: 'Antibody patent holder', amount: usd(amount) }],
});

const royalties = (events: readonly AgreementEvent[]) =>
  ofType(events, 'RoyaltyAccrued').map((e) => e.data.amount);

describe('third-party royalty stacking', () => {
  it('records the third-party royalties of a period in the payment currency', () => {
    given(...signed())
      .when(thirdParty(2015, 1, '10.00'))
      .then((events) =>
        expect(ofType(events, 'ThirdPartyRoyaltiesReported')[0]?.data).toMatchObject({
          paymentCurrency: 'USD',
          period: quarter(2015, 1),
        }),
      );
  });

  it('offsets half of them from the royalty of the same product, country and period', () => {
    const history = recorded(signed(), thirdParty(2015, 1, '10.00'));
    const [report] = ofType(history, 'ThirdPartyRoyaltiesReported');
    given(...history)
      .when(reportUsSales(2015, 1, '1000.00'))
      .then((events) => {
        expect(royalties(events)).toEqual([usd('25.00')]);
        expect(ofType(events, 'RoyaltyAccrued')[0]?.data.computation.reductions).toEqual([
          expect.objectContaining({
            kind: 'third-party-stacking',
            thirdPartyReportEventId: report!.eventId,
          }),
        ]);
      });
  });

  it('never takes the royalty below its floor of half the royalty before the offset', () => {
    given(...recorded(signed(), thirdParty(2015, 1, '100.00')))
      .when(reportUsSales(2015, 1, '1000.00'))
      .then((events) => expect(royalties(events)).toEqual([usd('15.00')]));
  });

  it('offsets nothing from another period', () => {
    given(...recorded(signed(), thirdParty(2015, 1, '10.00')))
      .when(reportUsSales(2015, 2, '1000.00'))
      .then((events) => expect(royalties(events)).toEqual([usd('30.00')]));
  });

  it('refuses them once the period’s royalties are accrued: that is a restatement', () => {
    given(...recorded(signed(), reportUsSales(2015, 1, '1000.00')))
      .when(thirdParty(2015, 1, '10.00'))
      .thenFails('net-sales-already-reported');
  });

  it('refuses a second report of the same period', () => {
    given(...recorded(signed(), thirdParty(2015, 1, '10.00')))
      .when(thirdParty(2015, 1, '20.00'))
      .thenFails('period-already-reported');
  });

  it('refuses a product the agreement does not license', () => {
    given(...signed())
      .when(thirdParty(2015, 1, '10.00', 'other-product'))
      .thenFails('unknown-product');
  });
});
