import type { BusinessDate } from '../dates';
import type { Money } from '../money';
import type { MilestoneScopeKey } from './milestoneScope';

/**
 * Why a milestone became payable: its own event happened for the first time, or a later milestone
 * of its sequence was achieved first and the clause makes a skipped milestone payable with it.
 */
export type AchievementRule =
  | { readonly kind: 'first-achievement' }
  | { readonly kind: 'skipped-payable-with-next'; readonly skippedOverByClauseId: string };

/** A milestone earned: what MilestoneTriggered records. */
export interface MilestoneAchievement {
  readonly clauseId: string;
  readonly scopeKey: MilestoneScopeKey;
  /** `achievementKeyOf(clauseId, scopeKey)`: each is achieved at most once. */
  readonly achievementKey: string;
  /** The product whose fact or net sales achieved it; none for a per-agreement sales milestone. */
  readonly productId?: string;
  readonly amount: Money;
  readonly achievedOn: BusinessDate;
  /**
   * The end of the period the achievement belongs to, for `after: period-end` payment terms: the
   * reported period for a sales milestone, the calendar quarter of the achievement otherwise.
   */
  readonly periodEndsOn: BusinessDate;
  /** The id of the fact (development event or net sales report) that achieved it. */
  readonly factId: string;
  readonly rule: AchievementRule;
}
