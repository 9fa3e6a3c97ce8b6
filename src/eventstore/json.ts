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
  return serialise(value, [], new Set());
}

// `path` holds the keys and indexes down to the value, pushed and popped as the walk goes: the
// pointer is only spelled out for an error (spelling it for every member cost more than the rest).
function serialise(value: unknown, path: (string | number)[], ancestors: Set<object>): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return serialiseString(value, path);
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new NotJsonError(pointerOf(path), `${value} is not a JSON number`);
    return JSON.stringify(value);
  }
  if (typeof value === 'object') return serialiseObject(value, path, ancestors);
  throw new NotJsonError(pointerOf(path), `a ${typeof value} is not JSON`);
}

function serialiseObject(value: object, path: (string | number)[], ancestors: Set<object>): string {
  if (ancestors.has(value)) throw new NotJsonError(pointerOf(path), 'a cycle is not JSON');
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      let text = '[';
      // A for loop, not map: map skips the holes of a sparse array and would write `[1,,3]`.
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        if (!(i in value))
          throw new NotJsonError(pointerOf(path), 'a hole in an array is not JSON');
        text += (i === 0 ? '' : ',') + serialise(value[i], path, ancestors);
        path.pop();
      }
      return `${text}]`;
    }
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      throw new NotJsonError(pointerOf(path), 'only plain objects are JSON');
    }
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    let text = '{';
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const name = serialiseString(key, path);
      path.push(key);
      text += `${i === 0 ? '' : ','}${name}:${serialise(record[key], path, ancestors)}`;
      path.pop();
    }
    return `${text}}`;
  } finally {
    ancestors.delete(value);
  }
}

// With the u flag, \p{Cs} matches only unpaired surrogates: a string another language can hold.
const LONE_SURROGATE = /\p{Cs}/u;

function serialiseString(value: string, path: readonly (string | number)[]): string {
  const json = JSON.stringify(value);
  // JSON.stringify writes a lone surrogate as a \u escape, so a string written without one has
  // none, and the (costlier) test is left for the few that have an escape.
  if (json.includes('\\u') && LONE_SURROGATE.test(value)) {
    throw new NotJsonError(
      pointerOf(path),
      'a string with an unpaired surrogate is not well-formed Unicode',
    );
  }
  return json;
}

function pointerOf(path: readonly (string | number)[]): string {
  return path.map((part) => `/${escapePointer(String(part))}`).join('');
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
