import type { BusinessDate } from '../dates';
import type { DevelopmentFact } from './developmentFact';
import type { MilestoneAchievement } from './milestoneAchievement';

/** A milestone as the agreement's stream recorded it (MilestoneTriggered, as corrected since). */
export interface RecordedAchievement {
  /** The MilestoneTriggered: the obligation. */
  readonly obligationId: string;
  readonly achievedOn: BusinessDate;
  /** The fact credited with it: the first achievement in valid time as far as known. */
  readonly factId: string;
}

/**
 * What the milestone rules remember of an agreement's history: which milestones were achieved
 * (or paid as skipped), and the facts that named an indication, for the nth-distinct-indication
 * conditions. Built from events only (the facts and MilestoneTriggered), so it replays.
 */
export interface MilestoneProgress {
  /** `achievementKeyOf(clauseId, scopeKey)` of every milestone already payable. */
  readonly achievedKeys: ReadonlySet<string>;
  /** Facts that named an indication, each once, in the order they were folded. */
  readonly indicationFacts: readonly DevelopmentFact[];
  /** By achievement key, the milestones the agreement's stream recorded (none in a pure replay). */
  readonly recorded: ReadonlyMap<string, RecordedAchievement>;
  /**
   * Facts whose milestone the agreement reversed: they earn nothing more under it. Were they
   * counted again, the next fact would re-earn the reversed milestone from them.
   */
  readonly disregardedFactIds: ReadonlySet<string>;
}

export const NO_MILESTONE_PROGRESS: MilestoneProgress = {
  achievedKeys: new Set(),
  indicationFacts: [],
  recorded: new Map(),
  disregardedFactIds: new Set(),
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

/** A MilestoneTriggered, or its correction to an earlier achievement: what the stream says now. */
export function withAchievementRecorded(
  progress: MilestoneProgress,
  achievementKey: string,
  recorded: RecordedAchievement,
): MilestoneProgress {
  return {
    ...withMilestonesAchieved(progress, [{ achievementKey }]),
    recorded: new Map([...progress.recorded, [achievementKey, recorded]]),
  };
}

/**
 * Forgets an achievement whose MilestoneTriggered was reversed: the milestone is earnable again,
 * and the fact credited with it is disregarded from then on (the reversal says it does not count).
 */
export function withoutMilestoneAchieved(
  progress: MilestoneProgress,
  achievementKey: string,
): MilestoneProgress {
  if (!progress.achievedKeys.has(achievementKey)) return progress;
  const achievedKeys = new Set(progress.achievedKeys);
  achievedKeys.delete(achievementKey);
  const reversed = progress.recorded.get(achievementKey);
  if (reversed === undefined) return { ...progress, achievedKeys };
  const recorded = new Map(progress.recorded);
  recorded.delete(achievementKey);
  return {
    ...progress,
    achievedKeys,
    recorded,
    disregardedFactIds: new Set([...progress.disregardedFactIds, reversed.factId]),
  };
}
