import fc from 'fast-check';
import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import { milestonesForFact } from '../../../src/domain/policies/milestonesForFact';
import { fold, idFor, ofType } from '../support/agreementSpec';
import { indSubmittedFact, phaseStartedFact, signed } from '../support/foundingDealStory';

/** Runs the policy for each fact in turn, appending what it writes, as the subscriber does. */
function replayFacts(facts: readonly AgreementEvent[]): AgreementEvent[] {
  let stream = signed();
  const seen: AgreementEvent[] = [];
  for (const fact of facts) {
    stream = [
      ...stream,
      ...milestonesForFact({ fact, state: fold(stream), earlierFacts: seen, idFor }),
    ];
    seen.push(fact);
  }
  return stream;
}

describe('the development-fact policy', () => {
  it('writes nothing new when the same IND submission is delivered twice', () => {
    const ind = indSubmittedFact('ind', '2008-02-01');
    expect(ofType(replayFacts([ind, ind]), 'MilestoneTriggered')).toHaveLength(1);
  });

  it('does not trigger the IND milestone twice for a second IND of the same product', () => {
    const stream = replayFacts([
      indSubmittedFact('ind', '2008-02-01'),
      indSubmittedFact('ind-2', '2009-06-01'),
    ]);
    expect(ofType(stream, 'MilestoneTriggered').map((e) => e.data.clauseId)).toEqual(['5.2(a)']);
  });

  it('pays the skipped Phase II milestone with Phase III, both due 30 days later', () => {
    const stream = replayFacts([
      indSubmittedFact('ind', '2008-02-01'),
      phaseStartedFact('p3', 'III', '2010-05-03'),
    ]);
    expect(
      ofType(stream, 'MilestoneTriggered').map((e) => [
        e.data.clauseId,
        e.data.dueOn,
        e.data.skippedOverByClauseId,
      ]),
    ).toEqual([
      ['5.2(a)', '2008-03-02', undefined],
      ['5.2(b)', '2010-06-02', '5.2(c)'],
      ['5.2(c)', '2010-06-02', undefined],
    ]);
  });

  it('pays nothing for an achievement dated before the agreement was signed', () => {
    expect(
      ofType(replayFacts([indSubmittedFact('ind', '2004-09-30')]), 'MilestoneTriggered'),
    ).toEqual([]);
  });

  it('writes nothing for a product the agreement does not license', () => {
    expect(
      ofType(
        replayFacts([indSubmittedFact('other', '2008-02-01', 'someone-elses-antibody')]),
        'MilestoneTriggered',
      ),
    ).toEqual([]);
  });

  it('writes nothing before the agreement is signed', () => {
    expect(
      milestonesForFact({ fact: indSubmittedFact('ind', '2008-02-01'), state: fold([]), idFor }),
    ).toEqual([]);
  });

  it('never triggers a milestone twice, whatever the order or duplication of facts', () => {
    const facts = [
      indSubmittedFact('ind', '2008-02-01'),
      indSubmittedFact('ind-2', '2008-09-01'),
      phaseStartedFact('p2', 'II', '2009-03-01'),
      phaseStartedFact('p3', 'III', '2010-05-03'),
    ];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...facts), { minLength: 1, maxLength: 8 }),
        (delivered) => {
          const triggered = ofType(replayFacts(delivered), 'MilestoneTriggered');
          const keys = triggered.map((e) => e.data.clauseId);
          expect(new Set(keys).size).toBe(keys.length);
          expect(new Set(triggered.map((e) => e.eventId)).size).toBe(triggered.length);
        },
      ),
    );
  });
});
