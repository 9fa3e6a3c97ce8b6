import fc from 'fast-check';
import { NotJsonError, canonicalJson } from '../../src/eventstore/json';

const NUM_RUNS = 200;

/** JSON has no negative zero: `-0` is written as `0` and reads back as `0`. */
function withoutNegativeZero(value: unknown): unknown {
  if (Object.is(value, -0)) return 0;
  if (Array.isArray(value)) return value.map(withoutNegativeZero);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, member]) => [key, withoutNegativeZero(member)]),
    );
  return value;
}

/** The same value with every object's keys inserted in the order `rank` gives them. */
function reorderKeys(value: unknown, rank: (key: string) => number): unknown {
  if (Array.isArray(value)) return value.map((item) => reorderKeys(item, rank));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => rank(a) - rank(b))
        .map(([key, member]) => [key, reorderKeys(member, rank)]),
    );
  return value;
}

function pointerOfRejection(value: unknown): string {
  try {
    canonicalJson(value);
  } catch (error) {
    if (error instanceof NotJsonError) return error.pointer;
    throw error;
  }
  throw new Error('canonicalJson accepted a value that is not JSON');
}

/** The IEEE 754 double with the given bit pattern, as RFC 8785 Appendix B lists them. */
function doubleFromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe('canonicalJson', () => {
  describe('properties', () => {
    it('reads back as the value it was given, for any JSON value', () => {
      fc.assert(
        fc.property(fc.jsonValue(), (value) => {
          expect(JSON.parse(canonicalJson(value))).toEqual(withoutNegativeZero(value));
        }),
        { numRuns: NUM_RUNS },
      );
    });

    it('writes the same text whatever order the object keys were inserted in', () => {
      fc.assert(
        fc.property(fc.jsonValue(), fc.func(fc.integer()), (value, rank) => {
          expect(canonicalJson(reorderKeys(value, rank))).toBe(canonicalJson(value));
        }),
        { numRuns: NUM_RUNS },
      );
    });

    it('is idempotent: canonicalising its own output read back changes nothing', () => {
      fc.assert(
        fc.property(fc.jsonValue(), (value) => {
          const once = canonicalJson(value);
          expect(canonicalJson(JSON.parse(once))).toBe(once);
        }),
        { numRuns: NUM_RUNS },
      );
    });
  });

  describe('layout', () => {
    it('writes no whitespace between tokens', () => {
      expect(canonicalJson({ b: [1, 2, { c: null }], a: 'x y' })).toBe(
        '{"a":"x y","b":[1,2,{"c":null}]}',
      );
    });

    it('sorts keys by UTF-16 code units, not by code point or locale (RFC 8785 §3.2.3)', () => {
      const value = {
        '\u20ac': 'Euro Sign',
        '\r': 'Carriage Return',
        '\ufb33': 'Hebrew Letter Dalet With Dagesh',
        '1': 'One',
        '\ud83d\ude00': 'Emoji: Grinning Face',
        '\u0080': 'Control',
        '\u00f6': 'Latin Small Letter O With Diaeresis',
      };
      const order = [...canonicalJson(value).matchAll(/"([^"]*)":/g)].map((match) => match[1]);
      // The emoji's high surrogate (U+D83D) sorts before U+FB33 although its code point is higher.
      expect(order).toEqual(['\\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
    });

    it('sorts upper case before lower case and shorter prefixes first', () => {
      expect(canonicalJson({ b: 1, a: 2, B: 3, aa: 4, '': 5 })).toBe(
        '{"":5,"B":3,"a":2,"aa":4,"b":1}',
      );
    });

    it('serialises the RFC 8785 §3.2.2 example byte for byte', () => {
      const input = String.raw`{
        "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
        "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
        "literals": [null, true, false]
      }`;
      expect(canonicalJson(JSON.parse(input))).toBe(
        String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
      );
    });

    it('accepts objects without a prototype', () => {
      const record = Object.create(null) as Record<string, number>;
      record.z = 1;
      record.a = 2;
      expect(canonicalJson(record)).toBe('{"a":2,"z":1}');
    });

    it('accepts the same object twice when it is shared but not cyclic', () => {
      const shared = { n: 1 };
      expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"n":1},"b":[{"n":1}]}');
    });
  });

  describe('numbers (RFC 8785 Appendix B)', () => {
    it.each([
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ])('writes the double 0x%s as %s', (bits, expected) => {
      expect(canonicalJson(doubleFromBits(bits))).toBe(expected);
    });

    it.each([
      [1e21, '1e+21'],
      [1e20, '100000000000000000000'],
      [1e-7, '1e-7'],
      [1e-6, '0.000001'],
      [-0, '0'],
      [4.5, '4.5'],
      [0.1 + 0.2, '0.30000000000000004'],
    ])('writes %p as %s', (value, expected) => {
      expect(canonicalJson(value)).toBe(expected);
    });
  });

  describe('values that are not JSON', () => {
    class Royalty {
      rateBps = 500;
    }

    it.each([
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['-Infinity', -Infinity],
      ['undefined', undefined],
      ['a bigint', 10n],
      ['a function', () => 1],
      ['a symbol', Symbol('s')],
      ['a Date', new Date('2024-01-01T00:00:00Z')],
      ['a class instance', new Royalty()],
      ['a boxed number', Object(1) as unknown],
      ['a Map', new Map([['a', 1]])],
    ])('rejects %s at the root with the empty pointer', (_what, value) => {
      expect(() => canonicalJson(value)).toThrow(NotJsonError);
      expect(pointerOfRejection(value)).toBe('');
    });

    it.each([
      ['an array item', { a: [NaN] }, '/a/0'],
      ['a deep member', { a: { b: [1, { c: undefined }] } }, '/a/b/1/c'],
      ['a key containing a slash', { 'x/y': 1n }, '/x~1y'],
      ['a key containing a tilde', { 'x~y': Infinity }, '/x~0y'],
      ['a key containing both, tilde first', { '~/': new Date(0) }, '/~0~1'],
      ['the empty key', { '': () => 1 }, '/'],
    ])('points at %s', (_what, value, pointer) => {
      expect(pointerOfRejection(value)).toBe(pointer);
    });

    it('rejects a cycle at the member that closes it', () => {
      const agreement: Record<string, unknown> = { id: 'a-1' };
      agreement.terms = { parent: agreement };
      expect(pointerOfRejection(agreement)).toBe('/terms/parent');
      expect(() => canonicalJson(agreement)).toThrow('a cycle is not JSON');
    });

    it('rejects an array that contains itself', () => {
      const list: unknown[] = [1];
      list.push(list);
      expect(pointerOfRejection(list)).toBe('/1');
    });

    it('names the pointer and the reason in the message', () => {
      expect(() => canonicalJson({ amount: { minor: NaN } })).toThrow(
        '/amount/minor: NaN is not a JSON number',
      );
    });
  });
});

describe('canonicalJson and malformed input', () => {
  it('rejects a hole in a sparse array instead of writing invalid JSON', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(() => canonicalJson({ a: [1, , 3] })).toThrow(
      expect.objectContaining({ pointer: '/a/1' }),
    );
  });

  it('rejects an unpaired surrogate in a value or a key, which other languages cannot hold', () => {
    expect(() => canonicalJson({ a: 'x\ud800' })).toThrow(
      expect.objectContaining({ pointer: '/a' }),
    );
    expect(() => canonicalJson({ ['\udc00']: 1 })).toThrow(NotJsonError);
  });

  it('keeps a well-formed surrogate pair', () => {
    expect(canonicalJson({ a: '\ud83d\ude00' })).toBe('{"a":"😀"}');
  });
});
