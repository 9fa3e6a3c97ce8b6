import type { CurrencyCode } from '../currency';
import { DomainError } from '../domainError';
import { money, type Money } from '../money';
import {
  add,
  compare,
  isZero,
  multiply,
  negate as negateRatio,
  ratio,
  ZERO,
  type Ratio,
} from '../ratio';
import { roundToInteger, type RoundingMode } from '../rounding';

/**
 * An amount before the rule that rounds it: like Money, but its minor units may hold a fraction
 * (3.5% of $0.10 is 0.35 cents). Royalties stay exact until their statement line is rounded.
 */
export interface ExactAmount {
  readonly amountMinor: Ratio;
  readonly currency: CurrencyCode;
}

export const exactAmount = (amountMinor: Ratio, currency: CurrencyCode): ExactAmount => ({
  amountMinor,
  currency,
});

export const exactZero = (currency: CurrencyCode): ExactAmount => exactAmount(ZERO, currency);

export const exactOf = (amount: Money): ExactAmount =>
  exactAmount(ratio(amount.amountMinor), amount.currency);

export function addExact(a: ExactAmount, b: ExactAmount): ExactAmount {
  assertSameCurrency(a, b);
  return exactAmount(add(a.amountMinor, b.amountMinor), a.currency);
}

export const subtractExact = (a: ExactAmount, b: ExactAmount): ExactAmount =>
  addExact(a, negateExact(b));

export const negateExact = (a: ExactAmount): ExactAmount =>
  exactAmount(negateRatio(a.amountMinor), a.currency);

/** The amount times a rate or a share. */
export const scaleExact = (a: ExactAmount, factor: Ratio): ExactAmount =>
  exactAmount(multiply(a.amountMinor, factor), a.currency);

export function sumExact(amounts: readonly ExactAmount[], currency: CurrencyCode): ExactAmount {
  return amounts.reduce(addExact, exactZero(currency));
}

/** -1, 0 or 1. */
export function compareExact(a: ExactAmount, b: ExactAmount): number {
  assertSameCurrency(a, b);
  return compare(a.amountMinor, b.amountMinor);
}

export const isZeroExact = (a: ExactAmount): boolean => isZero(a.amountMinor);

/** To whole minor units, halves settled by the agreement's rounding mode. */
export const roundExact = (a: ExactAmount, mode: RoundingMode): Money =>
  money(roundToInteger(a.amountMinor, mode), a.currency);

function assertSameCurrency(a: ExactAmount, b: ExactAmount): void {
  if (a.currency !== b.currency) {
    throw new DomainError(
      'currency-mismatch',
      `cannot combine ${a.currency} with ${b.currency} without an FX rule`,
    );
  }
}
