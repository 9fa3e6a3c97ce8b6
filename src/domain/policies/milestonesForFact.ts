import type { AgreementEvent } from '../agreement/agreementEvent';
import type { AgreementState, TermsVersion } from '../agreement/agreementState';
import { milestoneAchievementCorrected, milestoneTriggered } from '../agreement/milestoneTriggered';
import { termsAt } from '../agreement/termsAt';
import { isBefore } from '../dates';
import type { DevelopmentFact } from '../milestones/developmentFact';
import { hasAchieved } from '../milestones/milestoneProgress';
import { milestonesInValidTime } from '../milestones/milestonesInValidTime';
import { developmentFactOf } from './developmentFactOf';

export interface MilestonePolicyInput {
  /** The fact, as recorded in its product stream. */
  readonly fact: AgreementEvent;
  /** The agreement's state (its own stream folded). */
  readonly state: AgreementState;
  /**
   * The product stream's other events (at least those recorded before the fact): what the
   * nth-distinct-indication conditions count and what decides which fact came first. Facts that
   * triggered nothing leave no trace in the agreement's stream. An EntryReversed among them
   * takes the fact it reverses out.
   */
  readonly earlierFacts?: readonly AgreementEvent[];
  readonly idFor: (key: string) => string;
}

/**
 * The development-fact policy: what a fact of a product stream triggers in one agreement's
 * stream. Milestones are decided by valid time: the fact and the product stream's other facts are
 * folded in the order they happened (ties by fact id), each under the terms in force that day, so
 * the first achievement, its date, its due date and the skipped-milestone rule do not depend on the
 * order facts were recorded in. Against what the agreement's stream already records:
 * - a milestone not yet triggered is triggered (MilestoneTriggered), once per clause and scope;
 * - a milestone triggered with a later achievement date than the facts now show (an earlier fact
 *   recorded late) is corrected (MilestoneAchievementCorrected), never triggered again;
 * - anything else writes nothing, so a redelivered fact or a replayed policy is a no-op.
 * A fact earns nothing for a product the agreement does not license (many agreements read one
 * product stream), when dated before the agreement's signing (contracts pay for achievements
 * after their effective date; its indication still counts) or after its termination. A fact whose
 * milestone this agreement reversed earns nothing more here. Ids are deterministic.
 */
export function milestonesForFact(input: MilestonePolicyInput): AgreementEvent[] {
  const { state } = input;
  const fact = developmentFactOf(input.fact);
  if (fact === undefined || state.agreementId === null) return [];
  const others = input.earlierFacts ?? [];
  const reversedFacts = new Set(
    others.flatMap((event) => (event.type === 'EntryReversed' ? [event.data.reversedEventId] : [])),
  );
  const { milestoneProgress: progress } = state;
  const known = [...others, input.fact]
    .map(developmentFactOf)
    .filter(
      (candidate): candidate is DevelopmentFact =>
        candidate !== undefined &&
        !reversedFacts.has(candidate.factId) &&
        !progress.disregardedFactIds.has(candidate.factId),
    );
  const agreementId = state.agreementId;
  return milestonesInValidTime(
    known.map((candidate) => ({ fact: candidate, version: earningVersion(state, candidate) })),
  ).flatMap(({ achievement, version }) => {
    const recorded = progress.recorded.get(achievement.achievementKey);
    if (recorded === undefined) {
      if (hasAchieved(progress, achievement.achievementKey)) return [];
      return milestoneTriggered(agreementId, version, achievement, input.idFor) ?? [];
    }
    const obligation = state.obligations.get(recorded.obligationId);
    if (obligation === undefined || !isBefore(achievement.achievedOn, recorded.achievedOn)) {
      return [];
    }
    return milestoneAchievementCorrected(
      agreementId,
      version,
      achievement,
      recorded,
      obligation,
      input.idFor,
    );
  });
}

/** The terms a fact earns under, or none: before the signing, after the termination, unlicensed. */
function earningVersion(state: AgreementState, fact: DevelopmentFact): TermsVersion | undefined {
  const signed = state.termsHistory[0];
  if (signed === undefined || isBefore(fact.occurredOn, signed.terms.signedOn)) return undefined;
  if (state.terminatedOn !== null && isBefore(state.terminatedOn, fact.occurredOn))
    return undefined;
  const version = termsAt(state, fact.occurredOn);
  return version.terms.products.some((p) => p.productId === fact.productId) ? version : undefined;
}
