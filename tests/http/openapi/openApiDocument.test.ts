import { z } from 'zod';
import { defineRoute, type AnyRoute } from '../../../src/http/api/route';
import { openApiDocument, type Operation } from '../../../src/http/openapi/openApiDocument';
import { openApiPath } from '../../../src/http/openapi/openApiPath';
import { compileEverySchema, schemaValidator, validateOpenApi } from './validateOpenApi';

// The OpenAPI validator runs in a node of its own: about a second, more on a busy machine.
jest.setTimeout(30_000);

const INFO = { title: 'obligations', version: '0.1.0' };
const handler = (): void => undefined;

const money = z
  .object({ amount: z.string(), currency: z.string().length(3) })
  .meta({ id: 'Money', description: 'An exact amount in a currency' });

/** A small route table shaped like the service's. */
const routes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/agreements/:agreementId/obligations',
    operationId: 'listObligations',
    summary: 'The obligations of an agreement',
    tags: ['obligations'],
    access: ['auditor', 'admin'],
    params: z.object({ agreementId: z.uuid().describe('the agreement') }),
    query: z.object({
      limit: z.coerce.number().int().min(1).max(100).default(50),
      cursor: z.string().optional().describe('from the previous page'),
      status: z.enum(['open', 'paid']),
    }),
    responses: {
      200: {
        description: 'One page of obligations.',
        schema: z.object({ items: z.array(z.object({ id: z.string(), due: money })) }),
        headers: { ETag: 'The version of the read model', Link: 'rel="next" when more' },
      },
      404: { description: 'No such agreement.' },
    },
    handler,
  }),
  defineRoute({
    method: 'post',
    path: '/agreements/:agreementId/payments',
    operationId: 'recordPayment',
    summary: 'Record a payment received',
    tags: ['payments'],
    access: ['admin'],
    params: z.object({ agreementId: z.uuid() }),
    body: z.object({ received: money, note: z.string().default('') }),
    headers: [
      { name: 'If-Match', description: 'The ETag of the agreement read', required: true },
      { name: 'Idempotency-Key', description: 'Makes a retry safe' },
    ],
    responses: {
      201: { description: 'Recorded.', schema: z.object({ position: z.int() }) },
      409: {
        description: 'The agreement changed since it was read.',
        schema: z.object({ actualVersion: z.int() }),
      },
      412: { description: 'The If-Match is stale.' },
      503: { description: 'The event store is unavailable.' },
    },
    handler,
  }),
  defineRoute({
    method: 'delete',
    path: '/keys/:keyId',
    operationId: 'revokeKey',
    summary: 'Revoke an API key',
    tags: ['keys'],
    access: ['admin'],
    responses: { 204: { description: 'Revoked.' } },
    handler,
  }),
  defineRoute({
    method: 'get',
    path: '/status',
    operationId: 'getStatus',
    summary: 'Public status',
    tags: ['operations'],
    access: 'public',
    responses: { 200: { description: 'Fine.', contentTypes: ['text/plain'] } },
    handler,
  }),
];

const document = openApiDocument(routes, INFO);
const operation = (path: string, method: 'get' | 'post' | 'delete'): Operation => {
  const found = document.paths[path]?.[method];
  if (found === undefined) throw new Error(`no ${method} ${path} in the document`);
  return found;
};
const listObligations = operation('/agreements/{agreementId}/obligations', 'get');
const recordPayment = operation('/agreements/{agreementId}/payments', 'post');

describe('openApiDocument', () => {
  it('is a valid OpenAPI 3.1 document by the OpenAPI schema validator', async () => {
    const result = await validateOpenApi(document);
    expect(result.errors).toBeUndefined();
    expect(result).toMatchObject({ valid: true, version: '3.1' });
  });

  it('fails the validator when the document is broken, so the check above can fail', async () => {
    const broken = { ...document, paths: { noSlash: {} } };
    expect((await validateOpenApi(broken)).valid).toBe(false);
  });

  it('describes every route of the table, once, under its operationId', () => {
    const described = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => `${method} ${path} ${op.operationId}`),
    );
    expect(described.sort()).toEqual(
      routes
        .map((route) => `${route.method} ${openApiPath(route.path).path} ${route.operationId}`)
        .sort(),
    );
  });

  it('declares OpenAPI 3.1 with its info and the tags in use', () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.info).toEqual(INFO);
    expect(document.tags).toEqual(
      ['keys', 'obligations', 'operations', 'payments'].map((name) => ({ name })),
    );
  });

  it('turns express parameters into path templates, each a required path parameter', () => {
    expect(listObligations.parameters?.filter((p) => p.in === 'path')).toEqual([
      {
        name: 'agreementId',
        in: 'path',
        required: true,
        description: 'the agreement',
        schema: expect.objectContaining({ type: 'string', format: 'uuid' }) as unknown,
      },
    ]);
    // A path parameter without a params schema is still declared, as a string.
    expect(operation('/keys/{keyId}', 'delete').parameters).toEqual([
      { name: 'keyId', in: 'path', required: true, schema: { type: 'string' } },
    ]);
  });

  it('takes query parameters from the query schema as the client sends them', () => {
    const query = listObligations.parameters?.filter((p) => p.in === 'query');
    expect(query).toEqual([
      {
        name: 'limit',
        in: 'query',
        required: false,
        schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
      },
      {
        name: 'cursor',
        in: 'query',
        required: false,
        description: 'from the previous page',
        schema: { type: 'string' },
      },
      {
        name: 'status',
        in: 'query',
        required: true,
        schema: { type: 'string', enum: ['open', 'paid'] },
      },
    ]);
  });

  it('documents the request headers a route reads', () => {
    expect(recordPayment.parameters?.filter((p) => p.in === 'header')).toEqual([
      {
        name: 'If-Match',
        in: 'header',
        required: true,
        description: 'The ETag of the agreement read',
        schema: { type: 'string' },
      },
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'Makes a retry safe',
        schema: { type: 'string' },
      },
    ]);
  });

  it('describes a request body as sent (defaults optional) and a response as written', () => {
    expect(recordPayment.requestBody).toEqual({
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: {
              received: { $ref: '#/components/schemas/MoneyInput' },
              note: { type: 'string', default: '' },
            },
            required: ['received'],
          },
        },
      },
    });
    expect(recordPayment.responses['201']?.content).toEqual({
      'application/json': {
        schema: expect.objectContaining({ required: ['position'] }) as unknown,
      },
    });
  });

  it('makes a schema shared with .meta({ id }) one component that every use refers to', () => {
    expect(document.components.schemas.Money).toEqual({
      type: 'object',
      description: 'An exact amount in a currency',
      properties: {
        amount: { type: 'string' },
        currency: { type: 'string', minLength: 3, maxLength: 3 },
      },
      required: ['amount', 'currency'],
      additionalProperties: false,
    });
    expect(JSON.stringify(document)).not.toContain('#/$defs/');
  });

  it('gives a shared schema its request form apart, as MoneyInput: what a client may send', () => {
    // zod strips unknown keys of a request, so they may be sent; a response has none.
    expect(document.components.schemas.MoneyInput).toEqual({
      ...document.components.schemas.Money,
      additionalProperties: undefined,
    });
  });

  it('needs no key for a public operation and any one of its roles otherwise', () => {
    expect(operation('/status', 'get').security).toEqual([]);
    expect(listObligations.security).toEqual([{ apiKey: ['auditor'] }, { apiKey: ['admin'] }]);
    expect(listObligations.description).toBe('Needs an API key with the role auditor or admin.');
    expect(document.components.securitySchemes.apiKey).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
  });

  it('documents the answers of the route table itself: 401/403 for keys, 400/413/415 for bodies, 422 for inputs, 500 always', () => {
    expect(Object.keys(recordPayment.responses)).toEqual([
      '201',
      '400',
      '401',
      '403',
      '409',
      '412',
      '413',
      '415',
      '422',
      '500',
      '503',
    ]);
    expect(Object.keys(listObligations.responses)).toEqual([
      '200',
      '401',
      '403',
      '404',
      '422',
      '500',
    ]);
    expect(Object.keys(operation('/status', 'get').responses)).toEqual(['200', '500']);
    expect(recordPayment.responses['401']?.headers).toHaveProperty('WWW-Authenticate');
    expect(recordPayment.responses['503']?.headers).toHaveProperty('Retry-After');
  });

  it('documents every 4xx and 5xx as application/problem+json with the shared Problem', () => {
    const errors = Object.values(document.paths)
      .flatMap((item) => Object.values(item))
      .flatMap((op) => Object.entries(op.responses))
      .filter(([status]) => Number(status) >= 400);
    expect(errors.length).toBeGreaterThan(15);
    for (const [, response] of errors) {
      expect(Object.keys(response.content ?? {})).toEqual(['application/problem+json']);
      expect(JSON.stringify(response.content)).toContain('"$ref":"#/components/schemas/Problem"');
    }
    // An error with members of its own adds them to the Problem.
    expect(recordPayment.responses['409']?.content?.['application/problem+json']?.schema).toEqual({
      allOf: [
        { $ref: '#/components/schemas/Problem' },
        expect.objectContaining({ properties: { actualVersion: expect.any(Object) as unknown } }),
      ],
    });
  });

  it('describes a problem as RFC 9457 with errors[{detail, pointer}]', () => {
    const validate = schemaValidator(document).compile({
      $ref: 'openapi#/components/schemas/Problem',
    });
    const problem = {
      type: '/problems/validation-failed',
      title: 'The request is not valid',
      status: 422,
      detail: 'the request is not valid',
      instance: '/agreements/x/payments',
      requestId: 'r-1',
      errors: [{ detail: 'Required', pointer: '/received' }],
    };
    expect(validate(problem)).toBe(true);
    expect(validate({ ...problem, errors: [{ detail: 'no pointer' }] })).toBe(false);
    expect(validate({ ...problem, status: 200 })).toBe(false);
    // Extension members of a problem type are allowed.
    expect(validate({ ...problem, actualVersion: 3 })).toBe(true);
  });

  it('gives only schemas that compile as JSON Schema 2020-12', () => {
    expect(compileEverySchema(document)).toBeGreaterThan(20);
    // So it can fail:
    const broken = { ...document, components: { schemas: { Bad: { type: 'strang' } } } };
    expect(() => compileEverySchema(broken)).toThrow();
  });

  it('refuses what it cannot describe faithfully', () => {
    const route = routes[3] as AnyRoute;
    expect(() => openApiDocument([route, { ...route, path: '/other' }], INFO)).toThrow(
      'two routes have the operationId getStatus',
    );
    expect(() => openApiDocument([route, { ...route, operationId: 'again' }], INFO)).toThrow(
      'two routes answer GET /status',
    );
    expect(() => openApiDocument([{ ...route, path: '/files/*path' }], INFO)).toThrow(
      'cannot describe the express path /files/*path',
    );
    expect(() =>
      openApiDocument(
        [{ ...route, params: z.object({ id: z.string() }) } as unknown as AnyRoute],
        INFO,
      ),
    ).toThrow('the params schema names id, which /status does not have');
  });
});

describe('openApiPath', () => {
  it('maps express parameters to OpenAPI templates', () => {
    expect(openApiPath('/a/:id/b/:otherId')).toEqual({
      path: '/a/{id}/b/{otherId}',
      params: ['id', 'otherId'],
    });
    expect(openApiPath('/files/:name.json')).toEqual({
      path: '/files/{name}.json',
      params: ['name'],
    });
  });

  it('refuses optional groups and wildcards', () => {
    expect(() => openApiPath('/a{/:id}')).toThrow();
    expect(() => openApiPath('/a/*rest')).toThrow();
  });
});
