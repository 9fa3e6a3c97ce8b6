import type { AgreementTerms } from '../agreement/terms';
import { DomainError } from '../domainError';
import { calendarQuarterEndOf } from '../dates';
import type { DevelopmentFact } from './developmentFact';
import { meetsDevelopmentTrigger } from './developmentTrigger';
import type { MilestoneAchievement } from './milestoneAchievement';
import {
  hasAchieved,
  withFactSeen,
  withMilestonesAchieved,
  type MilestoneProgress,
} from './milestoneProgress';
import { achievementKeyOf, scopeKeysOf } from './milestoneScope';
import { skippedMilestonesPaidWith } from './skippedMilestones';

export type MilestoneTerms = Pick<AgreementTerms, 'milestones' | 'products'>;

/**
 * The milestones a development fact achieves under one agreement: every development clause whose
 * trigger it meets, once per scope key never achieved before, plus the skipped milestones payable
 * with them; in the order of the clauses in the agreement. The first achievement only: a
 * redelivered fact, an amended IND or a second IND of the same product achieves nothing new.
 * Throws `unknown-product` for a product the agreement does not license.
 */
export function milestonesAchievedBy(
  terms: MilestoneTerms,
  progress: MilestoneProgress,
  fact: DevelopmentFact,
): MilestoneAchievement[] {
  if (!terms.products.some((product) => product.productId === fact.productId)) {
    throw new DomainError(
      'unknown-product',
      `${fact.productId} is not a product licensed by this agreement`,
      '/productId',
    );
  }
  const { indicationFacts } = withFactSeen(progress, fact);
  const achieved: MilestoneAchievement[] = [];
  for (const clause of terms.milestones) {
    const { trigger } = clause;
    if (trigger.kind !== 'development') continue;
    if (!meetsDevelopmentTrigger(trigger, fact, indicationFacts)) continue;
    for (const scopeKey of scopeKeysOf(clause.scope, fact.productId, terms.products)) {
      const achievementKey = achievementKeyOf(clause.clauseId, scopeKey);
      if (hasAchieved(progress, achievementKey)) continue;
      achieved.push({
        clauseId: clause.clauseId,
        scopeKey,
        achievementKey,
        productId: fact.productId,
        amount: clause.amount,
        achievedOn: fact.occurredOn,
        periodEndsOn: calendarQuarterEndOf(fact.occurredOn),
        factId: fact.factId,
        rule: { kind: 'first-achievement' },
      });
    }
  }
  const skipped = skippedMilestonesPaidWith(terms, progress, achieved);
  const position = new Map(terms.milestones.map((clause, index) => [clause.clauseId, index]));
  return [...skipped, ...achieved].sort(
    (a, b) => (position.get(a.clauseId) ?? 0) - (position.get(b.clauseId) ?? 0),
  );
}

/** One step of a replay: what the fact achieves, and the progress after it. */
export function applyDevelopmentFact(
  terms: MilestoneTerms,
  progress: MilestoneProgress,
  fact: DevelopmentFact,
): { achievements: MilestoneAchievement[]; progress: MilestoneProgress } {
  const achievements = milestonesAchievedBy(terms, progress, fact);
  return {
    achievements,
    progress: withMilestonesAchieved(withFactSeen(progress, fact), achievements),
  };
}
