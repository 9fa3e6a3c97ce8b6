import type { AgreementEvent } from '../agreement/agreementEvent';
import type { AgreementState } from '../agreement/agreementState';
import { milestoneTriggered } from '../agreement/milestoneTriggered';
import { termsAt } from '../agreement/termsAt';
import { isBefore } from '../dates';
import { milestonesAchievedBy } from '../milestones/developmentMilestones';
import { withFactSeen } from '../milestones/milestoneProgress';
import { developmentFactOf } from './developmentFactOf';

export interface MilestonePolicyInput {
  /** The fact, as recorded in its product stream. */
  readonly fact: AgreementEvent;
  /** The agreement's state (its own stream folded). */
  readonly state: AgreementState;
  /**
   * The product stream's earlier facts, in their recorded order: what the nth-distinct-indication
   * conditions count. Facts that triggered nothing leave no trace in the agreement's stream.
   */
  readonly earlierFacts?: readonly AgreementEvent[];
  readonly idFor: (key: string) => string;
}

/**
 * The development-fact policy: what a fact of a product stream triggers in one agreement's
 * stream. Every matching milestone clause, once per scope, with the skipped milestones payable
 * with it, each due per its payment term; nothing for a product the agreement does not license
 * (many agreements read one product stream), nothing for a fact dated before the agreement's
 * signing (contracts pay for achievements after their effective date; such a fact is still counted
 * for indications) or after its termination, nothing new for a fact applied before. Ids are
 * deterministic, so a replayed policy is a no-op.
 */
export function milestonesForFact(input: MilestonePolicyInput): AgreementEvent[] {
  const { state } = input;
  const fact = developmentFactOf(input.fact);
  if (fact === undefined || state.agreementId === null) return [];
  if (state.appliedFactIds.has(fact.factId)) return [];
  const signed = state.termsHistory[0];
  if (signed === undefined || isBefore(fact.occurredOn, signed.terms.signedOn)) return [];
  if (state.terminatedOn !== null && isBefore(state.terminatedOn, fact.occurredOn)) return [];
  const version = termsAt(state, fact.occurredOn);
  if (!version.terms.products.some((p) => p.productId === fact.productId)) return [];
  const progress = (input.earlierFacts ?? [])
    .map(developmentFactOf)
    .reduce(
      (seen, earlier) =>
        earlier === undefined || earlier.factId === fact.factId
          ? seen
          : withFactSeen(seen, earlier),
      state.milestoneProgress,
    );
  const agreementId = state.agreementId;
  return milestonesAchievedBy(version.terms, progress, fact).flatMap(
    (achievement) => milestoneTriggered(agreementId, version, achievement, input.idFor) ?? [],
  );
}
