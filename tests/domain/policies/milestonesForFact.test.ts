import fc from 'fast-check';
import { addDays, businessDate } from '../../../src/domain/dates';
import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import { developmentFactOf } from '../../../src/domain/policies/developmentFactOf';
import { milestonesForFact } from '../../../src/domain/policies/milestonesForFact';
import { decide } from '../../../src/domain/agreement/decide';
import { context, fold, idFor, ofType } from '../support/agreementSpec';
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

  it('corrects the Phase II milestone paid as skipped when its earlier start is recorded after the Phase III start', () => {
    const phase3 = phaseStartedFact('p3', 'III', '2010-05-03');
    const phase2 = phaseStartedFact('p2', 'II', '2009-03-02');
    const stream = replayFacts([indSubmittedFact('ind', '2008-02-01'), phase3, phase2]);
    const triggered = ofType(stream, 'MilestoneTriggered');
    expect(triggered.map((e) => [e.data.clauseId, e.data.achievedOn, e.data.dueOn])).toEqual([
      ['5.2(a)', '2008-02-01', '2008-03-02'],
      ['5.2(b)', '2010-05-03', '2010-06-02'],
      ['5.2(c)', '2010-05-03', '2010-06-02'],
    ]);
    const [correction, ...more] = ofType(stream, 'MilestoneAchievementCorrected');
    expect(more).toEqual([]);
    expect(correction?.data).toEqual({
      agreementId: triggered[1]!.data.agreementId,
      obligationId: triggered[1]!.eventId,
      clauseId: '5.2(b)',
      causedByEventId: phase2.eventId,
      previousAchievedOn: '2010-05-03',
      achievedOn: '2009-03-02',
      previousDueOn: '2010-06-02',
      dueOn: '2009-04-01',
      reason: expect.stringContaining('first achieved on 2009-03-02') as unknown,
    });
    const milestone = fold(stream).obligations.get(triggered[1]!.eventId);
    expect([milestone?.dueOn, milestone?.arisesOn]).toEqual(['2009-04-01', '2009-03-02']);
  });

  it('corrects the IND milestone to an earlier IND recorded later, and writes nothing for a still later one', () => {
    const later = indSubmittedFact('ind-later', '2008-09-01');
    const earlier = indSubmittedFact('ind-earlier', '2008-02-01');
    const stream = replayFacts([later, earlier, indSubmittedFact('ind-last', '2009-01-05')]);
    expect(ofType(stream, 'MilestoneTriggered')).toHaveLength(1);
    expect(
      ofType(stream, 'MilestoneAchievementCorrected').map((e) => [e.data.achievedOn, e.data.dueOn]),
    ).toEqual([['2008-02-01', '2008-03-02']]);
  });

  it('owes late interest from the corrected due date', () => {
    const stream = replayFacts([
      indSubmittedFact('ind-later', '2008-09-01'),
      indSubmittedFact('ind-earlier', '2008-02-01'),
    ]);
    const accrued = decide(
      {
        type: 'AccrueLateInterest',
        ...context('accrue:'),
        asOf: businessDate('2008-04-01'),
      },
      fold(stream),
    );
    const milestoneId = ofType(stream, 'MilestoneTriggered')[0]!.eventId;
    // Due on 2008-03-02 as corrected: 1,500,000 x 12% x 30 / 365 = 14,794.52.
    expect(
      ofType(accrued, 'LateInterestAccrued')
        .filter((e) => e.data.obligationId === milestoneId)
        .map((e) => [e.data.accruedFrom, e.data.interest.amount]),
    ).toEqual([['2008-03-02', '14794.52']]);
  });

  it('corrects nothing when an earlier fact recorded late changes no achievement date', () => {
    const stream = replayFacts([
      indSubmittedFact('ind', '2008-02-01'),
      phaseStartedFact('p2', 'II', '2009-03-02'),
      indSubmittedFact('ind-0', '2008-02-01'),
    ]);
    expect(ofType(stream, 'MilestoneAchievementCorrected')).toEqual([]);
  });

  it('lets an IND reversed in the product stream earn nothing, though it happened first', () => {
    const wrong = indSubmittedFact('ind-wrong', '2007-05-01');
    const reversal: AgreementEvent = {
      eventId: idFor('reversal'),
      type: 'EntryReversed',
      data: {
        productId: 'biib015',
        reversedEventId: wrong.eventId,
        reversedEventType: 'INDSubmitted',
        reason: 'posted for the wrong product',
      },
    };
    const withWrongFirst = [...signed()];
    withWrongFirst.push(
      ...milestonesForFact({
        fact: indSubmittedFact('ind', '2008-02-01'),
        state: fold(withWrongFirst),
        earlierFacts: [wrong, reversal],
        idFor,
      }),
    );
    expect(ofType(withWrongFirst, 'MilestoneTriggered').map((e) => e.data.achievedOn)).toEqual([
      '2008-02-01',
    ]);
  });

  it('triggers each milestone once, with the same achievement and due dates, whatever order or duplication the facts arrive in', () => {
    const dated = (from: string) =>
      fc.integer({ min: 0, max: 3000 }).map((days) => addDays(businessDate(from), days));
    const factArb = fc.oneof(
      dated('2004-06-01').map((on) => ({ kind: 'ind' as const, on })),
      fc
        .tuple(fc.constantFrom('I' as const, 'II' as const, 'III' as const), dated('2005-01-01'))
        .map(([phase, on]) => ({ kind: 'phase' as const, phase, on })),
      dated('2008-01-01').map((on) => ({ kind: 'approval' as const, on })),
    );
    const toEvent = (
      f:
        | { kind: 'ind'; on: string }
        | { kind: 'phase'; phase: 'I' | 'II' | 'III'; on: string }
        | { kind: 'approval'; on: string },
      index: number,
    ): AgreementEvent => {
      switch (f.kind) {
        case 'ind':
          return indSubmittedFact(`fact-${index}`, f.on);
        case 'phase':
          return phaseStartedFact(`fact-${index}`, f.phase, f.on);
        case 'approval':
          return {
            eventId: idFor(`fact-${index}`),
            type: 'RegulatoryApprovalGranted',
            data: {
              productId: 'biib015',
              jurisdiction: 'US',
              indication: 'solid tumours',
              approvedOn: f.on,
            },
          };
      }
    };
    fc.assert(
      fc.property(
        fc.array(factArb, { minLength: 1, maxLength: 8 }).chain((specs) => {
          const facts = specs.map(toEvent);
          return fc
            .tuple(
              fc.array(fc.nat({ max: facts.length - 1 }), { maxLength: 4 }),
              fc.array(fc.nat(), { minLength: facts.length + 4, maxLength: facts.length + 4 }),
            )
            .map(([repeats, keys]) => ({
              facts,
              delivered: [...facts, ...repeats.map((i) => facts[i]!)]
                .map((fact, i) => ({ fact, key: keys[i] ?? 0 }))
                .sort((a, b) => a.key - b.key)
                .map(({ fact }) => fact),
            }));
        }),
        ({ facts, delivered }) => {
          const inValidTime = [...facts].sort((a, b) =>
            validDateOf(a) === validDateOf(b)
              ? a.eventId < b.eventId
                ? -1
                : 1
              : validDateOf(a) < validDateOf(b)
                ? -1
                : 1,
          );
          const stream = replayFacts(delivered);
          const triggered = ofType(stream, 'MilestoneTriggered');
          const keys = triggered.map((e) => JSON.stringify([e.data.clauseId, e.data.scope]));
          expect(new Set(keys).size).toBe(keys.length);
          expect(effectiveMilestones(stream)).toEqual(
            effectiveMilestones(replayFacts(inValidTime)),
          );
          expect(ofType(replayFacts(inValidTime), 'MilestoneAchievementCorrected')).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });
});

function validDateOf(fact: AgreementEvent): string {
  return developmentFactOf(fact)?.occurredOn ?? '';
}

/** Each milestone as the stream says it now: clause, scope, amount, achievement and due date. */
function effectiveMilestones(stream: readonly AgreementEvent[]): string[] {
  const milestones = new Map<string, { key: string; achievedOn: string; dueOn: string | null }>();
  for (const event of stream) {
    if (event.type === 'MilestoneTriggered') {
      const { clauseId, scope, amount, achievedOn, dueOn } = event.data;
      milestones.set(event.eventId, {
        key: JSON.stringify([clauseId, scope, amount]),
        achievedOn,
        dueOn,
      });
    } else if (event.type === 'MilestoneAchievementCorrected') {
      const milestone = milestones.get(event.data.obligationId)!;
      milestones.set(event.data.obligationId, {
        ...milestone,
        achievedOn: event.data.achievedOn,
        dueOn: event.data.dueOn,
      });
    }
  }
  return [...milestones.values()].map((m) => JSON.stringify(m)).sort();
}
