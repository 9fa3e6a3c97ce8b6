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
  const ordered = inCanonicalOrder(value, 0);
  if (ordered !== CAREFUL) {
    // One native JSON.stringify of the value with its keys in order writes the same bytes as the
    // member-by-member walk below, several times faster; a \u escape (a control character, or
    // a lone surrogate that must be refused) is left to the walk.
    const json = JSON.stringify(ordered);
    if (!json.includes('\\u')) return json;
  }
  return serialise(value, [], new Set());
}

/** Says that a value needs the careful walk: it may not be JSON, or JSON.stringify would reorder it. */
const CAREFUL = Symbol('careful');
// Deeper than any event's data; a deeper value (or a cycle) takes the walk, which finds cycles.
const MAX_FAST_DEPTH = 64;

/**
 * The value with every object's members inserted in canonical order (the value itself when they
 * already are), or CAREFUL for anything JSON.stringify would not write as the walk does: a
 * number that is not finite, undefined, a function, a bigint, a symbol, an instance of a class,
 * a hole, or a key that starts with a digit (an object lists array-index keys first, whatever
 * their order), or a `__proto__` member (assigning it to a copy would set the copy's prototype).
 */
function inCanonicalOrder(value: unknown, depth: number): unknown {
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : CAREFUL;
  if (typeof value !== 'object' || depth > MAX_FAST_DEPTH) return CAREFUL;
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return CAREFUL;
      const item: unknown = value[i];
      const ordered = inCanonicalOrder(item, depth + 1);
      if (ordered === CAREFUL) return CAREFUL;
      if (ordered !== item && copy === null) copy = value.slice(0, i);
      copy?.push(ordered);
    }
    return copy ?? value;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return CAREFUL;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let sorted = true;
  let changed = false;
  const members: unknown[] = [];
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const first = key.charCodeAt(0);
    if ((first >= 48 && first <= 57) || key === '__proto__') return CAREFUL;
    if (i > 0 && keys[i - 1]! > key) sorted = false;
    const member = record[key];
    const ordered = inCanonicalOrder(member, depth + 1);
    if (ordered === CAREFUL) return CAREFUL;
    if (ordered !== member) changed = true;
    members.push(ordered);
  }
  if (sorted && !changed) return value;
  const order = keys.map((_, i) => i);
  if (!sorted) order.sort((a, b) => (keys[a]! < keys[b]! ? -1 : 1));
  const copy: Record<string, unknown> = {};
  for (const i of order) copy[keys[i]!] = members[i];
  return copy;
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
