import { compareDates } from '../dates';
import type { DevelopmentFact } from './developmentFact';
import { milestonesAchievedBy, type MilestoneTerms } from './developmentMilestones';
import type { MilestoneAchievement } from './milestoneAchievement';
import {
  NO_MILESTONE_PROGRESS,
  withFactSeen,
  withMilestonesAchieved,
  type MilestoneProgress,
} from './milestoneProgress';

/**
 * A fact with the terms it is judged under: those in force on the day it happened. Without terms
 * it earns nothing (it happened before the signing or after the termination) but its indication
 * still counts for the nth-distinct-indication conditions.
 */
export interface JudgedFact<Version extends { readonly terms: MilestoneTerms }> {
  readonly fact: DevelopmentFact;
  readonly version?: Version;
}

/**
 * Valid time first, then the fact id: two facts of the same day are taken in the order of their
 * ids, so the same facts always give the same first achievement whatever order they arrived in.
 */
export function compareInValidTime(a: DevelopmentFact, b: DevelopmentFact): number {
  return (
    compareDates(a.occurredOn, b.occurredOn) ||
    (a.factId < b.factId ? -1 : a.factId > b.factId ? 1 : 0)
  );
}

/**
 * The milestones a set of facts achieves, decided by when each fact happened (`occurredOn`), not
 * by when it was recorded: the facts are folded in valid time (ties by fact id), each under its
 * own terms, so the first achievement, its date, the skipped-milestone rule and the
 * nth-distinct-indication counts are the same whatever order the facts arrive in, and a fact
 * delivered twice (same id) counts once. Every milestone appears once, with the fact that first
 * achieved it and the terms version that judged it.
 */
export function milestonesInValidTime<Version extends { readonly terms: MilestoneTerms }>(
  facts: readonly JudgedFact<Version>[],
): { achievement: MilestoneAchievement; version: Version }[] {
  const distinct = new Map<string, JudgedFact<Version>>();
  for (const judged of facts) {
    if (!distinct.has(judged.fact.factId)) distinct.set(judged.fact.factId, judged);
  }
  const ordered = [...distinct.values()].sort((a, b) => compareInValidTime(a.fact, b.fact));
  let progress: MilestoneProgress = NO_MILESTONE_PROGRESS;
  const achieved: { achievement: MilestoneAchievement; version: Version }[] = [];
  for (const { fact, version } of ordered) {
    const achievements =
      version === undefined ? [] : milestonesAchievedBy(version.terms, progress, fact);
    if (version !== undefined) {
      achieved.push(...achievements.map((achievement) => ({ achievement, version })));
    }
    progress = withMilestonesAchieved(withFactSeen(progress, fact), achievements);
  }
  return achieved;
}
