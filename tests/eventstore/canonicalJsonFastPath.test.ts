import fc from 'fast-check';
import { canonicalJson } from '../../src/eventstore/json';

/** RFC 8785 spelled out member by member: what canonicalJson's one-stringify path must equal. */
function reference(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${reference(record[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

// Keys JSON.stringify would reorder (array indexes first), `__proto__`, the empty key, escapes.
const key = fc.oneof(
  fc.string(),
  fc.constantFrom('0', '2', '10', '01', '-1', '__proto__', '', 'a\u0000b', 'é', 'z', 'A'),
);
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('\u001f', 'C:\\users', 'x\ud800', '\udc00y'),
);
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    text,
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc
      .array(fc.tuple(key, tie('value')), { maxLength: 5 })
      .map(
        (members) =>
          JSON.parse(
            `{${members.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`,
          ) as unknown,
      ),
  ),
}));

describe('canonicalJson', () => {
  it('writes what the member-by-member definition writes, for any JSON value as JSON.parse gives it', () => {
    fc.assert(
      fc.property(json.value, (value) => {
        if (!hasLoneSurrogate(value)) expect(canonicalJson(value)).toBe(reference(value));
        else expect(() => canonicalJson(value)).toThrow(/unpaired surrogate/);
      }),
      { numRuns: 2_000 },
    );
  });

  it('keeps an own __proto__ member and orders index-like keys as strings', () => {
    const value = JSON.parse(
      '{"b":1,"__proto__":{"x":[2,{"10":0,"9":1}]},"a":"\\u0000"}',
    ) as unknown;
    expect(canonicalJson(value)).toBe('{"__proto__":{"x":[2,{"10":0,"9":1}]},"a":"\\u0000","b":1}');
  });
});

function hasLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return /\p{Cs}/u.test(value);
  if (Array.isArray(value)) return value.some(hasLoneSurrogate);
  if (value !== null && typeof value === 'object')
    return Object.entries(value).some(([k, v]) => hasLoneSurrogate(k) || hasLoneSurrogate(v));
  return false;
}
