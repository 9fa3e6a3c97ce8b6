import fc from 'fast-check';
import { DomainError } from '../../src/domain/domainError';
import {
  add,
  compare,
  divide,
  formatDecimal,
  multiply,
  parseDecimal,
  ratio,
  subtract,
} from '../../src/domain/ratio';

const ratios = fc
  .tuple(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.bigInt({ min: 1n, max: 10n ** 9n }))
  .map(([n, d]) => ratio(n, d));

describe('ratio', () => {
  it('keeps itself normalised', () => {
    expect(ratio(10n, -4n)).toEqual({ numerator: -5n, denominator: 2n });
    expect(ratio(0n, 7n)).toEqual({ numerator: 0n, denominator: 1n });
  });

  it('is exact where binary floating point is not: 0.1 + 0.2 is 0.3', () => {
    expect(compare(add(parseDecimal('0.1'), parseDecimal('0.2')), parseDecimal('0.3'))).toBe(0);
  });

  it('adds and subtracts back to where it started', () => {
    fc.assert(fc.property(ratios, ratios, (a, b) => expect(subtract(add(a, b), b)).toEqual(a)));
  });

  it('multiplies and divides back to where it started', () => {
    fc.assert(
      fc.property(
        ratios,
        ratios.filter((b) => b.numerator !== 0n),
        (a, b) => expect(divide(multiply(a, b), b)).toEqual(a),
      ),
    );
  });

  it('refuses to divide by zero', () => {
    expect(() => divide(ratio(1n), ratio(0n))).toThrow(DomainError);
  });
});

describe('parseDecimal and formatDecimal', () => {
  it.each(['0', '7', '-12.50', '0.035', '1500000.00', '123456789012345678901234567890.123456789'])(
    'reads %s exactly and writes it back',
    (text) => {
      const decimals = text.includes('.') ? text.length - text.indexOf('.') - 1 : 0;
      expect(formatDecimal(parseDecimal(text), decimals)).toBe(text);
    },
  );

  it.each(['', '1e3', '1,000', '+1', '.5', '5.', ' 1', '0x10', 'NaN', 'Infinity', '1.2.3'])(
    'refuses %j',
    (text) => {
      expect(() => parseDecimal(text)).toThrow(
        expect.objectContaining({ code: 'invalid-decimal' }),
      );
    },
  );

  it('refuses more decimals than allowed, naming the field', () => {
    expect(() => parseDecimal('10.001', { maxDecimals: 2, pointer: '/amount' })).toThrow(
      expect.objectContaining({ code: 'too-many-decimals', pointer: '/amount' }),
    );
  });

  it('refuses to write a value that needs more decimals than asked', () => {
    expect(() => formatDecimal(ratio(1n, 3n), 2)).toThrow(
      expect.objectContaining({ code: 'inexact-decimal' }),
    );
  });
});
