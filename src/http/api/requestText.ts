import { jsonPointer } from '../../domain/jsonPointer';
import { ValidationError } from '../validationError';

// With the u flag a surrogate pair is one code point (not Cs): only a lone surrogate matches.
const LONE_SURROGATE = /\p{Cs}/u;
const NUL = '\u0000';

/**
 * What no string of a request may hold, whatever its schema says. JSON.parse accepts `"\ud800"`,
 * which is not Unicode text: no canonical form hashes it (idempotency keys, event hashes). And
 * PostgreSQL stores no U+0000 in text: a filter, an id or a name holding one would fail there
 * (a 500, or a projection stuck on the event) while SQLite took it.
 */
function flaw(text: string): string | null {
  if (text.includes(NUL)) return 'U+0000 (NUL) is not allowed in text';
  if (LONE_SURROGATE.test(text)) return 'a string with an unpaired surrogate is not Unicode text';
  return null;
}

/**
 * Refuses a request whose path parameters, query or body (member names included) hold such a
 * string, with a 422 pointing at it under `basePointer` (`/params`, `/query`, or '' for the body).
 */
export function requireText(value: unknown, basePointer: string): void {
  const found = firstFlaw(value, []);
  if (found === null) return;
  throw new ValidationError(
    [{ detail: found.detail, pointer: basePointer + jsonPointer(found.path) }],
    `the request holds a string that is not text: ${found.detail}`,
  );
}

function firstFlaw(
  value: unknown,
  path: readonly PropertyKey[],
): { path: PropertyKey[]; detail: string } | null {
  if (typeof value === 'string') {
    const detail = flaw(value);
    return detail === null ? null : { path: [...path], detail };
  }
  if (value === null || typeof value !== 'object') return null;
  const entries: [PropertyKey, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value);
  for (const [key, member] of entries) {
    const keyDetail = typeof key === 'string' ? flaw(key) : null;
    if (keyDetail !== null) return { path: [...path, key], detail: keyDetail };
    const found = firstFlaw(member, [...path, key]);
    if (found !== null) return found;
  }
  return null;
}
