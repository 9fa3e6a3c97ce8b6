import type { DevelopmentFact } from './developmentFact';

/**
 * Which distinct indication of its product the fact's indication is (1 for the first, 2 for the
 * "second extended indication", ...), counting the indications of `earlier` facts about the same
 * product in the order they were first seen. A repeated indication keeps the rank it had the first
 * time; a fact without an indication has none.
 */
export function indicationRankOf(
  fact: DevelopmentFact,
  earlier: readonly DevelopmentFact[],
): number | undefined {
  if (fact.indication === undefined) return undefined;
  const distinct: string[] = [];
  for (const seen of earlier) {
    if (seen.productId !== fact.productId || seen.indication === undefined) continue;
    if (!distinct.includes(seen.indication)) distinct.push(seen.indication);
  }
  const index = distinct.indexOf(fact.indication);
  return index === -1 ? distinct.length + 1 : index + 1;
}
