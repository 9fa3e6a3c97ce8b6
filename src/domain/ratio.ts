import { DomainError } from './domainError';

/**
 * An exact rational number: the domain's arithmetic for rates, FX conversions and tier slices.
 * Nothing is rounded until a rule says so (`roundToInteger`), so a chain of multiplications and
 * divisions is as exact as the contract's own arithmetic. Always normalised: the denominator is
 * positive and shares no factor with the numerator.
 */
export interface Ratio {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

export const ZERO: Ratio = { numerator: 0n, denominator: 1n };
export const ONE: Ratio = { numerator: 1n, denominator: 1n };

export function ratio(numerator: bigint, denominator = 1n): Ratio {
  if (denominator === 0n)
    throw new DomainError('division-by-zero', 'a ratio cannot have a zero denominator');
  const sign = denominator < 0n ? -1n : 1n;
  const divisor = gcd(abs(numerator), abs(denominator));
  return { numerator: (sign * numerator) / divisor, denominator: (sign * denominator) / divisor };
}

export const add = (a: Ratio, b: Ratio): Ratio =>
  ratio(a.numerator * b.denominator + b.numerator * a.denominator, a.denominator * b.denominator);

export const subtract = (a: Ratio, b: Ratio): Ratio => add(a, negate(b));

export const multiply = (a: Ratio, b: Ratio): Ratio =>
  ratio(a.numerator * b.numerator, a.denominator * b.denominator);

export function divide(a: Ratio, b: Ratio): Ratio {
  if (b.numerator === 0n) throw new DomainError('division-by-zero', 'cannot divide by zero');
  return ratio(a.numerator * b.denominator, a.denominator * b.numerator);
}

export const negate = (a: Ratio): Ratio => ({
  numerator: -a.numerator,
  denominator: a.denominator,
});

/** -1, 0 or 1. */
export function compare(a: Ratio, b: Ratio): number {
  const difference = a.numerator * b.denominator - b.numerator * a.denominator;
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

export const min = (a: Ratio, b: Ratio): Ratio => (compare(a, b) <= 0 ? a : b);
export const max = (a: Ratio, b: Ratio): Ratio => (compare(a, b) >= 0 ? a : b);
export const isZero = (a: Ratio): boolean => a.numerator === 0n;

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Checks a plain decimal string (`"0.035"`, `"-12.50"`, `"7"`): no exponent, no grouping, no sign
 * other than a leading minus, at most `maxDecimals` digits after the point. Returns its parts.
 */
export function requireDecimalText(
  text: string,
  options: { maxDecimals?: number; pointer?: string } = {},
): { readonly negative: boolean; readonly whole: string; readonly fraction: string } {
  const match = DECIMAL.exec(text);
  if (match === null) {
    throw new DomainError(
      'invalid-decimal',
      `${JSON.stringify(text)} is not a decimal number such as "1500000.00"`,
      options.pointer,
    );
  }
  const [, sign, whole = '', fraction = ''] = match;
  if (options.maxDecimals !== undefined && fraction.length > options.maxDecimals) {
    throw new DomainError(
      'too-many-decimals',
      `${JSON.stringify(text)} has ${fraction.length} decimals; at most ${options.maxDecimals} are allowed here`,
      options.pointer,
    );
  }
  return { negative: sign === '-', whole, fraction };
}

/** Parses a plain decimal string, as `requireDecimalText` checks it, into an exact ratio. */
export function parseDecimal(
  text: string,
  options: { maxDecimals?: number; pointer?: string } = {},
): Ratio {
  const { negative, whole, fraction } = requireDecimalText(text, options);
  const unscaled = BigInt(`${whole}${fraction}`);
  return ratio(negative ? -unscaled : unscaled, 10n ** BigInt(fraction.length));
}

/** Writes a ratio whose value has at most `decimals` decimal places exactly; throws otherwise. */
export function formatDecimal(value: Ratio, decimals: number): string {
  const scale = 10n ** BigInt(decimals);
  const scaled = value.numerator * scale;
  if (scaled % value.denominator !== 0n) {
    throw new DomainError(
      'inexact-decimal',
      `the value cannot be written exactly with ${decimals} decimals`,
    );
  }
  const units = scaled / value.denominator;
  const digits = abs(units)
    .toString()
    .padStart(decimals + 1, '0');
  const sign = units < 0n ? '-' : '';
  return decimals === 0
    ? `${sign}${digits}`
    : `${sign}${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

function abs(value: bigint): bigint {
  return value < 0n ? -value : value;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}
