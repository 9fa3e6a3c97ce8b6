import { formatDecimal, ratio, type Ratio } from '../ratio';
import { roundToInteger } from '../rounding';

/** Decimals shown when an exact value has no finite decimal expansion (a country's share of a slice). */
const SHOWN_DECIMALS = 12;

/**
 * An exact value as a decimal string for an event's unrounded, explanatory fields: exactly when it
 * has a finite decimal expansion, else to 12 decimals (half-even). The amounts owed never depend
 * on these strings: they are the rounded lines.
 */
export function exactDecimal(value: Ratio): string {
  let decimals = 0;
  let scale = 1n;
  while (decimals <= SHOWN_DECIMALS) {
    if ((value.numerator * scale) % value.denominator === 0n) return formatDecimal(value, decimals);
    decimals += 1;
    scale *= 10n;
  }
  const scaled = ratio(value.numerator * 10n ** BigInt(SHOWN_DECIMALS), value.denominator);
  return formatDecimal(
    ratio(roundToInteger(scaled, 'half-even'), 10n ** BigInt(SHOWN_DECIMALS)),
    SHOWN_DECIMALS,
  );
}
