import type { Tier } from '../agreement/terms';
import { DomainError } from '../domainError';
import { compareMoney, type Money } from '../money';

/**
 * The band a year-to-date total falls in: the last tier starting at or below it (a tier's start
 * belongs to it). Returns exceeding sales fall in the first band.
 */
export function tierContaining(tiers: readonly Tier[], netSales: Money): Tier {
  const [first] = tiers;
  if (first === undefined) throw new DomainError('invalid-terms', 'a royalty clause has tiers');
  return tiers.reduce(
    (found, tier) => (compareMoney(tier.from, netSales) <= 0 ? tier : found),
    first,
  );
}
