import fc from 'fast-check';
import { parseTerms, type AgreementTerms } from '../../../src/domain/agreement/terms';
import { dateOf } from '../../../src/domain/dates';
import type { MilestoneAchievement } from '../../../src/domain/milestones/milestoneAchievement';
import { achievementKeyOf } from '../../../src/domain/milestones/milestoneScope';
import { formatMoney } from '../../../src/domain/money';
import type {
  DevelopmentEventType,
  DevelopmentFact,
} from '../../../src/domain/milestones/developmentFact';
import { foundingDeal } from '../fixtures/foundingDeal';
import { replay } from './developmentFacts';
import { multiTargetDeal } from './multiTargetDeal';

const EVENT_TYPES: readonly DevelopmentEventType[] = [
  'INDSubmitted',
  'ClinicalPhaseStarted',
  'RegulatoryFilingSubmitted',
  'RegulatoryApprovalGranted',
  'FirstCommercialSale',
];

function factsAbout(productIds: readonly string[]): fc.Arbitrary<DevelopmentFact[]> {
  const fact = fc.record(
    {
      eventType: fc.constantFrom(...EVENT_TYPES),
      productId: fc.constantFrom(...productIds),
      occurredOn: fc
        .record({
          year: fc.integer({ min: 2005, max: 2030 }),
          month: fc.integer({ min: 1, max: 12 }),
          day: fc.integer({ min: 1, max: 28 }),
        })
        .map(({ year, month, day }) => dateOf(year, month, day)),
      jurisdiction: fc.constantFrom('US', 'EU', 'JP', 'CA'),
      phase: fc.constantFrom('I' as const, 'II' as const, 'III' as const),
      filingType: fc.constantFrom('BLA' as const, 'NDA' as const, 'MAA' as const, 'JNDA' as const),
      indication: fc.constantFrom('breast cancer', 'lung cancer', 'gastric cancer', 'lymphoma'),
    },
    { requiredKeys: ['eventType', 'productId', 'occurredOn'] },
  );
  return fc
    .array(fact, { maxLength: 25 })
    .map((facts) => facts.map((f, index) => ({ ...f, factId: `fact-${index}` })));
}

/**
 * The same facts in any order, some posted twice (a retried webhook) and some resubmitted under a
 * new id (an amended IND): the facts of a deal as integrations really deliver them.
 */
function redelivered(facts: readonly DevelopmentFact[]): fc.Arbitrary<DevelopmentFact[]> {
  if (facts.length === 0) return fc.constant([]);
  const index = fc.nat({ max: facts.length - 1 });
  return fc
    .tuple(
      fc.array(index, { maxLength: 10 }),
      fc.array(index, { maxLength: 10 }),
      fc.array(fc.nat(), { minLength: facts.length + 20, maxLength: facts.length + 20 }),
    )
    .map(([repeated, amended, sortKeys]) => {
      const all = [
        ...facts,
        ...repeated.map((i) => facts[i]!),
        ...amended.map((i, n) => ({ ...facts[i]!, factId: `${facts[i]!.factId}-amended-${n}` })),
      ];
      return all
        .map((fact, i) => ({ fact, key: sortKeys[i] ?? i }))
        .sort((a, b) => a.key - b.key)
        .map(({ fact }) => fact);
    });
}

/**
 * Each achievement is its clause's amount exactly, keyed by its clause and scope, and no clause is
 * achieved twice for one scope key.
 */
function expectEachOnceAtItsClauseAmount(
  terms: AgreementTerms,
  achievements: readonly MilestoneAchievement[],
): void {
  for (const achievement of achievements) {
    const clause = terms.milestones.find((c) => c.clauseId === achievement.clauseId);
    expect(clause).toBeDefined();
    expect(achievement.amount).toEqual(clause!.amount);
    expect(achievement.achievementKey).toBe(
      achievementKeyOf(achievement.clauseId, achievement.scopeKey),
    );
  }
  const pairs = achievements.map((a) => JSON.stringify([a.clauseId, a.scopeKey]));
  expect(new Set(pairs).size).toBe(pairs.length);
}

/** What was triggered, order aside: clause, scope and amount (the dates may follow the order). */
const triggered = (achievements: readonly MilestoneAchievement[]): string[] =>
  achievements.map((a) => JSON.stringify([a.clauseId, a.scopeKey, formatMoney(a.amount)])).sort();

describe.each([
  ['the founding deal', parseTerms(foundingDeal)],
  ['a multi-target deal', parseTerms(multiTargetDeal)],
])('no milestone of %s triggers twice', (_name, terms) => {
  const productIds = terms.products.map((p) => p.productId);

  it('triggers each clause and scope at most once, for any facts', () => {
    fc.assert(
      fc.property(factsAbout(productIds), (facts) => {
        expectEachOnceAtItsClauseAmount(terms, replay(terms, facts).achievements);
      }),
    );
  });

  it('triggers the same clauses and scopes whatever the order or duplication of the facts', () => {
    fc.assert(
      fc.property(
        factsAbout(productIds).chain((facts) =>
          redelivered(facts).map((again) => ({ facts, again })),
        ),
        ({ facts, again }) => {
          const once = replay(terms, facts);
          const redelivered = replay(terms, again).achievements;
          expectEachOnceAtItsClauseAmount(terms, redelivered);
          expect(triggered(redelivered)).toEqual(triggered(once.achievements));
          // Delivered again after the first delivery: the whole history still triggers each once.
          const later = replay(terms, again, once.progress).achievements;
          expectEachOnceAtItsClauseAmount(terms, [...once.achievements, ...later]);
          expect(later).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('pays a milestone as skipped only with a later milestone of its sequence achieved by the same fact', () => {
    fc.assert(
      fc.property(factsAbout(productIds), (facts) => {
        const { achievements } = replay(terms, facts);
        for (const achievement of achievements) {
          if (achievement.rule.kind !== 'skipped-payable-with-next') continue;
          const skipped = terms.milestones.find((c) => c.clauseId === achievement.clauseId)!;
          const { skippedOverByClauseId } = achievement.rule;
          const next = terms.milestones.find((c) => c.clauseId === skippedOverByClauseId)!;
          expect(skipped.skippedMilestones).toBe('payable-with-next');
          expect(skipped.sequence?.name).toBe(next.sequence?.name);
          expect(skipped.sequence!.order).toBeLessThan(next.sequence!.order);
          expect(achievements).toContainEqual(
            expect.objectContaining({
              clauseId: skippedOverByClauseId,
              scopeKey: achievement.scopeKey,
              factId: achievement.factId,
              achievedOn: achievement.achievedOn,
              rule: { kind: 'first-achievement' },
            }),
          );
        }
      }),
    );
  });
});
