import { currencyCode, minorUnitsOf, type CurrencyCode } from './currency';
import { DomainError } from './domainError';
import { formatDecimal, parseDecimal, ratio, type Ratio } from './ratio';
import { roundToInteger, type RoundingMode } from './rounding';

/**
 * An amount of one currency in integer minor units (cents for USD, yen for JPY), never a binary
 * floating point number. Amounts of different currencies never mix without an FX rule.
 */
export interface Money {
  readonly amountMinor: bigint;
  readonly currency: CurrencyCode;
}

/** Money on the wire and in events: a decimal string with exactly the currency's decimals. */
export interface MoneyJson {
  readonly amount: string;
  readonly currency: string;
}

export function money(amountMinor: bigint, currency: CurrencyCode): Money {
  return { amountMinor, currency };
}

export const zero = (currency: CurrencyCode): Money => money(0n, currency);

/**
 * `{"amount": "1500000.00", "currency": "USD"}` → 150000000 cents. More decimals than the currency
 * has is an error, never a silent rounding; fewer are fine (`"1500000"` is 1,500,000.00).
 */
export function parseMoney(json: MoneyJson, pointer = ''): Money {
  const currency = currencyCode(json.currency, `${pointer}/currency`);
  const decimals = minorUnitsOf(currency);
  const value = parseDecimal(json.amount, { maxDecimals: decimals, pointer: `${pointer}/amount` });
  return money((value.numerator * 10n ** BigInt(decimals)) / value.denominator, currency);
}

/** Always with the currency's full decimals: 150000000 USD cents → `"1500000.00"`. */
export function formatMoney(amount: Money): MoneyJson {
  const decimals = minorUnitsOf(amount.currency);
  return {
    amount: formatDecimal(ratio(amount.amountMinor, 10n ** BigInt(decimals)), decimals),
    currency: amount.currency,
  };
}

export function add(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return money(a.amountMinor + b.amountMinor, a.currency);
}

export function subtract(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return money(a.amountMinor - b.amountMinor, a.currency);
}

export const negate = (a: Money): Money => money(-a.amountMinor, a.currency);

export function sum(amounts: readonly Money[], currency: CurrencyCode): Money {
  return amounts.reduce(add, zero(currency));
}

export function compareMoney(a: Money, b: Money): number {
  assertSameCurrency(a, b);
  return a.amountMinor < b.amountMinor ? -1 : a.amountMinor > b.amountMinor ? 1 : 0;
}

export const minMoney = (a: Money, b: Money): Money => (compareMoney(a, b) <= 0 ? a : b);
export const isZeroMoney = (a: Money): boolean => a.amountMinor === 0n;
export const isNegative = (a: Money): boolean => a.amountMinor < 0n;

/** The amount as an exact ratio in major units (cents / 100), for rate arithmetic. */
export function toMajorUnits(amount: Money): Ratio {
  return ratio(amount.amountMinor, 10n ** BigInt(minorUnitsOf(amount.currency)));
}

/** An exact value in major units of `currency`, rounded once to its minor unit by `mode`. */
export function fromMajorUnits(value: Ratio, currency: CurrencyCode, mode: RoundingMode): Money {
  const scale = 10n ** BigInt(minorUnitsOf(currency));
  return money(roundToInteger(ratio(value.numerator * scale, value.denominator), mode), currency);
}

function assertSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new DomainError(
      'currency-mismatch',
      `cannot combine ${a.currency} with ${b.currency} without an FX rule`,
    );
  }
}
