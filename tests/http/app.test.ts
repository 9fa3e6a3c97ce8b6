import express, { Router } from 'express';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { NewEvent } from '../../src/eventstore/eventStore';
import { SqliteEventStore } from '../../src/eventstore/sqlite/sqliteEventStore';
import { createApp } from '../../src/http/app';
import { captureLogs, type LogCapture } from '../support/logCapture';
import { testLogger } from '../support/testLogger';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let directory: string;
let store: SqliteEventStore;
let logs: LogCapture;
let shutdownController: AbortController;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'obligations-app-'));
  store = SqliteEventStore.open({ path: join(directory, 'events.db'), logger: testLogger() });
  logs = captureLogs('debug');
  shutdownController = new AbortController();
});

afterEach(async () => {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

/** Routes that stand in for the feature routes to come. */
function testRoutes(): Router {
  const router = Router();
  router.get('/fail', async () => {
    await Promise.resolve();
    throw new Error('secret internals');
  });
  router.get('/work', (req, res) => {
    req.log.info({ step: 1 }, 'working on it');
    res.json({ done: true });
  });
  router.post('/echo', express.json(), (req, res) => {
    res.json(req.body);
  });
  router.post('/streams/:streamId', express.json(), async (req, res) => {
    const body = req.body as { events: NewEvent[]; expectedVersion: 'no-stream' | number };
    const result = await store.append(req.params.streamId, body.events, {
      expectedVersion: body.expectedVersion,
    });
    res.status(201).json(result);
  });
  return router;
}

function app() {
  return createApp({
    store,
    logger: logs.logger,
    shutdownSignal: shutdownController.signal,
    routers: [testRoutes()],
  });
}

function newEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    eventId: '0b0f8c1e-6a55-4d3c-9d7e-0c1f3e0b2a11',
    type: 'AgreementSigned',
    schemaVersion: 1,
    data: { upfrontMinor: '150000000' },
    metadata: { occurredAt: '2026-03-01', actor: 'key-1' },
    ...overrides,
  };
}

const linesWith = (requestId: string) => logs.lines.filter((line) => line.reqId === requestId);

describe('probes', () => {
  it('reports live on /healthz', async () => {
    const response = await request(app()).get('/healthz').expect(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('reports ready on /readyz while the store answers', async () => {
    const response = await request(app()).get('/readyz').expect(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('reports not ready once shutdown has begun', async () => {
    const service = app();
    shutdownController.abort();
    const response = await request(service).get('/readyz').expect(503);
    expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(response.body).toMatchObject({
      type: '/problems/shutting-down',
      status: 503,
      instance: '/readyz',
    });
  });

  it('reports not ready while the store does not answer, and logs why', async () => {
    const service = app();
    await store.close();
    const response = await request(service).get('/readyz').expect(503);
    expect(response.body).toMatchObject({ type: '/problems/store-unavailable', status: 503 });
    expect(response.headers['retry-after']).toBe('5');
    const reason = logs.lines.find((line) => line.msg?.startsWith('not ready'));
    expect(reason).toMatchObject({ err: { message: 'the event store is closed' } });
  });

  it('keeps successful probes out of the info log', async () => {
    await request(app()).get('/healthz').expect(200);
    expect(logs.lines.map((line) => line.level)).toEqual([20]);
  });
});

describe('request ids', () => {
  it('keeps a well-formed incoming X-Request-Id and stamps every log line with it', async () => {
    const requestId = 'edge-01HV6Z3.q:7_x';
    const response = await request(app()).get('/work').set('X-Request-Id', requestId).expect(200);
    expect(response.headers['x-request-id']).toBe(requestId);
    expect(linesWith(requestId).map((line) => line.msg)).toEqual([
      'working on it',
      'request completed',
    ]);
  });

  it('makes a UUID when none comes in', async () => {
    const response = await request(app()).get('/work').expect(200);
    const requestId = response.headers['x-request-id'] as string;
    expect(requestId).toMatch(UUID);
    expect(linesWith(requestId)).toHaveLength(2);
  });

  it.each([
    ['too long', 'a'.repeat(129)],
    ['with spaces', 'two words'],
    ['with a log-forging payload', 'x","level":60,"msg":"forged'],
    ['empty', ''],
  ])('replaces an incoming id that is %s', async (_case, incoming) => {
    const response = await request(app()).get('/work').set('X-Request-Id', incoming).expect(200);
    expect(response.headers['x-request-id']).toMatch(UUID);
  });

  it('accepts an id of exactly 128 characters', async () => {
    const incoming = 'a'.repeat(128);
    const response = await request(app()).get('/work').set('X-Request-Id', incoming).expect(200);
    expect(response.headers['x-request-id']).toBe(incoming);
  });

  it('keeps API keys and cookies out of the log', async () => {
    await request(app())
      .get('/work')
      .set('X-Request-Id', 'r-secret')
      .set('Authorization', 'Bearer obl_live_secret')
      .set('Cookie', 'session=secret')
      .expect(200);
    const completed = linesWith('r-secret').find((line) => line.msg === 'request completed');
    expect(completed).toMatchObject({
      req: { headers: { authorization: '[redacted]', cookie: '[redacted]' } },
    });
    expect(JSON.stringify(logs.lines)).not.toMatch(/obl_live_secret|session=secret/);
  });

  it('gives the id to the problem document and the log line of a failed request', async () => {
    const response = await request(app()).get('/nowhere').set('X-Request-Id', 'r-404').expect(404);
    expect(response.body).toMatchObject({ requestId: 'r-404', instance: '/nowhere' });
    expect(linesWith('r-404')).toEqual([
      expect.objectContaining({ msg: 'request completed', res: expect.anything() }),
    ]);
  });
});

describe('errors as problem details', () => {
  it('answers an unknown route with a 404 problem', async () => {
    const response = await request(app()).get('/agreements?x=1').expect(404);
    expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(response.body).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'There is no GET /agreements here.',
      instance: '/agreements?x=1',
      requestId: response.headers['x-request-id'],
    });
  });

  it('answers a malformed JSON body with a 400 problem', async () => {
    const response = await request(app())
      .post('/echo')
      .set('Content-Type', 'application/json')
      .send('{"amountMinor": ')
      .expect(400);
    expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(response.body).toMatchObject({
      type: '/problems/malformed-body',
      title: 'The request body is not valid JSON',
      status: 400,
    });
  });

  it('answers a path parameter that is not valid percent-encoding with a 400 problem', async () => {
    for (const path of ['/streams/%', '/streams/%E0%A4%A', '/streams/%C0%AF']) {
      const response = await request(app()).post(path).send({}).expect(400);
      expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(response.body).toMatchObject({ type: '/problems/malformed-path', status: 400 });
    }
  });

  it('answers a path holding %00 (NUL) with a 400 problem before any route sees it', async () => {
    for (const path of ['/streams/a%00b', '/nowhere/%00']) {
      const response = await request(app()).post(path).send({}).expect(400);
      expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(response.body).toMatchObject({ type: '/problems/malformed-path', status: 400 });
    }
  });

  it('answers an unexpected failure with a bare 500 and logs it with its stack', async () => {
    const response = await request(app()).get('/fail').set('X-Request-Id', 'r-500').expect(500);
    expect(response.body).toMatchObject({ status: 500, title: 'Internal Server Error' });
    expect(response.text).not.toContain('secret internals');
    expect(response.text).not.toMatch(/\bat\s/);
    const logged = linesWith('r-500');
    expect(logged).toEqual([
      expect.objectContaining({
        level: 50,
        err: expect.objectContaining({
          message: 'secret internals',
          stack: expect.stringContaining('secret internals'),
        }),
      }),
    ]);
  });

  it('answers an invalid append with 422 and a pointer at the bad field', async () => {
    const response = await request(app())
      .post('/streams/agreement-1')
      .send({ events: [newEvent({ eventId: 'not-a-uuid' })], expectedVersion: 'no-stream' })
      .expect(422);
    expect(response.body).toMatchObject({
      type: '/problems/invalid-append',
      errors: [{ pointer: '/events/0/eventId', detail: expect.any(String) }],
    });
  });

  it('answers an append against a stale version with 409', async () => {
    const service = app();
    await request(service)
      .post('/streams/agreement-1')
      .send({ events: [newEvent()], expectedVersion: 'no-stream' })
      .expect(201);
    const response = await request(service)
      .post('/streams/agreement-1')
      .send({
        events: [newEvent({ eventId: '7c7a3a52-3f8e-4f43-8f59-2f4f1a8c6d01' })],
        expectedVersion: 'no-stream',
      })
      .expect(409);
    expect(response.body).toMatchObject({
      type: '/problems/wrong-expected-version',
      streamId: 'agreement-1',
      actualVersion: 1,
    });
  });

  it('answers an append to a closed store with 503', async () => {
    const service = app();
    await store.close();
    const response = await request(service)
      .post('/streams/agreement-1')
      .send({ events: [newEvent()], expectedVersion: 'no-stream' })
      .expect(503);
    expect(response.body).toMatchObject({ type: '/problems/store-closed' });
    expect(response.headers['retry-after']).toBe('5');
  });

  it('logs a 503 the service chose as a warning with its cause, and a 500 as an error', async () => {
    const service = app();
    await store.close();
    await request(service)
      .post('/streams/agreement-1')
      .set('X-Request-Id', 'r-503')
      .send({ events: [newEvent()], expectedVersion: 'no-stream' })
      .expect(503);
    await request(service).get('/fail').set('X-Request-Id', 'r-500b').expect(500);
    expect(linesWith('r-503')).toEqual([
      expect.objectContaining({
        level: 40,
        err: expect.objectContaining({ type: expect.any(String) }),
      }),
    ]);
    expect(linesWith('r-500b')).toEqual([expect.objectContaining({ level: 50 })]);
  });
});
