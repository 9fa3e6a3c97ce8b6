import { minorUnitsOf, type CurrencyCode } from '../currency';
import { DomainError } from '../domainError';
import type { Money } from '../money';
import { compare, divide, multiply, ONE, parseDecimal, ratio, ZERO } from '../ratio';
import type { RoundingMode } from '../rounding';
import { exactAmount, roundExact, type ExactAmount } from './exactAmount';

/** How a line's local net sales became payment currency: shown on the statement line. */
export interface FxConversion {
  readonly localNetSales: Money;
  /** Units of the local currency per one unit of the payment currency, as reported ("151.37"). */
  readonly exchangeRate: string;
  /** local amount / exchange rate, before rounding. */
  readonly exact: ExactAmount;
  /** Rounded once to the payment currency's minor unit: the base the royalty rate applies to. */
  readonly netSales: Money;
}

/**
 * DOMAIN.md's FX order, first step: convert and round (the royalty rate applies to the result).
 * The rate is an exact decimal string, never a binary float; sales already in the payment
 * currency convert at exactly 1.
 */
export function convertNetSales(input: {
  readonly localNetSales: Money;
  readonly exchangeRate?: string;
  readonly paymentCurrency: CurrencyCode;
  readonly rounding: RoundingMode;
  readonly pointer?: string;
}): FxConversion {
  const { localNetSales, paymentCurrency, pointer = '' } = input;
  const ratePointer = `${pointer}/exchangeRate`;
  const sameCurrency = localNetSales.currency === paymentCurrency;
  if (input.exchangeRate === undefined && !sameCurrency) {
    throw new DomainError(
      'missing-exchange-rate',
      `net sales in ${localNetSales.currency} need an exchange rate to ${paymentCurrency}`,
      ratePointer,
    );
  }
  const exchangeRate = input.exchangeRate ?? '1';
  const unitsPerPaymentUnit = parseDecimal(exchangeRate, { pointer: ratePointer });
  if (compare(unitsPerPaymentUnit, ZERO) <= 0) {
    throw new DomainError(
      'invalid-exchange-rate',
      `an exchange rate is more than zero, not ${exchangeRate}`,
      ratePointer,
    );
  }
  if (sameCurrency && compare(unitsPerPaymentUnit, ONE) !== 0) {
    throw new DomainError(
      'invalid-exchange-rate',
      `sales in the payment currency ${paymentCurrency} convert at exactly 1, not ${exchangeRate}`,
      ratePointer,
    );
  }
  const localMajor = ratio(
    localNetSales.amountMinor,
    10n ** BigInt(minorUnitsOf(localNetSales.currency)),
  );
  const paymentMinor = multiply(
    divide(localMajor, unitsPerPaymentUnit),
    ratio(10n ** BigInt(minorUnitsOf(paymentCurrency))),
  );
  const exact = exactAmount(paymentMinor, paymentCurrency);
  return { localNetSales, exchangeRate, exact, netSales: roundExact(exact, input.rounding) };
}
