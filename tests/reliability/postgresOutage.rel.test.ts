/* eslint-disable @typescript-eslint/no-unsafe-member-access -- answers are JSON read back as a client sees them */
import pg from 'pg';
import { formatApiKey, generateApiKey } from '../../src/auth/apiKeyToken';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgresEventStore';
import { startService, type ServiceProcess } from '../support/serviceProcess';
import { testLogger } from '../support/testLogger';
import { httpClient } from '../workers/rebuildHistory';
import { caughtUp, WORKER_NAMES } from './caughtUp';
import { exactlyOnceViolations, readWholeLog } from './deliveryLedger';
import {
  privatePostgresUnavailable,
  startPrivatePostgres,
  type PrivatePostgres,
} from './privatePostgres';
import {
  productFactsByRest,
  productFactsByWebhook,
  startSenders,
  type Sent,
  type Senders,
} from './senders';

jest.setTimeout(120_000);

const DOWN_FOR_MS = 3_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Probe {
  readonly at: number;
  readonly status: number;
}

/** /readyz asked every 100 ms until stopped. */
function pollReadiness(baseUrl: string): { probes: Probe[]; stop(): Promise<void> } {
  const probes: Probe[] = [];
  let stopping = false;
  const loop = (async () => {
    while (!stopping) {
      const response = await fetch(`${baseUrl}/readyz`).catch(() => null);
      probes.push({ at: Date.now(), status: response?.status ?? 0 });
      await response?.text();
      await sleep(100);
    }
  })();
  return {
    probes,
    async stop() {
      stopping = true;
      await loop;
    },
  };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const unavailable = privatePostgresUnavailable();
if (unavailable !== null) console.log(`PostgreSQL outage test skipped: ${unavailable}`);
const describeWithPrivatePostgres = unavailable === null ? describe : describe.skip;

/**
 * The real service (dist/, production mode) on a PostgreSQL cluster of the test's own, stopped
 * under load from webhook senders and REST callers and started again: while it is down writes
 * answer 503 with Retry-After and /readyz fails; afterwards the same process takes writes again,
 * is ready and its projections catch up, and every write it acknowledged is in the log once.
 */
describeWithPrivatePostgres(
  `a PostgreSQL outage under load${unavailable === null ? '' : ` (${unavailable})`}`,
  () => {
    const adminKey = formatApiKey(generateApiKey());
    let cluster: PrivatePostgres | undefined;
    let service: ServiceProcess | undefined;
    let baseUrl = '';
    let sent: readonly Sent[] = [];
    let probes: readonly Probe[] = [];
    let downSince = 0;
    let restartAt = 0;
    let upSince = 0;

    beforeAll(async () => {
      cluster = await startPrivatePostgres();
      await cluster.createDatabase('obligations');
      service = startService({
        env: {
          EVENT_STORE_URL: cluster.url('obligations'),
          NODE_ENV: 'production',
          HOST: '127.0.0.1',
          PORT: '0',
          LOG_LEVEL: 'info',
          BOOTSTRAP_ADMIN_KEY: adminKey,
        },
      });
      const listening = await service.waitForLog((line) => line.msg === 'listening');
      baseUrl = `http://127.0.0.1:${listening.port as number}`;
    });

    afterAll(async () => {
      service?.kill('SIGKILL');
      await service?.exited;
      await cluster?.remove();
    });

    const writesOf = (from: number, to: number) =>
      sent.filter((s) => s.startedAt >= from && s.answeredAt <= to);
    const acknowledgedAfter = (from: number, kind: 'webhook' | 'rest') =>
      sent.filter(
        (s) =>
          s.startedAt >= from &&
          s.outcome.kind === 'acknowledged' &&
          'source' in s.delivery.owns === (kind === 'webhook'),
      );

    async function acknowledgements(senders: Senders, from: number, count: number): Promise<void> {
      const deadline = Date.now() + 30_000;
      const counted = () =>
        senders.sent.filter((s) => s.startedAt >= from && s.outcome.kind === 'acknowledged').length;
      while (counted() < count) {
        if (Date.now() > deadline)
          throw new Error(
            `only ${counted()} writes acknowledged since ${new Date(from).toISOString()}`,
          );
        await sleep(20);
      }
    }

    it('answers writes 503 with Retry-After (problem details) and fails /readyz while PostgreSQL is down', async () => {
      const registered = await httpClient(baseUrl, adminKey)('POST', '/admin/integrations', {
        integrationId: 'cro',
        name: 'CRO trial system',
        eventTypes: ['INDSubmitted', 'ClinicalPhaseStarted'],
      });
      expect(registered.status).toBe(201);
      const integration = { integrationId: 'cro', secret: registered.body.secret as string };
      const senders = startSenders(
        () => baseUrl,
        [
          ...[0, 1, 2, 3].map((i) => productFactsByWebhook(integration, `outage-hook-${i}`)),
          ...[0, 1, 2, 3].map((i) => productFactsByRest(adminKey, `outage-rest-${i}`)),
        ],
      );
      const readiness = pollReadiness(baseUrl);
      try {
        await acknowledgements(senders, 0, 50);
        await cluster!.stop();
        downSince = Date.now();
        await sleep(DOWN_FOR_MS);
        restartAt = Date.now();
        await cluster!.start();
        upSince = Date.now();
        await acknowledgements(senders, upSince, 50);
      } finally {
        await senders.stop();
        await readiness.stop();
        sent = senders.sent;
        probes = readiness.probes;
      }

      const whileDown = writesOf(downSince, restartAt);
      expect(whileDown.filter((s) => 'source' in s.delivery.owns).length).toBeGreaterThan(5);
      expect(whileDown.filter((s) => 'streamId' in s.delivery.owns).length).toBeGreaterThan(5);
      for (const { outcome } of whileDown)
        expect(outcome).toMatchObject({
          kind: 'refused',
          status: 503,
          contentType: expect.stringMatching(/^application\/problem\+json/),
          retryAfter: expect.stringMatching(/^\d+$/),
          body: { status: 503, type: expect.any(String), title: expect.any(String) },
        });
      // Around the stop and the start too: never an error of the service, never a dropped request.
      for (const { outcome } of sent)
        if (outcome.kind !== 'acknowledged')
          expect(outcome).toMatchObject({ kind: 'refused', status: 503 });

      const readyWhileDown = probes.filter((p) => p.at > downSince && p.at < restartAt);
      expect(readyWhileDown.length).toBeGreaterThan(10);
      expect(readyWhileDown.filter((p) => p.status >= 200 && p.status < 300)).toEqual([]);
      expect(readyWhileDown.every((p) => p.status === 503)).toBe(true);
    });

    it('recovers in the same process, without a restart: writes succeed, /readyz passes, projections resume', async () => {
      expect(acknowledgedAfter(upSince, 'webhook').length).toBeGreaterThan(0);
      expect(acknowledgedAfter(upSince, 'rest').length).toBeGreaterThan(0);
      expect(probes.filter((p) => p.at > upSince).at(-1)?.status).toBe(200);
      // Still the process started at the beginning.
      expect(() => process.kill(service!.pid, 0)).not.toThrow();
      expect(service!.logs.filter((line) => line.msg === 'listening')).toHaveLength(1);
      await caughtUp(baseUrl, 30_000);
    });

    it('has every write acknowledged before, during and after the outage in the log exactly once', async () => {
      const store = await PostgresEventStore.open({
        connectionString: cluster!.url('obligations'),
        logger: testLogger(),
      });
      try {
        const log = await readWholeLog(store);
        expect(sent.filter((s) => s.outcome.kind === 'acknowledged').length).toBeGreaterThan(100);
        expect(exactlyOnceViolations(sent, log)).toEqual([]);
        // Every projection and policy applied all of it: checkpoints written after the outage.
        const checkpoints = await withClient(cluster!.url('obligations'), (client) =>
          client.query<{ name: string; position: string }>(
            'SELECT name, position FROM checkpoints',
          ),
        );
        expect(
          Object.fromEntries(checkpoints.rows.map((row) => [row.name, Number(row.position)])),
        ).toEqual(Object.fromEntries(WORKER_NAMES.map((name) => [name, log.length])));
      } finally {
        await store.close();
      }
    });
  },
);
