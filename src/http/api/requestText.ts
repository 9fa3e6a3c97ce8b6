import { jsonPointer } from '../../domain/jsonPointer';
import { ValidationError } from '../validationError';

// With the u flag a surrogate pair is one code point (not Cs): only a lone surrogate matches.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * JSON.parse accepts `"\ud800"`, a string that is not Unicode text: no canonical form hashes it
 * (idempotency keys, event hashes) and no database column stores it faithfully. Refused at the
 * edge with a pointer to the member (or the member name) that holds one.
 */
export function requireWellFormedUnicode(body: unknown): void {
  const path = pathToLoneSurrogate(body, []);
  if (path === null) return;
  throw new ValidationError(
    [
      {
        detail: 'a string with an unpaired surrogate is not Unicode text',
        pointer: jsonPointer(path),
      },
    ],
    'the body holds a string that is not well-formed Unicode',
  );
}

function pathToLoneSurrogate(value: unknown, path: readonly PropertyKey[]): PropertyKey[] | null {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? [...path] : null;
  if (value === null || typeof value !== 'object') return null;
  const entries: [PropertyKey, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value);
  for (const [key, member] of entries) {
    if (typeof key === 'string' && LONE_SURROGATE.test(key)) return [...path, key];
    const found = pathToLoneSurrogate(member, [...path, key]);
    if (found !== null) return found;
  }
  return null;
}
