import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import type { CommandOf } from '../../../src/domain/agreement/commands';
import { initialState } from '../../../src/domain/agreement/agreementState';
import { decide } from '../../../src/domain/agreement/decide';
import { parseMoney } from '../../../src/domain/money';
import { foundingDeal } from '../fixtures/foundingDeal';
import { context, given, ofType, recorded } from '../support/agreementSpec';
import { quarter, reportUsSales, signed, usd, usFacts } from '../support/foundingDealStory';

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

  it('applies them after the period’s net sales: accrues the exact difference, caused by the third-party report', () => {
    given(...recorded(signed(), reportUsSales(2015, 1, '1000.00')))
      .when({ ...thirdParty(2015, 1, '10.00'), facts: usFacts })
      .then((events) => {
        const [report] = ofType(events, 'ThirdPartyRoyaltiesReported');
        const [difference] = ofType(events, 'RoyaltyAccrued');
        expect(difference?.data).toMatchObject({
          causedByEventId: report!.eventId,
          period: quarter(2015, 1),
          royalty: usd('25.00'),
          previouslyAccrued: usd('30.00'),
          amount: usd('-5.00'),
          dueOn: '2015-06-01',
        });
        expect(difference?.data.computation.reductions).toEqual([
          expect.objectContaining({
            kind: 'third-party-stacking',
            thirdPartyReportEventId: report!.eventId,
          }),
        ]);
      });
  });

  it.each([
    ['marginal', '10.00', ['2015-01-01']],
    ['marginal', '100.00', ['2015-01-01']],
    ['whole-sales', '10.00', ['2015-01-01']],
    ['whole-sales', '1000000.00', ['2015-01-01']],
    // Held down by its floor in Q1, the offset grows when Q2 moves Q1's sales to 3.5%: Q2 changes.
    ['whole-sales', '20000000.00', ['2015-01-01', '2015-04-01']],
  ] as const)(
    'ends, under %s tiers with %s paid, where reporting them before the net sales would have, later quarters included',
    (tierModel, paid, periodsCorrected) => {
      const terms = {
        ...foundingDeal,
        royalties: (foundingDeal.royalties ?? []).map((clause) => ({ ...clause, tierModel })),
      };
      const start = decide({ type: 'SignAgreement', ...context(), terms }, initialState);
      const q1 = reportUsSales(2015, 1, '200000000.00');
      const q2 = reportUsSales(2015, 2, '100000000.00');
      const first = recorded(start, thirdParty(2015, 1, paid), q1, q2);
      const late = recorded(start, q1, q2, { ...thirdParty(2015, 1, paid), facts: usFacts });
      const netByPeriod = (events: readonly AgreementEvent[]) =>
        ofType(events, 'RoyaltyAccrued').reduce(
          (totals, e) => {
            const key = e.data.period.from;
            totals[key] = (totals[key] ?? 0n) + parseMoney(e.data.amount).amountMinor;
            return totals;
          },
          {} as Record<string, bigint>,
        );
      expect(netByPeriod(late)).toEqual(netByPeriod(first));
      const reported = late.findIndex((e) => e.type === 'ThirdPartyRoyaltiesReported');
      const corrections = ofType(late.slice(reported), 'RoyaltyAccrued');
      expect(corrections.map((e) => e.data.period.from)).toEqual(periodsCorrected);
    },
  );

  it('refuses them after the net sales without the facts to recompute the royalties with', () => {
    given(...recorded(signed(), reportUsSales(2015, 1, '1000.00')))
      .when(thirdParty(2015, 1, '10.00'))
      .thenFails('facts-required');
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
