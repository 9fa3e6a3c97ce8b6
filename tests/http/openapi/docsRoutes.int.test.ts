import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { z } from 'zod';
import { SqliteEventStore } from '../../../src/eventstore/sqlite/sqliteEventStore';
import { apiRouter, defineRoute, type AnyRoute } from '../../../src/http/api/route';
import { createApp } from '../../../src/http/app';
import { DOCS_CONTENT_SECURITY_POLICY } from '../../../src/http/openapi/docsPage';
import type { OpenApiDocument } from '../../../src/http/openapi/openApiDocument';
import { openApiPath } from '../../../src/http/openapi/openApiPath';
import { testLogger } from '../../support/testLogger';
import { mountedRoutes } from './mountedRoutes';
import { schemaValidator, validateOpenApi } from './validateOpenApi';

// The OpenAPI validator runs in a node of its own: about a second, more on a busy machine.
jest.setTimeout(30_000);

let directory: string;
let store: SqliteEventStore;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'obligations-docs-'));
  store = SqliteEventStore.open({ path: join(directory, 'events.db'), logger: testLogger() });
});

afterEach(async () => {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

/** A route table standing in for the service's. */
const routes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/agreements/:agreementId',
    operationId: 'getAgreement',
    summary: 'One agreement',
    tags: ['agreements'],
    access: ['auditor'],
    params: z.object({ agreementId: z.uuid() }),
    responses: { 200: { description: 'The agreement.', schema: z.object({ title: z.string() }) } },
    handler: ({ res }) => {
      res.json({ title: 'License' });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/agreements',
    operationId: 'signAgreement',
    summary: 'Record a signed agreement',
    tags: ['agreements'],
    access: 'public',
    body: z.object({ title: z.string().min(1), signedOn: z.iso.date() }),
    headers: [{ name: 'Idempotency-Key', description: 'Makes a retry safe' }],
    responses: { 201: { description: 'Recorded.' } },
    handler: ({ res }) => {
      res.status(201).end();
    },
  }),
];

function app() {
  return createApp({
    store,
    logger: testLogger(),
    shutdownSignal: new AbortController().signal,
    routers: [apiRouter({ routes, authenticate: async () => null })],
    routes,
  });
}

async function servedDocument(service = app()): Promise<OpenApiDocument> {
  const response = await request(service).get('/openapi.json').expect(200);
  expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
  return response.body as OpenApiDocument;
}

const documented = (document: OpenApiDocument): string[] =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item).map((method) => `${method} ${path}`),
  );

describe('GET /openapi.json', () => {
  it('serves a valid OpenAPI 3.1 document', async () => {
    const result = await validateOpenApi(await servedDocument());
    expect(result.errors).toBeUndefined();
    expect(result).toMatchObject({ valid: true, version: '3.1' });
  });

  it('describes every route the app answers, its own included, and nothing else', async () => {
    const service = app();
    const mounted = mountedRoutes(service).map((route) => {
      const [method, path] = route.split(' ') as [string, string];
      return `${method} ${openApiPath(path).path}`;
    });
    // The probes are mounted by healthRoutes, plain express routes: found all the same.
    expect(mounted).toEqual(
      expect.arrayContaining([
        'get /healthz',
        'get /readyz',
        'get /openapi.json',
        'get /docs',
        'get /docs/assets/{file}',
        'get /metrics',
        'get /agreements/{agreementId}',
        'post /agreements',
      ]),
    );
    expect(documented(await servedDocument(service)).sort()).toEqual([...mounted].sort());
  });

  it('describes the route table it is given', async () => {
    const document = await servedDocument();
    for (const route of routes) {
      const operation = document.paths[openApiPath(route.path).path]?.[route.method];
      expect(operation?.operationId).toBe(route.operationId);
    }
  });

  it('describes the problems the service really sends', async () => {
    const service = app();
    const ajv = schemaValidator(await servedDocument(service));
    const validProblem = ajv.compile({ $ref: 'openapi#/components/schemas/Problem' });
    const notFound = await request(service).get('/nowhere').expect(404);
    const invalid = await request(service).post('/agreements').send({ title: '' }).expect(422);
    const notJson = await request(service)
      .post('/agreements')
      .type('text/plain')
      .send('x')
      .expect(415);
    for (const response of [notFound, invalid, notJson]) {
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(validProblem(response.body)).toBe(true);
    }
    expect((invalid.body as { errors: unknown[] }).errors).toHaveLength(2);
  });
});

describe('GET /docs', () => {
  it('serves a page that loads only this service’s own files, under a strict CSP', async () => {
    const service = app();
    const page = await request(service).get('/docs').expect(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(DOCS_CONTENT_SECURITY_POLICY);
    expect(DOCS_CONTENT_SECURITY_POLICY).not.toMatch(/https?:|\*|unsafe/);
    const html = page.text;
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script>|<style|\sstyle=|\son\w+=/);
    const loaded = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(loaded).toEqual([
      '/docs/assets/swagger-ui.css',
      '/docs/assets/favicon-32x32.png',
      '/docs/assets/swagger-ui-bundle.js',
      '/docs/assets/init.js',
    ]);
    const types = [];
    for (const path of loaded) {
      const asset = await request(service).get(String(path)).expect(200);
      types.push(String(asset.headers['content-type']).split(';')[0]);
    }
    expect(types).toEqual(['text/css', 'image/png', 'text/javascript', 'text/javascript']);
    expect(html).toContain('data-openapi="/openapi.json"');
  });

  it('serves only the files the page uses', async () => {
    const service = app();
    for (const path of [
      '/docs/assets/index.html',
      '/docs/assets/swagger-initializer.js',
      '/docs/assets/..%2Fpackage.json',
      '/docs/assets/%2e%2e%2f%2e%2e%2fpackage.json',
    ]) {
      const response = await request(service).get(path).expect(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });
});
