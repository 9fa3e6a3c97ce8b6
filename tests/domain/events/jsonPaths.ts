/** Where things are in an example's JSON, as RFC 6901 pointers, for schema-wide tests. */

type Json = unknown;

export interface Located<T> {
  readonly pointer: string;
  readonly value: T;
}

function walk(value: Json, pointer: string, visit: (value: Json, pointer: string) => void): void {
  visit(value, pointer);
  if (Array.isArray(value))
    value.forEach((item, index) => walk(item, `${pointer}/${index}`, visit));
  else if (typeof value === 'object' && value !== null)
    for (const [key, item] of Object.entries(value)) walk(item, `${pointer}/${key}`, visit);
}

function collect<T>(root: Json, pick: (value: Json) => value is T): Located<T>[] {
  const found: Located<T>[] = [];
  walk(root, '', (value, pointer) => {
    if (pick(value)) found.push({ pointer, value });
  });
  return found;
}

export interface MoneyJson {
  amount: string;
  currency: string;
}

const isObject = (value: Json): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const moneyIn = (root: Json): Located<MoneyJson>[] =>
  collect(
    root,
    (value): value is MoneyJson =>
      isObject(value) &&
      Object.keys(value).sort().join(',') === 'amount,currency' &&
      typeof value.amount === 'string',
  );

export const datesIn = (root: Json): Located<string>[] =>
  collect(
    root,
    (value): value is string => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value),
  );

export const objectsIn = (root: Json): Located<Record<string, Json>>[] => collect(root, isObject);

/** A deep copy of `root` with the value at `pointer` replaced by what `change` returns. */
export function replaceAt(root: Json, pointer: string, change: (value: Json) => Json): Json {
  const copy = structuredClone(root);
  if (pointer === '') return change(copy);
  const keys = pointer.slice(1).split('/');
  const last = keys.pop()!;
  let parent: Json = copy;
  for (const key of keys) parent = (parent as Record<string, Json>)[key];
  const holder = parent as Record<string, Json>;
  holder[last] = change(holder[last]);
  return copy;
}
