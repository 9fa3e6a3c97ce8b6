import fc from 'fast-check';
import { parseDecimal, ratio } from '../../src/domain/ratio';
import { roundToInteger } from '../../src/domain/rounding';

const round = (text: string, mode: 'half-up' | 'half-even'): bigint =>
  roundToInteger(parseDecimal(text), mode);

describe('roundToInteger', () => {
  it.each([
    ['2.5', 3n, 2n],
    ['3.5', 4n, 4n],
    ['-2.5', -3n, -2n],
    ['-3.5', -4n, -4n],
    ['2.4999999', 2n, 2n],
    ['2.5000001', 3n, 3n],
    ['-2.5000001', -3n, -3n],
    ['0.5', 1n, 0n],
    ['-0.5', -1n, 0n],
    ['7', 7n, 7n],
    ['0', 0n, 0n],
  ])('rounds %s to %d half-up (away from zero) and %d half-even', (text, halfUp, halfEven) => {
    expect(round(text, 'half-up')).toBe(halfUp);
    expect(round(text, 'half-even')).toBe(halfEven);
  });

  it('rounds thirds exactly, with no binary floating point residue', () => {
    expect(roundToInteger(ratio(1n, 3n), 'half-up')).toBe(0n);
    expect(roundToInteger(ratio(5n, 3n), 'half-up')).toBe(2n);
    expect(roundToInteger(ratio(-5n, 3n), 'half-even')).toBe(-2n);
  });

  it('is symmetric around zero in both modes (a reversal rounds to the exact negative)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        (n, d) => {
          for (const mode of ['half-up', 'half-even'] as const) {
            expect(roundToInteger(ratio(-n, d), mode)).toBe(-roundToInteger(ratio(n, d), mode));
          }
        },
      ),
    );
  });

  it('never moves a value by more than one half', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        (n, d) => {
          for (const mode of ['half-up', 'half-even'] as const) {
            const rounded = roundToInteger(ratio(n, d), mode);
            const twiceError = 2n * (rounded * d - n);
            expect(twiceError <= d && twiceError >= -d).toBe(true);
          }
        },
      ),
    );
  });
});
