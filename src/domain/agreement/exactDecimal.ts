import { formatDecimal, type Ratio } from '../ratio';

/**
 * An exact value for an event's unrounded, explanatory fields, never rounded: a decimal string
 * when it has a finite decimal expansion (`"1234.5678"`), else the fraction in lowest terms
 * (`"1000000/3"`), as a country's share of a marginal tier slice can be. The amounts owed never
 * depend on these strings: they are the rounded lines.
 */
export function exactDecimal(value: Ratio): string {
  let rest = value.denominator;
  let twos = 0;
  let fives = 0;
  while (rest % 2n === 0n) {
    rest /= 2n;
    twos += 1;
  }
  while (rest % 5n === 0n) {
    rest /= 5n;
    fives += 1;
  }
  if (rest !== 1n) return `${value.numerator}/${value.denominator}`;
  return formatDecimal(value, Math.max(twos, fives));
}
