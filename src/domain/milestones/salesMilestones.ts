import type { AgreementTerms, MilestoneClause } from '../agreement/terms';
import type { BusinessDate } from '../dates';
import { DomainError } from '../domainError';
import { compareMoney, sum, type Money } from '../money';
import type { MilestoneAchievement } from './milestoneAchievement';
import { hasAchieved, type MilestoneProgress } from './milestoneProgress';
import { achievementKeyOf, type MilestoneScopeKey } from './milestoneScope';

/**
 * One product's net sales in the payment currency, before and after a net sales report (or a
 * restatement): of the tier year so far (`annual`) and since the first sale (`cumulative`).
 */
export interface NetSalesPosition {
  readonly productId: string;
  readonly annualBefore: Money;
  readonly annualAfter: Money;
  readonly cumulativeBefore: Money;
  readonly cumulativeAfter: Money;
}

export interface NetSalesChange {
  /** The id of the report's event: the fact that achieves the milestone. */
  readonly reportId: string;
  /** The last day of the reported period: the achievement date of a sales milestone. */
  readonly periodEndsOn: BusinessDate;
  /** Every licensed product with net sales; a product left out counts as no sales. */
  readonly positions: readonly NetSalesPosition[];
}

const AMOUNTS = ['annualBefore', 'annualAfter', 'cumulativeBefore', 'cumulativeAfter'] as const;

/**
 * The sales milestones a report achieves: those whose threshold the net sales first exceed, i.e.
 * strictly more than the threshold after the report while not more before it ("first exceeding";
 * reaching the threshold exactly is not exceeding it). A per-product milestone looks at each
 * product it covers, a per-agreement one at the sum of the products it covers. Once per scope key,
 * ever: an annual threshold exceeded again in a later year achieves nothing.
 */
export function salesMilestonesCrossed(
  terms: Pick<AgreementTerms, 'milestones' | 'products' | 'paymentCurrency'>,
  progress: MilestoneProgress,
  change: NetSalesChange,
): MilestoneAchievement[] {
  checkPositions(terms, change.positions);
  const achieved: MilestoneAchievement[] = [];
  for (const clause of terms.milestones) {
    const { trigger } = clause;
    if (trigger.kind !== 'net-sales') continue;
    const covered = change.positions.filter(
      (p) => trigger.productIds === undefined || trigger.productIds.includes(p.productId),
    );
    for (const { scopeKey, productId, positions } of scopesOf(clause, covered)) {
      const achievementKey = achievementKeyOf(clause.clauseId, scopeKey);
      if (hasAchieved(progress, achievementKey)) continue;
      const total = (field: (typeof AMOUNTS)[number]) =>
        sum(
          positions.map((p) => p[field]),
          terms.paymentCurrency,
        );
      const [before, after] =
        trigger.basis === 'annual'
          ? [total('annualBefore'), total('annualAfter')]
          : [total('cumulativeBefore'), total('cumulativeAfter')];
      if (compareMoney(before, trigger.threshold) > 0) continue;
      if (compareMoney(after, trigger.threshold) <= 0) continue;
      achieved.push({
        clauseId: clause.clauseId,
        scopeKey,
        achievementKey,
        ...(productId !== undefined && { productId }),
        amount: clause.amount,
        achievedOn: change.periodEndsOn,
        periodEndsOn: change.periodEndsOn,
        factId: change.reportId,
        rule: { kind: 'first-achievement' },
      });
    }
  }
  return achieved;
}

function scopesOf(
  clause: MilestoneClause,
  positions: readonly NetSalesPosition[],
): { scopeKey: MilestoneScopeKey; productId?: string; positions: readonly NetSalesPosition[] }[] {
  switch (clause.scope) {
    case 'agreement':
      return [{ scopeKey: 'agreement', positions }];
    case 'product':
      return positions.map((p) => ({
        scopeKey: `product:${p.productId}`,
        productId: p.productId,
        positions: [p],
      }));
    case 'target':
      // Refused at signing: a sales milestone is per agreement or per product.
      return [];
    default: {
      const _exhaustive: never = clause.scope;
      return _exhaustive;
    }
  }
}

function checkPositions(
  terms: Pick<AgreementTerms, 'products' | 'paymentCurrency'>,
  positions: readonly NetSalesPosition[],
): void {
  const seen = new Set<string>();
  positions.forEach((position, index) => {
    const pointer = `/positions/${index}`;
    if (!terms.products.some((product) => product.productId === position.productId)) {
      throw new DomainError(
        'unknown-product',
        `${position.productId} is not a product licensed by this agreement`,
        `${pointer}/productId`,
      );
    }
    if (seen.has(position.productId)) {
      throw new DomainError(
        'duplicate-product',
        `${position.productId} has two net sales positions`,
        `${pointer}/productId`,
      );
    }
    seen.add(position.productId);
    for (const field of AMOUNTS) {
      if (position[field].currency !== terms.paymentCurrency) {
        throw new DomainError(
          'currency-mismatch',
          `net sales are compared with thresholds in ${terms.paymentCurrency}, not ${position[field].currency}`,
          `${pointer}/${field}`,
        );
      }
    }
  });
}
