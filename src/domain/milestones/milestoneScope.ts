import type { LicensedProduct, MilestoneClause } from '../agreement/terms';

/** Which "once" a milestone is paid for: the agreement, one licensed product or one target. */
export type MilestoneScopeKey = 'agreement' | `product:${string}` | `target:${string}`;

/**
 * The scope keys a fact about `productId` reaches for a clause of this scope. A product directed
 * to several targets reaches each of them: a per-target milestone is paid once per target, so a
 * bispecific product's first IND achieves it for every target not yet achieved. A product without
 * targets reaches no per-target milestone.
 */
export function scopeKeysOf(
  scope: MilestoneClause['scope'],
  productId: string,
  products: readonly LicensedProduct[],
): MilestoneScopeKey[] {
  switch (scope) {
    case 'agreement':
      return ['agreement'];
    case 'product':
      return [`product:${productId}`];
    case 'target':
      return (products.find((p) => p.productId === productId)?.targets ?? []).map(
        (target): MilestoneScopeKey => `target:${target}`,
      );
    default: {
      const _exhaustive: never = scope;
      return _exhaustive;
    }
  }
}

/** The identity of one payable milestone: its clause and scope key, e.g. `["5.2(a)","product:biib015"]`. */
export function achievementKeyOf(clauseId: string, scopeKey: MilestoneScopeKey): string {
  return JSON.stringify([clauseId, scopeKey]);
}
