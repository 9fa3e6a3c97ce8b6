import { randomUUID } from 'node:crypto';
import type { EventStore } from '../../src/eventstore/eventStore';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgresEventStore';
import { newEvent } from '../support/eventStoreContract';
import {
  createTestDatabase,
  describeWithPostgres,
  type TestDatabase,
} from '../support/postgresTarget';
import { startService, type ServiceProcess } from '../support/serviceProcess';
import { testLogger } from '../support/testLogger';

const LEADING = 'leading the projection';

/**
 * Two real worker processes against one PostgreSQL: exactly one leads the projection; when it is
 * killed (SIGKILL, no goodbye) in the middle of a stream of appends, the other takes over within
 * seconds from the checkpoint, and every event ends up applied exactly once.
 */
describeWithPostgres('projection leadership across processes', () => {
  let database: TestDatabase;
  let store: EventStore;
  const workers: ServiceProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await PostgresEventStore.open({ connectionString: database.url, logger: testLogger() });
  });

  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await Promise.all(workers.map((worker) => worker.exited));
    await store.close();
    await database.drop();
  });

  function startWorker(): ServiceProcess {
    const worker = startService({
      env: {
        EVENT_STORE_URL: database.url,
        READ_STORE_URL: database.url,
        SERVICE_ROLE: 'worker',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'debug',
      },
    });
    workers.push(worker);
    return worker;
  }

  async function auditTrailCount(): Promise<number> {
    const rows = await database.admin<{ count: string }>(
      'SELECT count(*) AS count FROM audit_trail',
    );
    return Number(rows[0]!.count);
  }

  async function until(
    what: string,
    condition: () => Promise<boolean>,
    timeoutMs: number,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline)
        throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  // Every read model and policy runs in these processes, each with its own lease and log lines:
  // this test watches the audit trail's, and only its.
  const PROJECTION = 'audit-trail';
  const ofAuditTrail = (line: Record<string, unknown>): boolean => line.projection === PROJECTION;
  const leads = (worker: ServiceProcess): boolean =>
    worker.logs.some((line) => line.msg === LEADING && ofAuditTrail(line));

  it('hands the projection over within seconds when the leader dies, applying every event exactly once', async () => {
    const [first, second] = [startWorker(), startWorker()];
    await until('one worker leads', async () => leads(first) || leads(second), 20_000);
    await Promise.all(
      [first, second].map((worker) => worker.waitForLog((line) => line.msg === 'listening')),
    );
    // Both ask every second: give the other one time to try, and fail, to lead too.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect([leads(first), leads(second)].filter(Boolean)).toHaveLength(1);
    const [leader, follower] = leads(first) ? [first, second] : [second, first];

    let appended = 0;
    const appendBatch = async (): Promise<void> => {
      const events = Array.from({ length: 5 }, (_, i) => newEvent({ n: appended + i }));
      await store.append(`agreement-${randomUUID()}`, events, { expectedVersion: 'no-stream' });
      appended += events.length;
    };
    for (let i = 0; i < 40; i++) await appendBatch();
    await until(
      'the leader applies some events',
      async () => (await auditTrailCount()) >= 50,
      15_000,
    );

    // Mid-stream: appends keep coming while the leader is killed without a chance to clean up.
    const appending = (async () => {
      for (let i = 0; i < 60; i++) {
        await appendBatch();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const killedAt = Date.now();
    leader.kill('SIGKILL');
    await leader.exited;

    await until('the follower leads', async () => leads(follower), 10_000);
    const takeoverMs = Date.now() - killedAt;
    await appending;
    await until(
      'every event is applied',
      async () => (await auditTrailCount()) >= appended,
      20_000,
    );
    // Leave time for a wrongly repeated batch to show up before counting.
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect(takeoverMs).toBeLessThan(5_000);
    const head = await store.headPosition();
    const [summary] = await database.admin<{
      rows: string;
      events: string;
      first: string;
      last: string;
    }>(
      'SELECT count(*) AS rows, count(DISTINCT event_id) AS events, min(global_position) AS first, max(global_position) AS last FROM audit_trail',
    );
    expect(summary).toEqual({
      rows: String(appended),
      events: String(appended),
      first: '1',
      last: String(head),
    });
    const [checkpoint] = await database.admin<{ position: string }>(
      "SELECT position FROM checkpoints WHERE name = 'audit-trail'",
    );
    expect(Number(checkpoint!.position)).toBe(head);
    const takeover = follower.logs.find((line) => line.msg === LEADING && ofAuditTrail(line))!;
    expect(takeover.position).toBeGreaterThan(0); // it resumed from the dead leader's checkpoint
    expect(
      follower.logs.filter(
        (line) =>
          line.msg === 'projection stopped; it resumes from its checkpoint' && ofAuditTrail(line),
      ),
    ).toEqual([]);
  }, 90_000);
});
