import { z } from 'zod';
import { DomainError } from '../domainError';
import { compare, parseDecimal, ratio, ZERO } from '../ratio';
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

/**
 * An exact, unrounded intermediate amount in major units of a currency named elsewhere (e.g. a
 * tier slice's royalty before the line is rounded once): any sign, any number of decimals.
 */
export const exactAmountField = z
  .string()
  .superRefine(refineWith((text: string) => parseDecimal(text)))
  .meta({ docType: 'exact decimal', description: 'an unrounded amount in major units' });
