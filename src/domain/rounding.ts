import type { Ratio } from './ratio';

/**
 * A term of the agreement. `half-up` rounds halves away from zero, as a spreadsheet's ROUND does
 * (2.5 → 3, -2.5 → -3); `half-even` rounds halves to the even neighbour (2.5 → 2, 3.5 → 4).
 */
export type RoundingMode = 'half-up' | 'half-even';

export const ROUNDING_MODES: readonly RoundingMode[] = ['half-up', 'half-even'];

/** The nearest integer to an exact value, halves settled by `mode`. */
export function roundToInteger(value: Ratio, mode: RoundingMode): bigint {
  const { numerator, denominator } = value;
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  const quotient = magnitude / denominator;
  const twiceRemainder = 2n * (magnitude % denominator);
  let rounded = quotient;
  if (twiceRemainder > denominator) rounded += 1n;
  else if (twiceRemainder === denominator) {
    if (mode === 'half-up' || quotient % 2n === 1n) rounded += 1n;
  }
  return negative ? -rounded : rounded;
}
