import { z } from 'zod';

/** One row of an event's field table in docs/events.md. */
export interface FieldRow {
  /** `lines[].exchangeRate.rateDate` */
  readonly path: string;
  /** `date`, `money > 0`, `"I" | "II" | "III"`, `list of obligation id`, ... */
  readonly type: string;
  readonly optional: boolean;
  readonly meaning: string;
  /** For a member of some variants of a union only: the variants' `kind`s. */
  readonly kinds?: readonly string[];
}

interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly docType?: string;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minItems?: number;
}

/**
 * The fields of an event's data, read from its zod schema through JSON Schema: names, the domain
 * type the field schemas declare (`docType`), and their descriptions. Objects with a domain type
 * (money, a period, the terms) are one row; other objects, lists of objects and unions of
 * `kind`ed objects are unfolded.
 */
export function fieldRows(schema: z.ZodType): FieldRow[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return membersOf(json, '');
}

function membersOf(node: JsonSchema, prefix: string): FieldRow[] {
  const required = new Set(node.required ?? []);
  return Object.entries(node.properties ?? {}).flatMap(([name, member]) =>
    rowsOf(member, `${prefix}${name}`, !required.has(name)),
  );
}

function rowsOf(node: JsonSchema, path: string, optional: boolean): FieldRow[] {
  const row: FieldRow = { path, type: typeOf(node), optional, meaning: meaningOf(node) };
  if (node.docType !== undefined) return [row];
  const inner = unfoldable(node);
  if (inner === undefined) return [row];
  if (inner.kind === 'object') return [row, ...membersOf(inner.node, `${inner.prefix(path)}.`)];
  return [row, ...variantRows(inner.variants, `${inner.prefix(path)}.`)];
}

type Unfoldable =
  | { kind: 'object'; node: JsonSchema; prefix: (path: string) => string }
  | { kind: 'variants'; variants: readonly JsonSchema[]; prefix: (path: string) => string };

function unfoldable(node: JsonSchema): Unfoldable | undefined {
  const same = (path: string) => path;
  if (node.type === 'object' && node.properties) return { kind: 'object', node, prefix: same };
  const variants = kindedVariants(node);
  if (variants) return { kind: 'variants', variants, prefix: same };
  if (node.type === 'array' && node.items) {
    const items = unfoldable(node.items);
    if (items) return { ...items, prefix: (path) => `${path}[]` };
  }
  return undefined;
}

/** The variants of a union discriminated by `kind`, if it is one. */
function kindedVariants(node: JsonSchema): readonly JsonSchema[] | undefined {
  const variants = node.oneOf ?? node.anyOf;
  if (variants === undefined) return undefined;
  return variants.every((variant) => variant.properties?.kind?.const !== undefined)
    ? variants
    : undefined;
}

/** A member present in every variant is one row; one present in some names their kinds. */
function variantRows(variants: readonly JsonSchema[], prefix: string): FieldRow[] {
  const rows = new Map<string, { row: FieldRow; kinds: string[] }>();
  for (const variant of variants) {
    const kind = String(variant.properties?.kind?.const);
    // `kind` itself is the union's own row.
    for (const row of membersOf(variant, prefix).filter((row) => row.path !== `${prefix}kind`)) {
      const key = `${row.path}|${row.type}|${row.meaning}`;
      const existing = rows.get(key);
      if (existing) existing.kinds.push(kind);
      else rows.set(key, { row, kinds: [kind] });
    }
  }
  return [...rows.values()].map(({ row, kinds }) =>
    kinds.length === variants.length ? row : { ...row, kinds },
  );
}

function typeOf(node: JsonSchema): string {
  if (node.docType !== undefined) return node.docType;
  const variants = node.anyOf ?? node.oneOf;
  if (variants !== undefined) {
    const kinded = kindedVariants(node);
    if (kinded)
      return `one of kind ${kinded.map((v) => JSON.stringify(v.properties?.kind?.const)).join(' | ')}`;
    const present = variants.filter((variant) => variant.type !== 'null');
    const types = present.map(typeOf).join(' or ');
    return present.length < variants.length ? `${types} or null` : types;
  }
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (node.enum !== undefined) return node.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (node.type === 'array') {
    const items = node.items ? typeOf(node.items) : 'anything';
    return node.minItems ? `list of ${items} (at least ${node.minItems})` : `list of ${items}`;
  }
  if (node.type === 'string') return 'text';
  if (node.type === 'integer') return 'integer';
  return typeof node.type === 'string' ? node.type : 'value';
}

function meaningOf(node: JsonSchema): string {
  if (node.description !== undefined) return node.description;
  const variants = (node.anyOf ?? node.oneOf ?? []).filter((variant) => variant.type !== 'null');
  return variants.length === 1 ? meaningOf(variants[0]!) : '';
}
