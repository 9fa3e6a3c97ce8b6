export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * Serialises a JSON value canonically: object keys sorted by UTF-16 code units, no whitespace,
 * numbers and strings as ECMAScript's JSON.stringify writes them. That is the JSON Canonicalization
 * Scheme of RFC 8785, so a verifier in another language computes the same bytes (and hashes).
 * Anything that is not plain JSON (undefined, NaN, Infinity, bigint, functions, dates, class
 * instances, cycles) is rejected rather than silently dropped or turned into null.
 */
export function canonicalJson(value: unknown): string {
  return serialise(value, '', new Set());
}

function serialise(value: unknown, path: string, ancestors: Set<object>): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'string') return serialiseString(value, path);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new NotJsonError(path, `${value} is not a JSON number`);
    return JSON.stringify(value);
  }
  if (typeof value === 'object') return serialiseObject(value, path, ancestors);
  throw new NotJsonError(path, `a ${typeof value} is not JSON`);
}

function serialiseObject(value: object, path: string, ancestors: Set<object>): string {
  if (ancestors.has(value)) throw new NotJsonError(path, 'a cycle is not JSON');
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      const items: string[] = [];
      // A for loop, not map: map skips the holes of a sparse array and would write `[1,,3]`.
      for (let i = 0; i < value.length; i++) {
        if (!(i in value)) throw new NotJsonError(`${path}/${i}`, 'a hole in an array is not JSON');
        items.push(serialise(value[i], `${path}/${i}`, ancestors));
      }
      return `[${items.join(',')}]`;
    }
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      throw new NotJsonError(path, 'only plain objects are JSON');
    }
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .sort()
      .map(
        (key) =>
          `${serialiseString(key, path)}:${serialise(record[key], `${path}/${escapePointer(key)}`, ancestors)}`,
      );
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(value);
  }
}

// With the u flag, \p{Cs} matches only unpaired surrogates: a string another language can hold.
const LONE_SURROGATE = /\p{Cs}/u;

function serialiseString(value: string, path: string): string {
  if (LONE_SURROGATE.test(value)) {
    throw new NotJsonError(path, 'a string with an unpaired surrogate is not well-formed Unicode');
  }
  return JSON.stringify(value);
}

/** Escapes one reference token of a JSON pointer (RFC 6901). */
export function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

export class NotJsonError extends Error {
  constructor(
    readonly pointer: string,
    detail: string,
  ) {
    super(`${pointer || '/'}: ${detail}`);
    this.name = 'NotJsonError';
  }
}
