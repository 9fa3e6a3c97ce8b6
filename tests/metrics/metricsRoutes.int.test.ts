import { Router } from 'express';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { SqliteEventStore } from '../../src/eventstore/sqlite/sqliteEventStore';
import { createApp } from '../../src/http/app';
import { createMetricsRegistry } from '../../src/metrics/metricsRegistry';
import { testLogger } from '../support/testLogger';
import { parsePrometheusText, valueOf, type Sample } from './prometheusText';

let directory: string;
let store: SqliteEventStore;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'obligations-metrics-'));
  store = SqliteEventStore.open({ path: join(directory, 'events.db'), logger: testLogger() });
});

afterEach(async () => {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

function testRoutes(): Router {
  const api = Router();
  api.get('/things/:thingId', (req, res) => {
    res.json({ id: req.params.thingId });
  });
  api.get('/broken/:thingId', async () => {
    await Promise.resolve();
    throw new Error('boom');
  });
  // A router under a prefix: its routes count with the prefix, errors included.
  const outer = Router();
  outer.use('/api', api);
  return outer;
}

function app(token?: string) {
  return createApp({
    store,
    logger: testLogger(),
    shutdownSignal: new AbortController().signal,
    routers: [testRoutes()],
    metrics: { registry: createMetricsRegistry(), ...(token !== undefined && { token }) },
  });
}

async function scrape(service: ReturnType<typeof app>, token?: string): Promise<Sample[]> {
  const call = request(service).get('/metrics');
  if (token !== undefined) call.set('Authorization', `Bearer ${token}`);
  const response = await call.expect(200);
  expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parsePrometheusText(response.text);
}

describe('GET /metrics', () => {
  it('counts requests by route template, never by URL', async () => {
    const service = app();
    await request(service).get('/api/things/1').expect(200);
    await request(service).get('/api/things/2').expect(200);
    await request(service).get('/api/broken/3').expect(500);
    await request(service).get('/healthz').expect(200);
    const samples = await scrape(service);
    const requests = (labels: Record<string, string>) =>
      valueOf(samples, 'http_requests_total', labels);
    expect(requests({ method: 'GET', route: '/api/things/:thingId', status: '200' })).toBe(2);
    expect(requests({ method: 'GET', route: '/api/broken/:thingId', status: '500' })).toBe(1);
    expect(requests({ method: 'GET', route: '/healthz', status: '200' })).toBe(1);
    const routes = samples
      .filter((s) => s.name === 'http_requests_total')
      .map((s) => s.labels.route);
    expect(routes).not.toContain('/api/things/1');
  });

  it('counts requests no route matched as route="unmatched", whatever their URL', async () => {
    const service = app();
    await request(service).get('/random/a1').expect(404);
    await request(service).post('/random/b2').expect(404);
    const samples = await scrape(service);
    expect(
      valueOf(samples, 'http_requests_total', { method: 'GET', route: 'unmatched', status: '404' }),
    ).toBe(1);
    expect(
      valueOf(samples, 'http_requests_total', {
        method: 'POST',
        route: 'unmatched',
        status: '404',
      }),
    ).toBe(1);
    expect(JSON.stringify(samples)).not.toContain('/random');
  });

  it('times requests in a histogram by route template', async () => {
    const service = app();
    await request(service).get('/api/things/1').expect(200);
    const samples = await scrape(service);
    const labels = { method: 'GET', route: '/api/things/:thingId', status: '200' };
    expect(valueOf(samples, 'http_request_duration_seconds_count', labels)).toBe(1);
    expect(
      valueOf(samples, 'http_request_duration_seconds_bucket', { ...labels, le: '+Inf' }),
    ).toBe(1);
    expect(valueOf(samples, 'http_request_duration_seconds_sum', labels)).toBeGreaterThan(0);
  });

  it('keeps each app’s metrics apart', async () => {
    const first = app();
    const second = app();
    await request(first).get('/api/things/1').expect(200);
    const labels = { method: 'GET', route: '/api/things/:thingId', status: '200' };
    expect(valueOf(await scrape(first), 'http_requests_total', labels)).toBe(1);
    expect(valueOf(await scrape(second), 'http_requests_total', labels)).toBeUndefined();
  });

  it('includes the process metrics', async () => {
    const names = new Set((await scrape(app())).map((sample) => sample.name));
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(names).toContain(name);
    }
  });

  describe('with a METRICS_TOKEN', () => {
    const token = 'c2VjcmV0LW1ldHJpY3MtdG9rZW4';

    it('answers 401 without the token, or with another', async () => {
      const service = app(token);
      for (const authorization of [
        undefined,
        'Bearer wrong',
        `Basic ${token}`,
        `Bearer ${token}x`,
      ]) {
        const call = request(service).get('/metrics');
        if (authorization !== undefined) call.set('Authorization', authorization);
        const response = await call.expect(401);
        expect(response.headers['www-authenticate']).toBe('Bearer realm="metrics"');
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.body).toMatchObject({ type: '/problems/unauthenticated', status: 401 });
        expect(response.text).not.toContain('process_cpu');
      }
    });

    it('answers with the token', async () => {
      const samples = await scrape(app(token), token);
      expect(samples.length).toBeGreaterThan(10);
    });
  });
});
