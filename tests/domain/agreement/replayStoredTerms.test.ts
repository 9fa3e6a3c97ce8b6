import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import { foundingDeal } from '../fixtures/foundingDeal';
import { fold, ofType, recorded } from '../support/agreementSpec';
import { amend, signed, usd } from '../support/foundingDealStory';

// Terms recorded years ago, which a rule added since (here: tiers in increasing order) would
// refuse today. The tiers are stored in reverse order to stand for such terms.
const withTiersReversed = <Terms extends { royalties?: readonly { tiers: readonly unknown[] }[] }>(
  terms: Terms,
): Terms => ({
  ...terms,
  royalties: terms.royalties?.map((clause) => ({ ...clause, tiers: [...clause.tiers].reverse() })),
});

const storedUnderOlderRules = (event: AgreementEvent): AgreementEvent =>
  event.type === 'AgreementSigned' || event.type === 'AgreementAmended'
    ? ({
        ...event,
        data: { ...event.data, terms: withTiersReversed(event.data.terms) },
      } as AgreementEvent)
    : event;

describe('replaying terms recorded under older rules', () => {
  it('keeps an agreement signed under older rules signed on replay, with its upfront fee, and records what today’s rules find wrong', () => {
    const history = signed().map(storedUnderOlderRules);
    const [signing] = ofType(history, 'AgreementSigned');
    const state = fold(history);
    expect(state.agreementId).toBe(foundingDeal.agreementId);
    expect(state.termsHistory.map((v) => v.termsEventId)).toEqual([signing!.eventId]);
    expect(state.obligations.size).toBe(1);
    expect(state.termsProblems).toEqual([
      {
        termsEventId: signing!.eventId,
        problems: expect.arrayContaining([
          expect.objectContaining({ pointer: '/royalties/0/tiers/0/fromAmount' }),
        ]),
      },
    ]);
  });

  it('keeps an amendment recorded under older rules in force from its effective date on replay', () => {
    const fivePercent = {
      ...foundingDeal,
      royalties: foundingDeal.royalties?.map((clause) => ({
        ...clause,
        tiers: [
          { fromAmount: usd('0.00'), ratePercent: '5' },
          { fromAmount: usd('1000000.00'), ratePercent: '6' },
        ],
      })),
    };
    const history = recorded(signed(), amend('2015-04-01', fivePercent, ['6.1'])).map((event) =>
      event.type === 'AgreementAmended' ? storedUnderOlderRules(event) : event,
    );
    const [amendment] = ofType(history, 'AgreementAmended');
    const state = fold(history);
    expect(state.termsHistory.map((v) => [v.termsEventId, v.effectiveOn])).toEqual([
      [ofType(history, 'AgreementSigned')[0]!.eventId, foundingDeal.signedOn],
      [amendment!.eventId, '2015-04-01'],
    ]);
    expect(state.termsProblems.map((p) => p.termsEventId)).toEqual([amendment!.eventId]);
  });

  it('records no problems for terms today’s rules accept', () => {
    expect(fold(signed()).termsProblems).toEqual([]);
  });
});
