import fc from 'fast-check';
import { currencyCode, minorUnitsOf } from '../../src/domain/currency';
import {
  add,
  formatMoney,
  fromMajorUnits,
  money,
  negate,
  parseMoney,
  subtract,
  sum,
} from '../../src/domain/money';
import { parseDecimal } from '../../src/domain/ratio';

const USD = currencyCode('USD');
const JPY = currencyCode('JPY');
const KWD = currencyCode('KWD');

describe('money', () => {
  it('keeps the $1.5M IND milestone of the founding deal in integer cents', () => {
    expect(parseMoney({ amount: '1500000.00', currency: 'USD' })).toEqual({
      amountMinor: 150_000_000n,
      currency: 'USD',
    });
  });

  it('uses each currency’s ISO 4217 exponent', () => {
    expect([
      minorUnitsOf(USD),
      minorUnitsOf(JPY),
      minorUnitsOf(KWD),
      minorUnitsOf(currencyCode('EUR')),
    ]).toEqual([2, 0, 3, 2]);
    expect(parseMoney({ amount: '1500', currency: 'JPY' }).amountMinor).toBe(1500n);
    expect(parseMoney({ amount: '1.234', currency: 'KWD' }).amountMinor).toBe(1234n);
  });

  it('refuses more decimals than the currency has, instead of rounding them away', () => {
    expect(() => parseMoney({ amount: '10.005', currency: 'USD' }, '/upfrontFee')).toThrow(
      expect.objectContaining({ code: 'too-many-decimals', pointer: '/upfrontFee/amount' }),
    );
    expect(() => parseMoney({ amount: '1500.5', currency: 'JPY' })).toThrow(
      expect.objectContaining({ code: 'too-many-decimals' }),
    );
  });

  it('refuses an unknown currency, naming the field', () => {
    expect(() => parseMoney({ amount: '1.00', currency: 'XYZ' }, '/fee')).toThrow(
      expect.objectContaining({ code: 'unknown-currency', pointer: '/fee/currency' }),
    );
    expect(() => parseMoney({ amount: '1.00', currency: 'usd' })).toThrow(
      expect.objectContaining({ code: 'unknown-currency' }),
    );
  });

  it('writes amounts with the currency’s full decimals', () => {
    expect(formatMoney(money(150_000_000n, USD))).toEqual({
      amount: '1500000.00',
      currency: 'USD',
    });
    expect(formatMoney(money(-5n, USD))).toEqual({ amount: '-0.05', currency: 'USD' });
    expect(formatMoney(money(1500n, JPY))).toEqual({ amount: '1500', currency: 'JPY' });
  });

  it('round-trips every amount through its wire form', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }),
        fc.constantFrom(USD, JPY, KWD),
        (minor, currency) => {
          expect(parseMoney(formatMoney(money(minor, currency)))).toEqual(money(minor, currency));
        },
      ),
    );
  });

  it('never mixes currencies', () => {
    expect(() => add(money(1n, USD), money(1n, JPY))).toThrow(
      expect.objectContaining({ code: 'currency-mismatch' }),
    );
  });

  it('conserves money: a sum does not depend on order, and a negation cancels', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n })), (minors) => {
        const amounts = minors.map((minor) => money(minor, USD));
        expect(sum(amounts, USD)).toEqual(sum([...amounts].reverse(), USD));
        expect(sum([...amounts, ...amounts.map(negate)], USD).amountMinor).toBe(0n);
        expect(subtract(sum(amounts, USD), sum(amounts, USD)).amountMinor).toBe(0n);
      }),
    );
  });

  it('rounds an exact major-unit value once, to the currency’s minor unit', () => {
    expect(fromMajorUnits(parseDecimal('1234.565'), USD, 'half-up').amountMinor).toBe(123_457n);
    expect(fromMajorUnits(parseDecimal('1234.565'), USD, 'half-even').amountMinor).toBe(123_456n);
    expect(fromMajorUnits(parseDecimal('1234.5'), JPY, 'half-even').amountMinor).toBe(1234n);
  });
});
