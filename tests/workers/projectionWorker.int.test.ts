import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { auditTrail } from '../../projections/auditTrail';
import type { Projection } from '../../projections/projection';
import type { AppendResult, EventStore, RecordedEvent } from '../../src/eventstore/eventStore';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgresEventStore';
import { SqliteEventStore } from '../../src/eventstore/sqlite/sqliteEventStore';
import { PostgresReadStore } from '../../src/readstore/postgres/postgresReadStore';
import type { ReadStore } from '../../src/readstore/readStore';
import { SqliteReadStore } from '../../src/readstore/sqlite/sqliteReadStore';
import {
  CHECKPOINTS_OWNER,
  advanceCheckpoint,
  checkpointMigrations,
  readCheckpoint,
} from '../../src/workers/checkpoints';
import { ProjectionWorker } from '../../src/workers/projectionWorker';
import { startWorkers } from '../../src/workers/startWorkers';
import { newEvent } from '../support/eventStoreContract';
import { captureLogs } from '../support/logCapture';
import { createTestDatabase, describeWithPostgres } from '../support/postgresTarget';
import { testLogger } from '../support/testLogger';

/** One event store and a read store database, each read store instance standing for a process. */
interface Stores {
  readonly events: EventStore;
  openReadStore(): Promise<ReadStore>;
  dispose(): Promise<void>;
}

const LEASE_RETRY_MS = 100;
const DEADLINE_MS = 5_000;

interface AuditRow {
  global_position: number;
  event_id: string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function eventually(what: () => string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${DEADLINE_MS} ms: ${what()}`);
    await sleep(20);
  }
}

/** The audit trail, noting which events each successful `apply` wrote, in the order it did. */
function observed(applied: number[]): Projection {
  return {
    ...auditTrail,
    apply: async (tx, events) => {
      await auditTrail.apply(tx, events);
      applied.push(...events.map((event) => event.globalPosition));
    },
  };
}

/** The event store, noting the checkpoint every subscription starts after. */
function noticingSubscriptions(store: EventStore, afters: number[]): EventStore {
  return {
    append: (streamId, events, options) => store.append(streamId, events, options),
    readStream: (streamId, options) => store.readStream(streamId, options),
    readAll: (options) => store.readAll(options),
    headPosition: () => store.headPosition(),
    subscribe: (options) => {
      afters.push(options.after);
      return store.subscribe(options);
    },
    ping: () => store.ping(),
    close: () => store.close(),
  };
}

function projectionWorkerSuite(name: string, createStores: () => Promise<Stores>): void {
  describe(`${name}: the projection worker keeps the audit trail`, () => {
    let stores: Stores;
    let readStores: ReadStore[];
    let workers: { stop(): Promise<void> }[];

    beforeEach(async () => {
      stores = await createStores();
      readStores = [];
      workers = [];
    });

    afterEach(async () => {
      for (const worker of workers) await worker.stop();
      for (const readStore of readStores) await readStore.close();
      await stores.dispose();
    });

    /** A read store of another process, migrated as the service does at start-up. */
    async function openProcess(): Promise<ReadStore> {
      const readStore = await stores.openReadStore();
      readStores.push(readStore);
      await readStore.migrate(CHECKPOINTS_OWNER, checkpointMigrations);
      await readStore.migrate(auditTrail.name, auditTrail.migrations);
      return readStore;
    }

    async function closeProcess(readStore: ReadStore): Promise<void> {
      readStores = readStores.filter((open) => open !== readStore);
      await readStore.close();
    }

    function startWorker(
      readStore: ReadStore,
      options: {
        projection?: Projection;
        events?: EventStore;
        batchSize?: number;
        logger?: Logger;
      } = {},
    ): ProjectionWorker {
      const worker = new ProjectionWorker({
        projection: options.projection ?? auditTrail,
        store: options.events ?? stores.events,
        readStore,
        logger: options.logger ?? testLogger(),
        leaseRetryMs: LEASE_RETRY_MS,
        ...(options.batchSize !== undefined && { batchSize: options.batchSize }),
      });
      workers.push(worker);
      worker.start();
      return worker;
    }

    /** Appends `perStream` events to each of `streams` new streams; answers the last position. */
    async function append(streams: number, perStream: number): Promise<number> {
      let last: AppendResult | undefined;
      for (let stream = 0; stream < streams; stream++) {
        last = await stores.events.append(
          `agreement-${randomUUID()}`,
          Array.from({ length: perStream }, (_, n) => newEvent({ n })),
          { expectedVersion: 'no-stream' },
        );
      }
      return last!.globalPosition;
    }

    async function log(): Promise<RecordedEvent[]> {
      const events: RecordedEvent[] = [];
      for (let after = 0; ;) {
        const page = await stores.events.readAll({ after, maxCount: 500 });
        if (page.length === 0) return events;
        events.push(...page);
        after = page[page.length - 1]!.globalPosition;
      }
    }

    function trail(readStore: ReadStore): Promise<AuditRow[]> {
      return readStore.query<AuditRow>(
        'SELECT global_position, event_id FROM audit_trail ORDER BY global_position',
      );
    }

    async function checkpointReaches(readStore: ReadStore, position: number): Promise<void> {
      let seen = 0;
      await eventually(
        () => `the checkpoint reaches ${position} (it stands at ${seen})`,
        async () => (seen = await readCheckpoint(readStore, auditTrail.name)) === position,
      );
    }

    async function expectTrailToBeTheLog(readStore: ReadStore): Promise<void> {
      const events = await log();
      expect(await trail(readStore)).toEqual(
        events.map((event) => ({ global_position: event.globalPosition, event_id: event.eventId })),
      );
      expect(await readCheckpoint(readStore, auditTrail.name)).toBe(
        events[events.length - 1]?.globalPosition,
      );
    }

    it('applies the history, then live events, once each and in log order, and checkpoints the last position', async () => {
      const history = await append(3, 4);
      const readStore = await stores.openReadStore();
      readStores.push(readStore);
      const applied: number[] = [];
      const started = await startWorkers({
        projections: [observed(applied)],
        store: stores.events,
        readStore,
        logger: testLogger(),
        leaseRetryMs: LEASE_RETRY_MS,
      });
      workers.push(started);
      await checkpointReaches(readStore, history);
      await expectTrailToBeTheLog(readStore);

      let live = history;
      for (let round = 0; round < 3; round++) live = await append(1, round + 1);
      await checkpointReaches(readStore, live);
      await eventually(
        () => `the worker reports position ${live}: ${JSON.stringify(started.statuses())}`,
        async () => started.statuses()[0]?.position === live,
      );

      await expectTrailToBeTheLog(readStore);
      expect(applied).toEqual((await log()).map((event) => event.globalPosition));
      expect(started.statuses()).toEqual([{ name: 'audit-trail', leading: true, position: live }]);
    });

    it('resumes after a restart from its checkpoint, without repeating or skipping an event', async () => {
      const subscribedAfter: number[] = [];
      const events = noticingSubscriptions(stores.events, subscribedAfter);
      const applied: number[] = [];
      const before = await append(2, 5);
      const firstProcess = await openProcess();
      const first = startWorker(firstProcess, {
        events,
        projection: observed(applied),
        batchSize: 3,
      });
      await checkpointReaches(firstProcess, before);
      await first.stop();
      expect(first.status.leading).toBe(false);
      await closeProcess(firstProcess);

      const after = await append(3, 2);
      const secondProcess = await openProcess();
      const second = startWorker(secondProcess, {
        events,
        projection: observed(applied),
        batchSize: 3,
      });
      await checkpointReaches(secondProcess, after);

      expect(subscribedAfter).toEqual([0, before]);
      expect(applied).toEqual((await log()).map((event) => event.globalPosition));
      await expectTrailToBeTheLog(secondProcess);
      expect(second.status).toEqual({ name: 'audit-trail', leading: true, position: after });
    });

    it('lets exactly one of two processes lead, and hands over to the other when the leader stops', async () => {
      const applied: number[] = [];
      const history = await append(2, 5);
      const processes = [await openProcess(), await openProcess()];
      const both = processes.map((readStore) =>
        startWorker(readStore, { projection: observed(applied), batchSize: 4 }),
      );
      const leaders = (): ProjectionWorker[] => both.filter((worker) => worker.status.leading);
      await eventually(
        () => 'one of the workers leads',
        async () => leaders().length > 0,
      );
      for (const watchUntil = Date.now() + 5 * LEASE_RETRY_MS; Date.now() < watchUntil;) {
        expect(leaders()).toHaveLength(1);
        await sleep(10);
      }
      const leader = leaders()[0]!;
      const follower = both.find((worker) => worker !== leader)!;
      await checkpointReaches(processes[0]!, history);
      const live = await append(1, 3);
      await checkpointReaches(processes[1]!, live);
      expect(follower.status.leading).toBe(false);

      await leader.stop();
      const handedOver = await append(2, 3);
      await eventually(
        () => 'the follower leads',
        async () => follower.status.leading,
      );
      await checkpointReaches(processes[0]!, handedOver);

      expect(leader.status.leading).toBe(false);
      expect(applied).toEqual((await log()).map((event) => event.globalPosition));
      await expectTrailToBeTheLog(processes[1]!);
    });

    it('refuses a batch once another process moved the checkpoint, and resumes from where it stands', async () => {
      const logs = captureLogs('warn');
      const before = await append(1, 4);
      const readStore = await openProcess();
      startWorker(readStore, { logger: logs.logger });
      await checkpointReaches(readStore, before);

      // Another process, as far as the checkpoint says, applied the next two events (the SQL
      // stores number the log densely) while this worker waited for them.
      const [appliedElsewhere, last] = [before + 2, before + 3];
      const elsewhere = await openProcess();
      expect(
        await elsewhere.execute(
          'UPDATE checkpoints SET position = ? WHERE name = ? AND position = ?',
          [appliedElsewhere, auditTrail.name, before],
        ),
      ).toBe(1);
      const next = await stores.events.append(
        `agreement-${randomUUID()}`,
        [newEvent({ n: 1 }), newEvent({ n: 2 }), newEvent({ n: 3 })],
        { expectedVersion: 'no-stream' },
      );
      expect(next.events.map((event) => event.globalPosition)).toEqual([
        before + 1,
        appliedElsewhere,
        last,
      ]);
      await checkpointReaches(readStore, last);

      const positions = (await trail(readStore)).map((row) => row.global_position);
      const history = (await log()).filter((event) => event.globalPosition <= before);
      expect(positions).toEqual([...history.map((event) => event.globalPosition), last]);
      expect(logs.lines).toContainEqual(
        expect.objectContaining({
          msg: 'another process leads the projection now',
          err: expect.objectContaining({
            message: expect.stringContaining(`is no longer at ${before}`),
          }),
        }),
      );
    });

    it('moves a checkpoint only from the position it stands at (compare and set)', async () => {
      const readStore = await openProcess();
      const checkpoint = `cas-${randomUUID()}`;
      const [first, later] = [
        new Date('2030-01-01T00:00:00.000Z'),
        new Date('2030-01-02T00:00:00.000Z'),
      ];
      const advance = (from: number, to: number, now: Date): Promise<boolean> =>
        readStore.transaction((tx) => advanceCheckpoint(tx, { name: checkpoint, from, to, now }));
      const stored = (): Promise<unknown[]> =>
        readStore.query('SELECT position, updated_at FROM checkpoints WHERE name = ?', [
          checkpoint,
        ]);

      expect(await readCheckpoint(readStore, checkpoint)).toBe(0);
      expect(await advance(0, 5, first)).toBe(true);
      expect(await advance(0, 3, later)).toBe(false);
      expect(await advance(4, 9, later)).toBe(false);
      expect(await advance(6, 9, later)).toBe(false);
      expect(await stored()).toEqual([{ position: 5, updated_at: first.toISOString() }]);

      expect(await advance(5, 9, later)).toBe(true);
      expect(await stored()).toEqual([{ position: 9, updated_at: later.toISOString() }]);
    });

    it('stores each event’s canonical JSON data and every metadata column', async () => {
      const stream = `agreement-${randomUUID()}`;
      const causationId = randomUUID();
      const full = newEvent(
        {
          zeta: 'last',
          alpha: { é: 'ünïcödé', nested: [3, 1, 2] },
          amountMinor: 150_000_000,
          flag: true,
          // Integer-like keys: JavaScript objects put them first in numeric order, JCS does not.
          instalmentsByNumber: { '10': '75.00', '2': '250.00', '1': '100.00' },
          none: null,
        },
        {
          type: 'MilestoneTriggered',
          schemaVersion: 2,
          metadata: {
            occurredAt: '2008-02-01T14:30:00Z',
            actor: 'integration:biogen-erp',
            source: 'webhook:msg_p5jXN8AQM9LWM0D4loKWxJek',
            correlationId: 'corr-1',
            causationId,
          },
        },
      );
      const bare = newEvent(
        { b: 1, a: 2 },
        { type: 'PaymentReceived', metadata: { occurredAt: '2008-03-31', actor: 'key:finance' } },
      );
      await stores.events.append(stream, [full, bare], { expectedVersion: 'no-stream' });
      const [recordedFull, recordedBare] = await stores.events.readStream(stream);
      const readStore = await openProcess();
      startWorker(readStore);
      await checkpointReaches(readStore, recordedBare!.globalPosition);

      expect(
        await readStore.query(
          `SELECT global_position, event_id, stream_id, stream_version, type, schema_version,
                  occurred_at, recorded_at, actor, source, correlation_id, causation_id, data
             FROM audit_trail ORDER BY global_position`,
        ),
      ).toEqual([
        {
          global_position: recordedFull!.globalPosition,
          event_id: full.eventId,
          stream_id: stream,
          stream_version: 1,
          type: 'MilestoneTriggered',
          schema_version: 2,
          occurred_at: '2008-02-01T14:30:00Z',
          recorded_at: recordedFull!.metadata.recordedAt,
          actor: 'integration:biogen-erp',
          source: 'webhook:msg_p5jXN8AQM9LWM0D4loKWxJek',
          correlation_id: 'corr-1',
          causation_id: causationId,
          data:
            '{"alpha":{"nested":[3,1,2],"é":"ünïcödé"},"amountMinor":150000000,"flag":true,' +
            '"instalmentsByNumber":{"1":"100.00","10":"75.00","2":"250.00"},"none":null,"zeta":"last"}',
        },
        {
          global_position: recordedBare!.globalPosition,
          event_id: bare.eventId,
          stream_id: stream,
          stream_version: 2,
          type: 'PaymentReceived',
          schema_version: 1,
          occurred_at: '2008-03-31',
          recorded_at: recordedBare!.metadata.recordedAt,
          actor: 'key:finance',
          source: null,
          correlation_id: null,
          causation_id: null,
          data: '{"a":2,"b":1}',
        },
      ]);
    });
  });
}

projectionWorkerSuite('SQLite', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'obligations-worker-'));
  const events = SqliteEventStore.open({
    path: join(directory, 'events.db'),
    logger: testLogger(),
  });
  return Promise.resolve({
    events,
    // A short busy timeout: the stores of this one process stand for several processes, and
    // better-sqlite3 waits for another connection's lock synchronously, holding up the event
    // loop the lock holder needs to finish. A busy write fails fast and the worker retries.
    openReadStore: async () =>
      Promise.resolve(
        SqliteReadStore.open({
          path: join(directory, 'read.db'),
          logger: testLogger(),
          busyTimeoutMs: 100,
        }),
      ),
    dispose: async () => {
      await events.close();
      rmSync(directory, { recursive: true, force: true });
    },
  });
});

describeWithPostgres('PostgreSQL', () => {
  projectionWorkerSuite('PostgreSQL', async () => {
    const database = await createTestDatabase();
    const events = await PostgresEventStore.open({
      connectionString: database.url,
      logger: testLogger(),
    });
    return {
      events,
      openReadStore: () =>
        PostgresReadStore.open({ connectionString: database.url, logger: testLogger() }),
      dispose: async () => {
        await events.close();
        await database.drop();
      },
    };
  });
});
