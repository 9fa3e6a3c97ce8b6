import type { CurrencyCode } from '../currency';
import { money, negate, subtract, type Money } from '../money';
import { lineKey } from './royaltyReport';
import type { RoyaltyStatement } from './royaltyStatementLine';
import { periodLabel, type SalesPeriod } from './salesPeriod';

/** What an accrued line needs to say for a correction. */
export interface AccruedRoyaltyLine {
  readonly productId: string;
  readonly country: string;
  readonly period: SalesPeriod;
  readonly royalty: Money;
}

/**
 * A correction of one statement line, accrued as a new entry referring to the original: never
 * the full amount again, only the difference.
 */
export interface RoyaltyAdjustment {
  readonly productId: string;
  readonly country: string;
  readonly period: SalesPeriod;
  readonly accrued: Money;
  readonly restated: Money;
  /** restated - accrued: what to accrue now. */
  readonly difference: Money;
}

/**
 * The exact differences between what was accrued and what should have been, line by line
 * (product x country x period); a line on one side only differs by its whole amount. Lines that
 * do not change are left out.
 */
export function royaltyDifferences(
  accrued: readonly AccruedRoyaltyLine[],
  restated: readonly AccruedRoyaltyLine[],
  currency: CurrencyCode,
): RoyaltyAdjustment[] {
  const keyOf = (line: AccruedRoyaltyLine): string =>
    `${periodLabel(line.period)}|${lineKey(line)}`;
  const before = new Map(accrued.map((line) => [keyOf(line), line]));
  const after = new Map(restated.map((line) => [keyOf(line), line]));
  const nothing = money(0n, currency);
  return [...new Set([...before.keys(), ...after.keys()])].flatMap((key) => {
    const line = (after.get(key) ?? before.get(key)) as AccruedRoyaltyLine;
    const was = before.get(key)?.royalty ?? nothing;
    const is = after.get(key)?.royalty ?? nothing;
    const difference = subtract(is, was);
    if (difference.amountMinor === 0n) return [];
    return [
      {
        productId: line.productId,
        country: line.country,
        period: line.period,
        accrued: was,
        restated: is,
        difference,
      },
    ];
  });
}

/** Cancels a statement: every line's exact negative. */
export function reverseRoyaltyStatement(statement: RoyaltyStatement): RoyaltyAdjustment[] {
  return statement.lines
    .filter((line) => line.royalty.amountMinor !== 0n)
    .map((line) => ({
      productId: line.productId,
      country: line.country,
      period: line.period,
      accrued: line.royalty,
      restated: money(0n, line.royalty.currency),
      difference: negate(line.royalty),
    }));
}
