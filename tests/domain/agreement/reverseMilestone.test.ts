import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import { milestonesForFact } from '../../../src/domain/policies/milestonesForFact';
import { context, fold, idFor, ofType, recorded } from '../support/agreementSpec';
import { indSubmittedFact, signed } from '../support/foundingDealStory';

const triggeredBy = (fact: AgreementEvent, history: readonly AgreementEvent[]) =>
  milestonesForFact({ fact, state: fold(history), idFor });

describe('reversing a wrongly triggered milestone', () => {
  it('lets the real IND trigger 5.2(a) again, exactly once, after the IND posted in error was reversed', () => {
    const history = signed();
    const wrongly = triggeredBy(indSubmittedFact('ind-posted-in-error', '2008-01-15'), history);
    const [wrong] = ofType(wrongly, 'MilestoneTriggered');
    expect(wrong?.data.clauseId).toBe('5.2(a)');
    const reversedHistory = recorded([...history, ...wrongly], {
      type: 'ReverseEntry',
      ...context('rev:'),
      reversedEventId: wrong!.eventId,
      reason: 'IND posted for the wrong product',
    });

    const realInd = indSubmittedFact('real-ind', '2008-02-01');
    const triggered = ofType(triggeredBy(realInd, reversedHistory), 'MilestoneTriggered');

    expect(triggered.map((e) => [e.data.clauseId, e.data.achievedOn, e.data.amount])).toEqual([
      ['5.2(a)', '2008-02-01', { amount: '1500000.00', currency: 'USD' }],
    ]);
    const after = [...reversedHistory, ...triggered];
    expect(triggeredBy(realInd, after)).toEqual([]);
    expect(triggeredBy(indSubmittedFact('another-ind', '2008-03-01'), after)).toEqual([]);
  });
});
