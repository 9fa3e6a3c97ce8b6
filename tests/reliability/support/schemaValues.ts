import fc from 'fast-check';

/** A JSON Schema node of the service's OpenAPI document (zod's output), as far as the fuzzer reads it. */
export interface JsonSchema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly docType?: string;
  readonly format?: string;
  readonly pattern?: string;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
}

/**
 * Values the deep code recognises: the seeded deal's ids, parties and dates. A value drawn from
 * them passes the schema and reaches the decider, where the interesting refusals are.
 */
export interface KnownValues {
  readonly agreementIds: readonly string[];
  readonly obligationIds: readonly string[];
  readonly eventIds: readonly string[];
  readonly partyIds: readonly string[];
  readonly productIds: readonly string[];
  readonly clauseIds: readonly string[];
  /** The event types the seeded integration may post by webhook. */
  readonly webhookEventTypes: readonly string[];
}

const DATES = [
  '2004-10-01',
  '2008-01-15',
  '2008-02-19',
  '2008-02-29',
  '2010-03-22',
  '2015-03-31',
  '2016-12-31',
  '2099-12-31',
  '0001-01-01',
];
/** Almost dates: each must be refused naming its field, never crash a date computation. */
const NOT_DATES = ['2008-02-30', '2007-02-29', '2008-13-01', '2008-1-5', '20080115', '9999-99-99'];
const INSTANTS = ['2008-02-19T10:00:00Z', '2008-02-19T10:00:00.123+05:30', '2008-02-19T25:00:00Z'];
const DECIMALS = [
  '1500000.00',
  '0.01',
  '1',
  '0',
  '-5.00',
  '1.001',
  '1e6',
  '1,000.00',
  ' 1',
  '9'.repeat(40),
  'NaN',
];
const CURRENCIES = ['USD', 'EUR', 'JPY', 'usd', 'XXX', 'US'];
const COUNTRIES = ['US', 'DE', 'JP', '*', 'XX', 'us'];

/** Strings no schema expects: control characters, huge, unicode, injection-looking. */
export const oddString = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'grapheme', maxLength: 10 }),
    fc.constantFrom(
      '',
      ' ',
      '\u0000',
      '\uD800',
      '../../etc/passwd',
      "' OR 1=1 --",
      '${jndi:ldap://x}',
      '__proto__',
      'constructor',
      'null',
      '-1',
      '1e309',
      'x'.repeat(5_000),
    ),
  );

export function valueOf(
  schema: JsonSchema,
  resolve: (ref: string) => JsonSchema,
  known: KnownValues,
  depth = 0,
): fc.Arbitrary<unknown> {
  if (schema.$ref !== undefined) return valueOf(resolve(schema.$ref), resolve, known, depth);
  const byDocType = docTypeValue(schema, known);
  if (byDocType !== null) return byDocType;
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches !== undefined && branches.length > 0)
    return fc.oneof(...branches.map((branch) => valueOf(branch, resolve, known, depth)));
  if (schema.allOf !== undefined && schema.allOf.length > 0) {
    const [first] = schema.allOf;
    return valueOf({ ...schema, allOf: undefined, ...first }, resolve, known, depth);
  }
  const type = Array.isArray(schema.type)
    ? (schema.type.find((t) => t !== 'null') ?? 'null')
    : schema.type;
  switch (type) {
    case 'object':
      return objectValue(schema, resolve, known, depth);
    case 'array':
      return fc.array(valueOf(schema.items ?? {}, resolve, known, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 3, Math.max(schema.minItems ?? 0, 3)),
      });
    case 'string':
      return stringValue(schema, known);
    case 'integer':
      return fc.integer({
        min: Math.max(schema.minimum ?? -10, -1_000_000),
        max: Math.min(schema.maximum ?? 10_000, 1_000_000),
      });
    case 'number':
      return fc.oneof(fc.integer({ min: -100, max: 100_000 }), fc.double({ noNaN: true }));
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function objectValue(
  schema: JsonSchema,
  resolve: (ref: string) => JsonSchema,
  known: KnownValues,
  depth: number,
): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {};
  if (depth > 6 || Object.keys(properties).length === 0)
    return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), {
      maxKeys: 3,
    });
  const fields = Object.fromEntries(
    Object.entries(properties).map(([name, property]) => [
      name,
      valueOf(property, resolve, known, depth + 1),
    ]),
  );
  return fc.record(fields, { requiredKeys: [...(schema.required ?? [])] });
}

function stringValue(schema: JsonSchema, known: KnownValues): fc.Arbitrary<string> {
  if (schema.format === 'date') return fc.constantFrom(...DATES, ...NOT_DATES);
  if (schema.format === 'date-time') return fc.constantFrom(...INSTANTS);
  if (schema.format === 'uuid')
    return fc.oneof(fc.uuid(), fc.constantFrom(...known.eventIds, ...known.agreementIds));
  if (schema.pattern !== undefined) {
    const matching = patternValue(schema.pattern);
    if (matching !== null) return fc.oneof({ weight: 4, arbitrary: matching }, oddString());
  }
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ minLength: schema.minLength ?? 0, maxLength: 20 }) },
    { weight: 1, arbitrary: oddString() },
  );
}

function patternValue(pattern: string): fc.Arbitrary<string> | null {
  try {
    return fc.stringMatching(new RegExp(pattern)).filter((value) => value.length <= 300);
  } catch {
    return null;
  }
}

const money = (amounts: readonly string[]): fc.Arbitrary<unknown> =>
  fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        amount: fc.constantFrom(...amounts),
        currency: fc.constantFrom(...CURRENCIES),
      }),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
  );

/** The service documents what a string means (`docType`): draw from the values it will look up. */
function docTypeValue(schema: JsonSchema, known: KnownValues): fc.Arbitrary<unknown> | null {
  const pick = (values: readonly string[]): fc.Arbitrary<unknown> =>
    fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...values) }, oddString());
  switch (schema.docType) {
    case 'date':
      return fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...DATES) },
        fc.constantFrom(...NOT_DATES, ...INSTANTS),
      );
    case 'party id':
      return pick(known.partyIds);
    case 'obligation id':
      return pick(known.obligationIds);
    case 'event id':
      return pick([...known.eventIds, ...known.obligationIds]);
    case 'product id':
      return pick(known.productIds);
    case 'clause id':
      return pick(known.clauseIds);
    case 'country':
      return pick(COUNTRIES);
    case 'decimal > 0':
      return pick(DECIMALS);
    case 'money':
    case 'money > 0':
    case 'money ≥ 0':
    case 'money ≠ 0':
      return money(DECIMALS);
    case undefined:
    default:
      // 'period', 'agreement terms': objects whose members carry their own docTypes.
      return null;
  }
}
