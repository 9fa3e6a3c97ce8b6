import type { Reduction } from '../agreement/terms';
import type { Money } from '../money';
import { isZero, ONE, subtract, type Ratio } from '../ratio';
import {
  compareExact,
  exactOf,
  exactZero,
  scaleExact,
  subtractExact,
  type ExactAmount,
} from './exactAmount';

/** A reduction that changed a line's royalty: what it started from and what it took off. */
export interface AppliedReduction {
  readonly kind: Reduction['kind'];
  /** The royalty before this reduction (after the ones the contract lists before it). */
  readonly base: ExactAmount;
  /** What it took off the base. */
  readonly amount: ExactAmount;
  /** For third-party stacking: the royalties the licensee paid others for the line. */
  readonly thirdPartyRoyalties?: Money;
}

/** What decides which reductions apply to one statement line. */
export interface ReductionCircumstances {
  /** The period starts on or after the first full quarter after generic entry in the country. */
  readonly genericCutApplies: boolean;
  readonly coveredByValidClaim: boolean;
  /** The line was priced with the clause's tiers without a Valid Claim: no second reduction. */
  readonly pricedWithTiersWithoutValidClaim: boolean;
  /** Royalties the licensee paid third parties for the product, country and period. */
  readonly thirdPartyRoyalties: Money;
}

/**
 * Applies the clause's reductions in the contract's order, each to the royalty the previous ones
 * left, all exact (the line is rounded once, after them).
 * - generic entry and no Valid Claim cut the royalty by their share;
 * - third-party stacking deducts `offset` x the third-party royalties, but leaves at least
 *   `floor` x the royalty before the deduction; nothing is deducted from a credit.
 */
export function applyReductions(
  royalty: ExactAmount,
  reductions: readonly Reduction[],
  circumstances: ReductionCircumstances,
): { readonly royalty: ExactAmount; readonly applied: readonly AppliedReduction[] } {
  const applied: AppliedReduction[] = [];
  let current = royalty;
  for (const reduction of reductions) {
    const taken = amountTaken(reduction, current, circumstances);
    if (taken === undefined) continue;
    applied.push({
      kind: reduction.kind,
      base: current,
      amount: taken,
      ...(reduction.kind === 'third-party-stacking' && {
        thirdPartyRoyalties: circumstances.thirdPartyRoyalties,
      }),
    });
    current = subtractExact(current, taken);
  }
  return { royalty: current, applied };
}

function amountTaken(
  reduction: Reduction,
  base: ExactAmount,
  circumstances: ReductionCircumstances,
): ExactAmount | undefined {
  switch (reduction.kind) {
    case 'generic-entry':
      return circumstances.genericCutApplies ? share(base, reduction.reduction) : undefined;
    case 'no-valid-claim':
      return circumstances.coveredByValidClaim || circumstances.pricedWithTiersWithoutValidClaim
        ? undefined
        : share(base, reduction.reduction);
    case 'third-party-stacking': {
      const paid = exactOf(circumstances.thirdPartyRoyalties);
      const zero = exactZero(base.currency);
      if (compareExact(paid, zero) <= 0 || compareExact(base, zero) <= 0) return undefined;
      const offset = scaleExact(paid, reduction.offset);
      const mostAllowed = scaleExact(base, subtract(ONE, reduction.floor));
      return compareExact(offset, mostAllowed) <= 0 ? offset : mostAllowed;
    }
    default: {
      const _exhaustive: never = reduction;
      return _exhaustive;
    }
  }
}

function share(base: ExactAmount, fraction: Ratio): ExactAmount | undefined {
  return isZero(fraction) ? undefined : scaleExact(base, fraction);
}
