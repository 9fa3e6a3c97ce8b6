import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import type { CommandOf } from '../../../src/domain/agreement/commands';
import { businessDate } from '../../../src/domain/dates';
import { payeeOf } from '../../../src/domain/agreement/payeeOf';
import { milestonesForFact } from '../../../src/domain/policies/milestonesForFact';
import { context, fold, given, idFor, ofType, recorded } from '../support/agreementSpec';
import { indSubmittedFact, reportUsSales, signed } from '../support/foundingDealStory';

const investor = { partyId: 'royalty-pharma', name: 'Royalty Pharma' };
const bank = { partyId: 'factoring-bank', name: 'A factoring bank' };

const assign = (
  effectiveOn: string,
  obligationKinds: CommandOf<'AssignPayee'>['obligationKinds'],
  payee = investor,
): CommandOf<'AssignPayee'> => ({
  type: 'AssignPayee',
  ...context(`assign:${effectiveOn}:${payee.partyId}:`),
  payee,
  effectiveOn,
  obligationKinds,
  reason: 'royalty purchase agreement',
});

/** Who receives the cash of each obligation created by `events`, in their order. */
const payeesOf = (history: readonly AgreementEvent[], events: readonly AgreementEvent[]) => {
  const state = fold(history);
  return events
    .filter((e) => state.obligations.has(e.eventId))
    .map((e) => payeeOf(state, state.obligations.get(e.eventId)!)?.partyId);
};

const withIndMilestone = (history: readonly AgreementEvent[], submittedOn: string) => [
  ...history,
  ...milestonesForFact({
    fact: indSubmittedFact(`ind:${submittedOn}`, submittedOn),
    state: fold(history),
    idFor,
  }),
];

describe('assigning the payee', () => {
  it('records the assignment of royalties sold to an investor', () => {
    given(...signed())
      .when(assign('2015-04-01', ['royalty']))
      .then((events) => {
        expect(ofType(events, 'PayeeAssigned')[0]?.data).toMatchObject({
          payee: investor,
          effectiveOn: '2015-04-01',
          obligationKinds: ['royalty'],
        });
      });
  });

  it('refuses an assignment before the agreement is signed', () => {
    given()
      .when(assign('2015-04-01', ['royalty']))
      .thenFails('agreement-not-signed');
  });

  it('names the investor on royalties of periods from the sale on; earlier ones keep the licensor', () => {
    const history = recorded(
      signed(),
      reportUsSales(2015, 1, '1000.00'),
      assign('2015-04-01', ['royalty']),
      reportUsSales(2015, 2, '1000.00'),
    );
    expect(payeesOf(history, ofType(history, 'RoyaltyAccrued'))).toEqual([
      'immunogen',
      'royalty-pharma',
    ]);
  });

  it('leaves milestones with the licensor when only royalties were sold', () => {
    const history = withIndMilestone(
      recorded(signed(), assign('2006-01-01', ['royalty'])),
      '2008-02-01',
    );
    expect(payeesOf(history, ofType(history, 'MilestoneTriggered'))).toEqual(['immunogen']);
  });

  it('names the new payee on every kind arising from the date of an assignment of all, not on earlier ones', () => {
    const history = recorded(
      withIndMilestone(recorded(signed(), assign('2006-01-01', 'all')), '2008-02-01'),
      reportUsSales(2015, 1, '1000.00'),
    );
    expect(payeesOf(history, history)).toEqual(['immunogen', 'royalty-pharma', 'royalty-pharma']);
  });

  it('lets a later assignment supersede an earlier one from its own date', () => {
    const history = recorded(
      signed(),
      assign('2015-01-01', ['royalty']),
      reportUsSales(2015, 1, '1000.00'),
      assign('2015-04-01', 'all', bank),
      reportUsSales(2015, 2, '1000.00'),
    );
    expect(payeesOf(history, ofType(history, 'RoyaltyAccrued'))).toEqual([
      'royalty-pharma',
      'factoring-bank',
    ]);
  });

  it('pays late interest to the payee of the obligation it is charged on', () => {
    const history = recorded(
      signed(),
      reportUsSales(2015, 2, '1000.00'),
      assign('2015-07-01', ['royalty']),
      reportUsSales(2015, 3, '1000.00'),
      { type: 'AccrueLateInterest', ...context('interest:'), asOf: businessDate('2016-01-31') },
    );
    const [q2, q3] = ofType(history, 'RoyaltyAccrued');
    const interestOn = (obligationId: string) =>
      ofType(history, 'LateInterestAccrued').filter((e) => e.data.obligationId === obligationId);
    expect(payeesOf(history, interestOn(q2!.eventId))).toEqual(['immunogen']);
    expect(payeesOf(history, interestOn(q3!.eventId))).toEqual(['royalty-pharma']);
  });
});
