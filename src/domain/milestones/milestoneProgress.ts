import type { DevelopmentFact } from './developmentFact';
import type { MilestoneAchievement } from './milestoneAchievement';

/**
 * What the milestone rules remember of an agreement's history: which milestones were achieved
 * (or paid as skipped), and the facts that named an indication, for the nth-distinct-indication
 * conditions. Built from events only (the facts and MilestoneTriggered), so it replays.
 */
export interface MilestoneProgress {
  /** `achievementKeyOf(clauseId, scopeKey)` of every milestone already payable. */
  readonly achievedKeys: ReadonlySet<string>;
  /** Facts that named an indication, each once, in the order they were recorded. */
  readonly indicationFacts: readonly DevelopmentFact[];
}

export const NO_MILESTONE_PROGRESS: MilestoneProgress = {
  achievedKeys: new Set(),
  indicationFacts: [],
};

export const hasAchieved = (progress: MilestoneProgress, achievementKey: string): boolean =>
  progress.achievedKeys.has(achievementKey);

/** Remembers a fact's indication; a redelivered fact (same id) is remembered once. */
export function withFactSeen(
  progress: MilestoneProgress,
  fact: DevelopmentFact,
): MilestoneProgress {
  if (fact.indication === undefined) return progress;
  if (progress.indicationFacts.some((seen) => seen.factId === fact.factId)) return progress;
  return { ...progress, indicationFacts: [...progress.indicationFacts, fact] };
}

export function withMilestonesAchieved(
  progress: MilestoneProgress,
  achievements: readonly Pick<MilestoneAchievement, 'achievementKey'>[],
): MilestoneProgress {
  if (achievements.length === 0) return progress;
  const achievedKeys = new Set(progress.achievedKeys);
  for (const { achievementKey } of achievements) achievedKeys.add(achievementKey);
  return { ...progress, achievedKeys };
}

/** Forgets an achievement whose MilestoneTriggered was reversed: the milestone is earnable again. */
export function withoutMilestoneAchieved(
  progress: MilestoneProgress,
  achievementKey: string,
): MilestoneProgress {
  if (!progress.achievedKeys.has(achievementKey)) return progress;
  const achievedKeys = new Set(progress.achievedKeys);
  achievedKeys.delete(achievementKey);
  return { ...progress, achievedKeys };
}
