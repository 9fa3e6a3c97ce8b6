import { Router } from 'express';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreClosedError } from '../src/eventstore/errors';
import { SqliteEventStore } from '../src/eventstore/sqlite/sqliteEventStore';
import { createApp } from '../src/http/app';
import { startServer } from '../src/server';
import { shutDown } from '../src/shutdown';
import { captureLogs, type LogCapture } from './support/logCapture';
import { testLogger } from './support/testLogger';

let directory: string;
let path: string;
let store: SqliteEventStore;
let logs: LogCapture;
let shutdownController: AbortController;
let server: Server;
let baseUrl: string;
/** Resolves the slow request that is waiting; set when one arrives. */
let finishSlowRequest: () => void;
let slowRequestArrived: Promise<void>;

beforeEach(async () => {
  directory = mkdtempSync(join(tmpdir(), 'obligations-shutdown-'));
  path = join(directory, 'events.db');
  store = SqliteEventStore.open({ path, logger: testLogger() });
  logs = captureLogs('info');
  shutdownController = new AbortController();
  let arrived!: () => void;
  slowRequestArrived = new Promise((resolve) => (arrived = resolve));
  const slowRoutes = Router();
  // Stands in for a command that is half done when the signal comes: it appends, then answers.
  slowRoutes.post('/slow', async (_req, res) => {
    const released = new Promise<void>((resolve) => (finishSlowRequest = resolve));
    arrived();
    await released;
    const result = await store.append(
      'agreement-1',
      [
        {
          eventId: '3f1d2c4b-5a69-4e7f-8a1b-2c3d4e5f6a7b',
          type: 'AgreementSigned',
          schemaVersion: 1,
          data: {},
          metadata: { occurredAt: '2026-03-01', actor: 'key-1' },
        },
      ],
      { expectedVersion: 'no-stream' },
    );
    res.json(result);
  });
  const app = createApp({
    store,
    logger: logs.logger,
    shutdownSignal: shutdownController.signal,
    routers: [slowRoutes],
  });
  server = await startServer({ app, port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

function shutDownWithin(shutdownTimeoutMs: number): Promise<void> {
  return shutDown({
    server,
    resources: [store],
    logger: logs.logger,
    shutdownTimeoutMs,
    shutdownController,
  });
}

async function connectionError(url: string): Promise<unknown> {
  const failure: unknown = await fetch(url).then(
    () => null,
    (error: unknown) => (error as { cause?: { code?: unknown } }).cause?.code,
  );
  return failure;
}

describe('graceful shutdown', () => {
  it('lets a request in flight finish, refuses new connections, then closes the store', async () => {
    const slow = fetch(`${baseUrl}/slow`, { method: 'POST' });
    await slowRequestArrived;

    const shutdown = shutDownWithin(10_000);
    expect(shutdownController.signal.aborted).toBe(true);
    expect(await connectionError(`${baseUrl}/healthz`)).toBe('ECONNREFUSED');

    finishSlowRequest();
    const response = await slow;
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ streamVersion: 1 });
    await shutdown;

    await expect(store.ping()).rejects.toThrow(StoreClosedError);
    expect(logs.lines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['shutting down: finishing requests in flight', 'shutdown completed']),
    );
    const reopened = SqliteEventStore.open({ path, logger: testLogger() });
    try {
      expect(await reopened.readStream('agreement-1')).toHaveLength(1);
    } finally {
      await reopened.close();
    }
  });

  it('does not wait for idle kept-alive connections', async () => {
    // fetch keeps connections alive by default.
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
    const startedAt = Date.now();
    await shutDownWithin(10_000);
    expect(Date.now() - startedAt).toBeLessThan(1_000);
  });

  it('closes a kept-alive connection as soon as its request in flight is answered', async () => {
    // Warm up a kept-alive connection, then use it for the slow request.
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
    const slow = fetch(`${baseUrl}/slow`, { method: 'POST' });
    await slowRequestArrived;
    const startedAt = Date.now();
    const shutdown = shutDownWithin(10_000);
    setTimeout(() => finishSlowRequest(), 100);
    expect((await slow).status).toBe(200);
    await shutdown;
    expect(Date.now() - startedAt).toBeLessThan(2_000);
  });

  it('cuts requests that outlast the shutdown timeout', async () => {
    const slow = fetch(`${baseUrl}/slow`, { method: 'POST' }).then(
      () => 'answered',
      () => 'cut',
    );
    await slowRequestArrived;
    const startedAt = Date.now();
    await shutDownWithin(200);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(190);
    expect(await slow).toBe('cut');
    expect(logs.lines).toContainEqual(
      expect.objectContaining({
        level: 40,
        msg: 'requests still in flight after SHUTDOWN_TIMEOUT_MS; closing their connections',
      }),
    );
    expect(logs.lines.at(-1)?.msg).toBe('shutdown completed');
    finishSlowRequest();
  });
});
