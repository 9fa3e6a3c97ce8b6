import type { CurrencyCode } from '../currency';
import { money, type Money } from '../money';
import { compare, ratio, subtract, type Ratio } from '../ratio';
import { roundToInteger, type RoundingMode } from '../rounding';
import { sumExact, type ExactAmount } from './exactAmount';

/** A line of one product's tier year so far: its country and its exact royalty. */
export interface LineYearToDate {
  readonly country: string;
  readonly royalty: ExactAmount;
  /**
   * For a line with nothing in the period (its exact royalty unchanged): the share it holds,
   * which it keeps whenever the period's lines can take the product's rounding by themselves.
   */
  readonly holds?: Money;
}

/**
 * Rounds a product's royalty of the tier year once, and shares the whole minor units out to its
 * lines (countries) by the largest remainder: each line gets its exact royalty rounded down, and
 * the units left over go one each to the lines with the largest fractions, ties to the first
 * country code. So the lines add up to round(the product's exact year to date), each line is its
 * exact royalty's floor or ceiling (within one minor unit of it), and the result depends only on
 * the lines' amounts, never on the order of a report's lines.
 *
 * Lines with nothing in the period keep the share they hold when the period's lines can take the
 * rest (each still within one unit of its exact royalty), so a country that reported nothing is
 * not handed a cent and taken it back from one period to the next; only when they cannot is the
 * whole product shared out again.
 */
export function roundedYearToDateByCountry(
  lines: readonly LineYearToDate[],
  rounding: RoundingMode,
  currency: CurrencyCode,
): ReadonlyMap<string, Money> {
  const total = roundToInteger(
    sumExact(
      lines.map((line) => line.royalty),
      currency,
    ).amountMinor,
    rounding,
  );
  const holding = lines.filter((line) => line.holds !== undefined);
  const moving = lines.filter((line) => line.holds === undefined);
  const held = holding.reduce((sum, line) => sum + (line.holds?.amountMinor ?? 0n), 0n);
  const ofMoving = largestRemainder(moving, total - held);
  if (holding.length > 0 && ofMoving !== undefined) {
    return new Map([
      ...holding.map((line): [string, Money] => [line.country, line.holds ?? money(0n, currency)]),
      ...[...ofMoving].map(([country, units]): [string, Money] => [
        country,
        money(units, currency),
      ]),
    ]);
  }
  const all = largestRemainder(lines, total) ?? new Map<string, bigint>();
  return new Map([...all].map(([country, units]) => [country, money(units, currency)]));
}

/** Whole units for each line adding up to `total`, each its floor or ceiling; undefined if none. */
function largestRemainder(
  lines: readonly LineYearToDate[],
  total: bigint,
): Map<string, bigint> | undefined {
  const floors = lines.map((line) => {
    const floor = floorOf(line.royalty.amountMinor);
    return {
      country: line.country,
      floor,
      fraction: subtract(line.royalty.amountMinor, ratio(floor)),
    };
  });
  let left = total - floors.reduce((sum, line) => sum + line.floor, 0n);
  const ceilings = floors.filter((line) => line.fraction.numerator !== 0n).length;
  if (left < 0n || left > BigInt(ceilings)) return undefined;
  const byLargestFraction = [...floors].sort(
    (a, b) => compare(b.fraction, a.fraction) || compareCountries(a.country, b.country),
  );
  const units = new Map<string, bigint>();
  for (const line of byLargestFraction) {
    const extra = left > 0n ? 1n : 0n;
    left -= extra;
    units.set(line.country, line.floor + extra);
  }
  return units;
}

function floorOf(value: Ratio): bigint {
  const quotient = value.numerator / value.denominator;
  return value.numerator % value.denominator < 0n ? quotient - 1n : quotient;
}

const compareCountries = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
