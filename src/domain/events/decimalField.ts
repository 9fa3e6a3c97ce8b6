import { z } from 'zod';
import { DomainError } from '../domainError';
import { compare, negate, parseDecimal, ratio, requireDecimalText, ZERO } from '../ratio';
import { refineWith } from './refineWith';

const HUNDRED = ratio(100n);

/**
 * A percentage as an exact decimal string between 0 and 100 (`"3.5"` is 3.5%), never a binary
 * float; the unit is in the field's name (`ratePercent`).
 */
export const percentField = z
  .string()
  .superRefine(
    refineWith((text: string) => {
      const value = parseDecimal(text, { maxDecimals: 10 });
      if (compare(value, ZERO) < 0 || compare(value, HUNDRED) > 0)
        throw new DomainError('invalid-percentage', 'a percentage is between 0 and 100');
    }),
  )
  .meta({ docType: 'percent', description: 'an exact decimal percentage, e.g. "3.5" for 3.5%' });

/**
 * A signed percentage between -100 and 100: a change of rate, e.g. a whole-sales true-up at the
 * lower band's rate less the higher one's (`"-0.5"`).
 */
export const signedPercentField = z
  .string()
  .superRefine(
    refineWith((text: string) => {
      const value = parseDecimal(text, { maxDecimals: 10 });
      if (compare(value, negate(HUNDRED)) < 0 || compare(value, HUNDRED) > 0)
        throw new DomainError('invalid-percentage', 'a change of rate is between -100 and 100');
    }),
  )
  .meta({ docType: 'signed percent', description: 'an exact decimal change of percentage' });

/** A strictly positive exact decimal, e.g. an exchange rate `"0.9215"`. */
export const positiveDecimalField = z
  .string()
  .superRefine(
    refineWith((text: string) => {
      if (compare(parseDecimal(text, { maxDecimals: 20 }), ZERO) <= 0)
        throw new DomainError('invalid-decimal', 'must be more than zero');
    }),
  )
  .meta({ docType: 'decimal > 0', description: 'an exact positive decimal' });

const FRACTION = /^(-?(?:0|[1-9]\d*))\/([1-9]\d*)$/;

/**
 * An exact, unrounded intermediate amount in major units of a currency named elsewhere (e.g. a
 * tier slice's royalty before the line is rounded once): any sign, a decimal with any number of
 * decimals, or, for a value with no finite decimal expansion (a country's share of a tier slice),
 * a fraction in lowest terms `"numerator/denominator"`, e.g. `"1000000/3"`.
 */
export const exactAmountField = z
  .string()
  .superRefine(
    refineWith((text: string) => {
      const fraction = FRACTION.exec(text);
      if (fraction === null) {
        requireDecimalText(text);
        return;
      }
      const numerator = BigInt(fraction[1] ?? '0');
      const denominator = BigInt(fraction[2] ?? '1');
      const value = ratio(numerator, denominator);
      if (value.denominator !== denominator || hasFiniteDecimal(denominator))
        throw new DomainError(
          'invalid-fraction',
          `write ${text} in lowest terms, as a decimal when it has one`,
        );
    }),
  )
  .meta({
    docType: 'exact decimal or fraction',
    description: 'an unrounded amount in major units: "1234.5678", or "1000000/3"',
  });

/** Whether 1/denominator has a finite decimal expansion: its only prime factors are 2 and 5. */
function hasFiniteDecimal(denominator: bigint): boolean {
  let rest = denominator;
  while (rest % 2n === 0n) rest /= 2n;
  while (rest % 5n === 0n) rest /= 5n;
  return rest === 1n;
}
