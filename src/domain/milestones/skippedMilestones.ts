import type { AgreementTerms, LicensedProduct, MilestoneClause } from '../agreement/terms';
import type { MilestoneAchievement } from './milestoneAchievement';
import { hasAchieved, type MilestoneProgress } from './milestoneProgress';
import { achievementKeyOf, type MilestoneScopeKey } from './milestoneScope';

/**
 * The skipped-milestone rule. When a milestone of a sequence is achieved (Phase III started) while
 * an earlier one of the same sequence and the same scope key was never achieved (Phase II), the
 * earlier one becomes payable with it if *its own* clause says `payable-with-next`; it then counts
 * as achieved, with the same date and fact, and never triggers again. With `not-payable` nothing
 * is paid for the skip, and the milestone stays payable on its own event should it happen later.
 *
 * Only the same scope key is reached (a per-target IND milestone is not paid because another
 * target reached Phase III), and only a clause that could apply to that key (a clause limited to
 * other products is not skipped), so the outcome does not depend on the order facts arrive in.
 */
export function skippedMilestonesPaidWith(
  terms: Pick<AgreementTerms, 'milestones' | 'products'>,
  progress: MilestoneProgress,
  achieved: readonly MilestoneAchievement[],
): MilestoneAchievement[] {
  const clauses = new Map(terms.milestones.map((clause) => [clause.clauseId, clause]));
  const orderOf = (a: MilestoneAchievement) => clauses.get(a.clauseId)?.sequence?.order ?? 0;
  const taken = new Set(achieved.map((a) => a.achievementKey));
  const skipped: MilestoneAchievement[] = [];
  // Lowest order first: a skipped milestone is paid with the next one achieved.
  for (const next of [...achieved].sort((a, b) => orderOf(a) - orderOf(b))) {
    const sequence = clauses.get(next.clauseId)?.sequence;
    if (sequence === undefined || next.rule.kind !== 'first-achievement') continue;
    for (const clause of terms.milestones) {
      if (
        clause.sequence?.name !== sequence.name ||
        clause.sequence.order >= sequence.order ||
        clause.skippedMilestones !== 'payable-with-next' ||
        !appliesTo(clause, next.scopeKey, terms.products)
      ) {
        continue;
      }
      const achievementKey = achievementKeyOf(clause.clauseId, next.scopeKey);
      if (taken.has(achievementKey) || hasAchieved(progress, achievementKey)) continue;
      taken.add(achievementKey);
      skipped.push({
        ...next,
        clauseId: clause.clauseId,
        achievementKey,
        amount: clause.amount,
        rule: { kind: 'skipped-payable-with-next', skippedOverByClauseId: next.clauseId },
      });
    }
  }
  return skipped;
}

/** Whether the clause has a milestone for this scope key: same scope, and a product it covers. */
function appliesTo(
  clause: MilestoneClause,
  scopeKey: MilestoneScopeKey,
  products: readonly LicensedProduct[],
): boolean {
  const productIds =
    clause.trigger.kind === 'development'
      ? clause.trigger.conditions.productIds
      : clause.trigger.productIds;
  const covers = (productId: string) => productIds === undefined || productIds.includes(productId);
  switch (clause.scope) {
    case 'agreement':
      return scopeKey === 'agreement';
    case 'product':
      return scopeKey.startsWith('product:') && covers(scopeKey.slice('product:'.length));
    case 'target': {
      if (!scopeKey.startsWith('target:')) return false;
      const target = scopeKey.slice('target:'.length);
      return products.some((p) => p.targets.includes(target) && covers(p.productId));
    }
    default: {
      const _exhaustive: never = clause.scope;
      return _exhaustive;
    }
  }
}
