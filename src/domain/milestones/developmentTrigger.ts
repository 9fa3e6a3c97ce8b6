import type { MilestoneTrigger } from '../agreement/terms';
import type { DevelopmentConditions, DevelopmentFact } from './developmentFact';
import { indicationRankOf } from './indicationRank';

export type DevelopmentTrigger = Extract<MilestoneTrigger, { kind: 'development' }>;

/**
 * Whether the fact is the event of the trigger and meets every condition. A condition the fact
 * cannot show (a jurisdiction condition on a fact without a jurisdiction) is not met.
 *
 * The nth-distinct-indication condition counts the distinct indications of the product among the
 * facts of the trigger's event type that meet its other conditions (an EU approval does not make
 * a second US indication), and is met by a fact whose indication ranks n or later: so the fact
 * that brings the nth distinct indication achieves it, and a repeated indication never counts again.
 */
export function meetsDevelopmentTrigger(
  trigger: DevelopmentTrigger,
  fact: DevelopmentFact,
  indicationFacts: readonly DevelopmentFact[],
): boolean {
  const { conditions } = trigger;
  if (fact.eventType !== trigger.eventType || !meetsFactConditions(conditions, fact)) return false;
  if (conditions.indication !== undefined && fact.indication !== conditions.indication) {
    return false;
  }
  if (conditions.nthDistinctIndication === undefined) return true;
  const qualifying = indicationFacts.filter(
    (seen) => seen.eventType === trigger.eventType && meetsFactConditions(conditions, seen),
  );
  const rank = indicationRankOf(fact, qualifying);
  return rank !== undefined && rank >= conditions.nthDistinctIndication;
}

/** The conditions about the fact alone: product, jurisdiction, phase and filing type. */
function meetsFactConditions(conditions: DevelopmentConditions, fact: DevelopmentFact): boolean {
  const { productIds, jurisdictions, phase, filingTypes } = conditions;
  return (
    (productIds === undefined || productIds.includes(fact.productId)) &&
    (jurisdictions === undefined ||
      (fact.jurisdiction !== undefined && jurisdictions.includes(fact.jurisdiction))) &&
    (phase === undefined || fact.phase === phase) &&
    (filingTypes === undefined ||
      (fact.filingType !== undefined && filingTypes.includes(fact.filingType)))
  );
}
