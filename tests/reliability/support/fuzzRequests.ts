import fc from 'fast-check';
import { EVENT_EXAMPLES } from '../../../src/domain/events/examples';
import { oddString, valueOf, type JsonSchema, type KnownValues } from './schemaValues';

/** One operation of the service, as its OpenAPI document describes it. */
export interface Operation {
  readonly method: string;
  /** OpenAPI template: `/agreements/{agreementId}`. */
  readonly path: string;
  readonly pathParams: readonly string[];
  readonly queryParams: readonly { readonly name: string; readonly schema: JsonSchema }[];
  readonly bodySchema: JsonSchema | null;
}

interface OpenApiParameter {
  readonly name: string;
  readonly in: string;
  readonly schema?: JsonSchema;
}
interface OpenApiOperation {
  readonly parameters?: readonly OpenApiParameter[];
  readonly requestBody?: { readonly content?: Record<string, { readonly schema?: JsonSchema }> };
}
export interface OpenApiDocument {
  readonly paths: Readonly<Record<string, Readonly<Record<string, OpenApiOperation>>>>;
  readonly components?: { readonly schemas?: Readonly<Record<string, JsonSchema>> };
}

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** Every operation the document lists: a new route is fuzzed without touching this file. */
export function operationsOf(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      if (!HTTP_METHODS.has(method)) continue;
      const parameters = operation.parameters ?? [];
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!),
        queryParams: parameters
          .filter((parameter) => parameter.in === 'query')
          .map((parameter) => ({ name: parameter.name, schema: parameter.schema ?? {} })),
        bodySchema: operation.requestBody?.content?.['application/json']?.schema ?? null,
      });
    }
  }
  return operations;
}

/** Operations the service does not have: each must be a 404 problem, never a crash. */
const ABSENT_OPERATIONS: readonly Operation[] = [
  ['DELETE', '/agreements/{agreementId}'],
  ['PUT', '/obligations'],
  ['PATCH', '/admin/api-keys/{keyId}'],
  ['GET', '/nothing/{agreementId}/here'],
  ['POST', '/healthz'],
].map(([method, path]) => ({
  method: method!,
  path: path!,
  pathParams: [...path!.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!),
  queryParams: [],
  bodySchema: null,
}));

/** A path parameter: an id the service holds (by index into what is known then), or garbage. */
export type PathValue =
  { readonly existing: number } | { readonly garbage: string } | { readonly raw: string };

/** A query value: literal, or a cursor or position only known when the request is sent. */
export type QueryValue =
  | string
  | { readonly cursor: 'issued' | 'truncated'; readonly pick: number }
  | { readonly cursor: 'tampered'; readonly pick: number; readonly after: unknown }
  | { readonly position: 'head' | 'earlier'; readonly pick: number };

export type AuthChoice =
  | 'admin'
  | 'auditor'
  | 'integration'
  | 'revoked'
  | 'none'
  | { readonly tamperedAt: number }
  | { readonly raw: string };

export type BodyChoice =
  | { readonly none: true }
  | { readonly json: unknown }
  | { readonly raw: string }
  | { readonly tooLarge: true };

export interface WebhookHeaders {
  readonly id: string;
  readonly timestamp: 'now' | 'stale' | 'future' | { readonly raw: string };
  readonly signature:
    'valid' | 'tampered' | 'other-secret' | 'among-others' | { readonly raw: string };
}

/** What one fuzzed request is: printed as the counterexample when a check fails. */
export interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly pathParams: Readonly<Record<string, PathValue>>;
  readonly query: readonly (readonly [string, QueryValue])[];
  readonly auth: AuthChoice;
  /** null: sent without one. */
  readonly contentType: string | null;
  readonly accept?: string;
  readonly ifMatch?: 'current' | { readonly raw: string };
  /** On reads: the current ETag (a 304), or anything. */
  readonly ifNoneMatch?: 'current' | { readonly raw: string };
  readonly idempotencyKey?: string;
  readonly webhook?: WebhookHeaders;
  readonly body: BodyChoice;
}

/** Header values fetch accepts (visible ASCII): the server must answer whatever they say. */
const headerJunk = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.stringMatching(/^[!-~][ -~]{0,60}[!-~]$/),
    fc.constantFrom('', 'x'.repeat(6_000), 'null', '"', '%00', 'é'),
  );

const RAW_PATH_SEGMENTS = [
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%AF',
  '..',
  '%2e%2e',
  '%2F',
  '%00',
  '%FF%FE',
  '.',
];

const pathValue = (): fc.Arbitrary<PathValue> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.nat().map((existing) => ({ existing })) },
    { weight: 2, arbitrary: fc.oneof(fc.uuid(), oddString()).map((garbage) => ({ garbage })) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_PATH_SEGMENTS).map((raw) => ({ raw })) },
  );

const positionValue = (): fc.Arbitrary<QueryValue> =>
  fc.record({ position: fc.constantFrom('head' as const, 'earlier' as const), pick: fc.nat() });

const DATES = ['2008-03-31', '2004-10-01', '2015-06-30', '1900-01-01', '2999-12-31'];
const NOT_DATES = ['2008-02-30', '2008-13-01', '31/03/2008', 'today', '2008-03-31T25:00:00Z', ''];
const INSTANTS = ['2008-03-31T00:00:00Z', '2099-01-01T00:00:00+14:00', new Date().toISOString()];
const NUMBERS = [
  '-1',
  'abc',
  '1.5',
  '',
  '0x10',
  ' 5',
  '1e2',
  '9007199254740993',
  '1e400',
  '99999999999999999999',
];

/**
 * A value for a query parameter, by what its name means to the service. Tame values are valid
 * ones (the request then reaches the query); wild ones are anything.
 */
function queryValue(
  name: string,
  schema: JsonSchema,
  known: KnownValues,
  wild: boolean,
): fc.Arbitrary<QueryValue> {
  const literal = (
    valid: readonly string[],
    invalid: readonly string[] = [],
  ): fc.Arbitrary<QueryValue> =>
    wild
      ? fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom(...valid) },
          fc.constantFrom(...valid, ...invalid),
          oddString(),
        )
      : fc.constantFrom(...valid);
  const tame = (tamed: fc.Arbitrary<QueryValue>, untamed: fc.Arbitrary<QueryValue>) =>
    wild ? untamed : tamed;
  switch (name) {
    case 'cursor':
      if (!wild) return fc.record({ cursor: fc.constant('issued' as const), pick: fc.nat() });
      return fc.oneof(
        {
          weight: 3,
          arbitrary: fc.record({ cursor: fc.constant('issued' as const), pick: fc.nat() }),
        },
        fc.record({ cursor: fc.constant('truncated' as const), pick: fc.nat() }),
        {
          weight: 2,
          arbitrary: fc.record({
            cursor: fc.constant('tampered' as const),
            pick: fc.nat(),
            after: fc.jsonValue({ maxDepth: 2 }),
          }),
        },
        fc.base64String({ maxLength: 60 }),
        oddString(),
      );
    case 'limit':
      return tame(
        fc.integer({ min: 1, max: 500 }).map(String),
        fc.oneof(fc.integer({ min: -5, max: 600 }).map(String), fc.constantFrom(...NUMBERS)),
      );
    case 'waitFor':
    case 'treeSize':
    case 'from':
    case 'to':
      return tame(
        positionValue(),
        fc.oneof({ weight: 3, arbitrary: positionValue() }, fc.constantFrom(...NUMBERS)),
      );
    case 'recordedAt':
      return fc.oneof(positionValue(), literal([...INSTANTS, ...DATES], NUMBERS));
    case 'asOf':
    case 'dueBefore':
    case 'dueOnOrAfter':
    case 'receivedOnOrAfter':
    case 'receivedBefore':
    case 'periodFrom':
    case 'periodTo':
      return literal(DATES, [...NOT_DATES, ...INSTANTS]);
    case 'format':
      return literal(['csv', 'ndjson'], ['json', 'CSV', 'xml']);
    case 'agreementId':
      return literal(known.agreementIds);
    case 'eventId':
      return literal([...known.eventIds, ...known.obligationIds]);
    case 'party':
    case 'payerPartyId':
    case 'payeePartyId':
      return literal(known.partyIds);
    case 'productId':
      return literal(known.productIds);
    default: {
      const value = valueOf(schema, () => ({}), known).map(queryText);
      return tame(value, fc.oneof({ weight: 3, arbitrary: value }, oddString()));
    }
  }
}

const queryText = (value: unknown): string =>
  typeof value === 'string' ? value : (JSON.stringify(value) ?? '');

function queryOf(
  operation: Operation,
  known: KnownValues,
  wild: boolean,
): fc.Arbitrary<FuzzRequest['query']> {
  const declared = Object.fromEntries(
    operation.queryParams.map(({ name, schema }) => [name, queryValue(name, schema, known, wild)]),
  );
  const extra = fc.array(
    fc.tuple(
      fc.oneof(fc.constantFrom('limit', 'cursor', 'asOf', 'a[b]', ''), fc.string({ maxLength: 8 })),
      fc.string({ maxLength: 12 }),
    ),
    {
      maxLength: 2,
    },
  );
  return fc
    .tuple(fc.record(declared, { requiredKeys: [] }), wild ? extra : fc.constant([]))
    .map(([chosen, extras]) => [
      ...Object.entries(chosen).map(([name, value]) => [name, value as QueryValue] as const),
      ...extras,
    ]);
}

const authChoice = (): fc.Arbitrary<AuthChoice> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constant('admin' as const) },
    { weight: 2, arbitrary: fc.constantFrom('auditor' as const, 'integration' as const) },
    { weight: 1, arbitrary: fc.constantFrom('revoked' as const, 'none' as const) },
    { weight: 1, arbitrary: fc.nat().map((tamperedAt) => ({ tamperedAt })) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.constantFrom(
            'Bearer',
            'Bearer ',
            'Basic YWRtaW46YWRtaW4=',
            'bearer obl_',
            'Bearer obl_aaaaaaaaaaaa_',
          ),
          headerJunk(),
        )
        .map((raw) => ({ raw })),
    },
  );

const CONTENT_TYPES = [
  'application/problem+json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/json; charset=nonsense',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  ';;;',
];

const MALFORMED_JSON = [
  '{',
  '{"a":',
  'nul',
  '{"a":1}{',
  '[1,2',
  '{"a":1,}',
  "{'a':1}",
  '\u0000',
  '\uFEFF{}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '1e999999',
  '"\\ud800"',
];

/**
 * Bodies the service's handlers accept, from the event catalogue's examples: each example whose
 * members cover the body's required members, cut to the body's members. Mutated, they reach the
 * deciders' rules rather than stop at the schema.
 */
function exampleBodies(
  schema: JsonSchema,
  resolve: (ref: string) => JsonSchema,
  known: KnownValues,
  wild: boolean,
): unknown[] {
  const resolved = schema.$ref !== undefined ? resolve(schema.$ref) : schema;
  const properties = Object.keys(resolved.properties ?? {});
  const required = resolved.required ?? [];
  if (properties.includes('type') && properties.includes('data')) {
    // An envelope naming an event type (webhooks): tame, one the integration may post; wild, any.
    return Object.entries(EVENT_EXAMPLES)
      .filter(([type]) => wild || known.webhookEventTypes.includes(type))
      .map(([type, data]) => ({ type, timestamp: SENT_AT, data }));
  }
  return Object.values(EVENT_EXAMPLES as Record<string, Record<string, unknown>>)
    .filter((example) => required.every((name) => name in example))
    .map((example) =>
      Object.fromEntries(Object.entries(example).filter(([name]) => properties.includes(name))),
    )
    .filter((body) => Object.keys(body).length > 0);
}

/** Stands for the instant the request is sent (an envelope's timestamp), filled in then. */
export const SENT_AT = '<sent-at>';

/** A small change at a path through the value: a member dropped, replaced, or one added. */
interface Mutation {
  readonly route: readonly number[];
  readonly change: 'drop' | 'replace' | 'add';
  readonly value: unknown;
}

export function mutate(value: unknown, { route, change, value: replacement }: Mutation): unknown {
  if (value === null || typeof value !== 'object')
    return change === 'drop' ? undefined : replacement;
  const [step, ...rest] = route;
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value);
  if (step === undefined || entries.length === 0) {
    if (change !== 'add') return change === 'drop' ? undefined : replacement;
    return Array.isArray(value) ? [...value, replacement] : { ...value, fuzzExtra: replacement };
  }
  const [key, child] = entries[step % entries.length]!;
  const changed = mutate(child, { route: rest, change, value: replacement });
  if (Array.isArray(value)) {
    const copy = [...value];
    if (changed === undefined) copy.splice(key as number, 1);
    else copy[key as number] = changed;
    return copy;
  }
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  if (changed === undefined) delete copy[key];
  else copy[key] = changed;
  return copy;
}

const mutation = (): fc.Arbitrary<Mutation> =>
  fc.record({
    route: fc.array(fc.nat(), { maxLength: 5 }),
    change: fc.constantFrom('drop' as const, 'replace' as const, 'add' as const),
    value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), oddString()),
  });

/** Sometimes a new agreement id in place of the seeded one: a second deal can then be signed. */
function withFreshAgreementId(value: unknown, seeded: readonly string[], fresh: string): unknown {
  if (typeof value === 'string') return seeded.includes(value) ? fresh : value;
  if (Array.isArray(value)) return value.map((item) => withFreshAgreementId(item, seeded, fresh));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [
        name,
        withFreshAgreementId(item, seeded, fresh),
      ]),
    );
  return value;
}

function bodyOf(
  operation: Operation,
  resolve: (ref: string) => JsonSchema,
  known: KnownValues,
  wild: boolean,
): fc.Arbitrary<BodyChoice> {
  const odd: fc.Arbitrary<BodyChoice>[] = [
    fc.jsonValue({ maxDepth: 3 }).map((json) => ({ json })),
    fc
      .oneof(fc.constantFrom(...MALFORMED_JSON), fc.string({ maxLength: 40 }))
      .map((raw) => ({ raw })),
  ];
  if (operation.bodySchema === null)
    return wild
      ? fc.oneof({ weight: 8, arbitrary: fc.constant({ none: true as const }) }, ...odd)
      : fc.constant({ none: true as const });
  const generated = valueOf(operation.bodySchema, resolve, known);
  const examples = exampleBodies(operation.bodySchema, resolve, known, wild);
  const base =
    examples.length === 0
      ? generated
      : fc.oneof(
          generated,
          fc
            .tuple(fc.constantFrom(...examples), fc.boolean(), fc.uuid())
            .map(([example, fresh, id]) =>
              fresh ? withFreshAgreementId(example, known.agreementIds, id) : example,
            ),
        );
  const json = fc.tuple(base, fc.option(mutation(), { freq: 2 })).map(([value, change]) => ({
    json: change === null ? value : (mutate(value, change) ?? null),
  }));
  if (!wild) return base.map((value) => ({ json: value }));
  return fc.oneof(
    { weight: 12, arbitrary: json },
    { weight: 1, arbitrary: odd[0]! },
    { weight: 1, arbitrary: odd[1]! },
    { weight: 1, arbitrary: fc.constant({ none: true as const }) },
    { weight: 1, arbitrary: fc.constant({ tooLarge: true as const }) },
  );
}

const webhookHeaders = (): fc.Arbitrary<WebhookHeaders> =>
  fc.record({
    id: fc.oneof(fc.constantFrom('msg_1', 'msg_2', 'msg_3'), fc.uuid(), headerJunk()),
    timestamp: fc.oneof(
      { weight: 6, arbitrary: fc.constant('now' as const) },
      fc.constantFrom('stale' as const, 'future' as const),
      headerJunk().map((raw) => ({ raw })),
    ),
    signature: fc.oneof(
      { weight: 6, arbitrary: fc.constant('valid' as const) },
      fc.constantFrom('tampered' as const, 'other-secret' as const, 'among-others' as const),
      fc
        .oneof(fc.constantFrom('v1,', 'v1,AAAA', 'v2,xyz', ','), headerJunk())
        .map((raw) => ({ raw })),
    ),
  });

/** Requests a client that knows the API sends: they pass the edge and reach the rules. */
function tameRequest(
  operation: Operation,
  resolve: (ref: string) => JsonSchema,
  known: KnownValues,
): fc.Arbitrary<FuzzRequest> {
  const reading = operation.method === 'GET';
  return fc.record(
    {
      method: fc.constant(operation.method),
      path: fc.constant(operation.path),
      pathParams: fc.record(
        Object.fromEntries(
          operation.pathParams.map((name) => [name, fc.nat().map((existing) => ({ existing }))]),
        ),
      ),
      query: queryOf(operation, known, false),
      auth: reading
        ? fc.constantFrom('admin' as const, 'auditor' as const)
        : fc.constant('admin' as const),
      contentType: fc.constant('application/json'),
      ifMatch: fc.constant('current' as const),
      idempotencyKey: fc.oneof(fc.uuid(), fc.constantFrom('fuzz-1', 'fuzz-2')),
      webhook: fc.record({
        id: fc.oneof(fc.uuid(), fc.constantFrom('msg_1', 'msg_2')),
        timestamp: fc.constant('now' as const),
        signature: fc.constant('valid' as const),
      }),
      body: bodyOf(operation, resolve, known, false),
    },
    {
      requiredKeys: [
        'method',
        'path',
        'pathParams',
        'query',
        'auth',
        'contentType',
        'body',
        'ifMatch',
        'webhook',
      ],
    },
  );
}

/** Requests nobody should send: any header, id, query or body, malformed or hostile. */
function wildRequest(
  operation: Operation,
  resolve: (ref: string) => JsonSchema,
  known: KnownValues,
): fc.Arbitrary<FuzzRequest> {
  const isWebhook = operation.path.startsWith('/webhooks/');
  return fc.record(
    {
      method:
        operation.method === 'GET'
          ? fc.constantFrom('GET', 'GET', 'GET', 'HEAD')
          : fc.constant(operation.method),
      path: fc.constant(operation.path),
      pathParams: fc.record(
        Object.fromEntries(operation.pathParams.map((name) => [name, pathValue()])),
      ),
      query: queryOf(operation, known, true),
      auth: authChoice(),
      contentType: fc.oneof(
        { weight: 10, arbitrary: fc.constant('application/json') },
        { weight: 1, arbitrary: fc.constant(null) },
        { weight: 2, arbitrary: fc.oneof(fc.constantFrom(...CONTENT_TYPES), headerJunk()) },
      ),
      accept: fc.oneof(
        fc.constantFrom(
          'application/json',
          'text/csv',
          'application/x-ndjson',
          '*/*',
          'application/xml',
          'text/html',
        ),
        headerJunk(),
      ),
      ifNoneMatch: fc.oneof(
        fc.constant('current' as const),
        fc
          .oneof(fc.constantFrom('*', '"1"', 'W/"1"', '"a", W/"b"', ''), headerJunk())
          .map((raw) => ({ raw })),
      ),
      ifMatch: fc.oneof(
        { weight: 4, arbitrary: fc.constant('current' as const) },
        fc
          .oneof(
            fc.constantFrom(
              '"1"',
              '"2"',
              '*',
              'W/"2"',
              '"999999999999999999999"',
              '"-1"',
              '"abc"',
              '"1", "2"',
              '2',
            ),
            headerJunk(),
          )
          .map((raw) => ({ raw })),
      ),
      idempotencyKey: fc.oneof(fc.constantFrom('fuzz-1', 'fuzz-2', 'fuzz-3'), headerJunk()),
      webhook: webhookHeaders(),
      body: bodyOf(operation, resolve, known, true),
    },
    {
      requiredKeys: [
        'method',
        'path',
        'pathParams',
        'query',
        'auth',
        'contentType',
        'body',
        ...(isWebhook ? (['webhook'] as const) : []),
      ],
    },
  );
}

/** Requests to one operation each, for every operation of the document and a few it lacks. */
export function fuzzRequestsByOperation(
  document: OpenApiDocument,
  known: KnownValues,
): { readonly operation: Operation; readonly requests: fc.Arbitrary<FuzzRequest> }[] {
  const schemas = document.components?.schemas ?? {};
  const resolve = (ref: string): JsonSchema =>
    schemas[ref.replace('#/components/schemas/', '')] ?? {};
  return [...operationsOf(document), ...ABSENT_OPERATIONS].map((operation) => ({
    operation,
    requests: fc.oneof(
      tameRequest(operation, resolve, known),
      wildRequest(operation, resolve, known),
    ),
  }));
}
