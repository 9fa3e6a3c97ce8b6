import { randomUUID } from 'node:crypto';
import { auditTrail } from '../../projections/auditTrail';
import type { Projection } from '../../projections/projection';
import { readCheckpoint } from '../../src/workers/checkpoints';
import {
  LeaseUnavailableError,
  NotRebuildableError,
  UnknownProjectionError,
  rebuildWithLease,
  type RebuildProgress,
} from '../../src/workers/rebuild';
import { startWorkers, type Workers } from '../../src/workers/startWorkers';
import { newEvent } from '../support/eventStoreContract';
import { describeWithPostgres } from '../support/postgresTarget';
import { openPostgresStores, openSqliteStores, type Stores } from '../support/serviceHarness';
import { testLogger } from '../support/testLogger';

jest.setTimeout(60_000);

const EVENTS = 250;
const BATCH = 40;

/**
 * The rebuild's moving parts on the audit trail alone: its progress reports, the pause of the
 * live worker in the same process, the lease it waits for, and an interrupted rebuild that its
 * worker finishes.
 */
function rebuildWorkersSuite(openStores: () => Promise<Stores>): void {
  let stores: Stores;
  let running: Workers[];

  beforeEach(async () => {
    stores = await openStores();
    running = [];
  });

  afterEach(async () => {
    for (const workers of running) await workers.stop();
    await stores.close();
  });

  async function start(projections: readonly Projection[] = [auditTrail]): Promise<Workers> {
    const workers = await startWorkers({
      projections,
      store: stores.store,
      readStore: stores.readStore,
      logger: testLogger(),
      leaseRetryMs: 50,
    });
    running.push(workers);
    return workers;
  }

  async function append(count: number): Promise<number> {
    let head = 0;
    for (let done = 0; done < count; done += 10) {
      const events = Array.from({ length: Math.min(10, count - done) }, (_, i) =>
        newEvent({ n: done + i }),
      );
      ({ globalPosition: head } = await stores.store.append(`agreement-${randomUUID()}`, events, {
        expectedVersion: 'no-stream',
      }));
    }
    return head;
  }

  async function caughtUp(position: number): Promise<void> {
    const deadline = Date.now() + 15_000;
    while ((await readCheckpoint(stores.readStore, auditTrail.name)) < position) {
      if (Date.now() > deadline) throw new Error(`the audit trail did not reach ${position}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function auditRows(): Promise<number[]> {
    const rows = await stores.readStore.query<{ global_position: number | string }>(
      'SELECT global_position FROM audit_trail ORDER BY global_position',
    );
    return rows.map((row) => Number(row.global_position));
  }

  it('reports progress that only moves forward and ends at the head, then the worker carries on', async () => {
    const workers = await start();
    const head = await append(EVENTS);
    await caughtUp(head);

    const reports: RebuildProgress[] = [];
    const last = await workers.rebuild(auditTrail.name, {
      batchSize: BATCH,
      onProgress: (progress) => reports.push(progress),
    });

    expect(reports[0]).toMatchObject({ position: 0, applied: 0, head, done: false });
    expect(reports).toHaveLength(1 + Math.ceil(EVENTS / BATCH) + 1);
    for (const [i, after] of reports.entries()) {
      const before = reports[i - 1];
      if (before === undefined) continue;
      expect(after.position).toBeGreaterThanOrEqual(before.position);
      expect(after.applied).toBeGreaterThanOrEqual(before.applied);
      expect(after.head).toBeGreaterThanOrEqual(before.head);
    }
    for (const report of reports) {
      expect(report.position).toBeLessThanOrEqual(report.head);
      expect(report.eventsPerSecond).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(report.eventsPerSecond)).toBe(true);
      expect(report.startedAt).toBe(reports[0]!.startedAt);
    }
    expect(reports.filter((report) => report.done)).toEqual([last]);
    expect(last).toMatchObject({ position: head, head, applied: EVENTS, etaSeconds: 0 });
    expect(await readCheckpoint(stores.readStore, auditTrail.name)).toBe(head);
    expect(await auditRows()).toHaveLength(EVENTS);

    // Its worker leads again from the rebuilt checkpoint.
    const later = await append(10);
    await caughtUp(later);
    expect(await auditRows()).toHaveLength(EVENTS + 10);
  });

  it('waits for a lease another holder keeps, and gives up with a clear error after its timeout', async () => {
    await start([]); // migrations only
    await stores.readStore.migrate(auditTrail.name, auditTrail.migrations);
    const head = await append(30);
    const held = await stores.readStore.tryAcquireLease(`projection:${auditTrail.name}`);
    expect(held).not.toBeNull();
    const waits: number[] = [];
    const refused = rebuildWithLease({
      projection: auditTrail,
      store: stores.store,
      readStore: stores.readStore,
      options: { leaseTimeoutMs: 300, onWaiting: (waited) => waits.push(waited) },
    });
    await expect(refused).rejects.toThrow(LeaseUnavailableError);
    await expect(refused).rejects.toThrow(
      /projection:audit-trail is still held by another process/,
    );
    expect(waits.length).toBeGreaterThan(0);

    // Without a timeout it waits as long as it takes.
    const waiting = rebuildWithLease({
      projection: auditTrail,
      store: stores.store,
      readStore: stores.readStore,
      options: { onWaiting: (waited) => waits.push(waited) },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await held!.release();
    expect(await waiting).toMatchObject({ position: head, done: true });
    expect(await auditRows()).toHaveLength(30);
  });

  it('stops between batches when the workers stop; the next start finishes the rebuild from its checkpoint', async () => {
    const workers = await start();
    const head = await append(EVENTS);
    await caughtUp(head);
    let stopping: Promise<void> | undefined;
    const interrupted = workers.rebuild(auditTrail.name, {
      batchSize: BATCH,
      onProgress: (progress) => {
        if (progress.position >= 2 * BATCH) stopping ??= workers.stop();
      },
    });
    await expect(interrupted).rejects.toThrow(/the workers are stopping/);
    await stopping;
    const halfway = await readCheckpoint(stores.readStore, auditTrail.name);
    expect(halfway).toBeGreaterThanOrEqual(2 * BATCH);
    expect(halfway).toBeLessThan(head);
    expect(await auditRows()).toHaveLength(halfway); // a consistent prefix, no more, no less

    await start();
    await caughtUp(head);
    expect(await auditRows()).toEqual(Array.from({ length: EVENTS }, (_, i) => i + 1));
  });

  it('refuses an unknown name, a policy (no tables), and a second rebuild of a paused worker', async () => {
    const policy: Projection = {
      name: 'some-policy',
      migrations: [],
      apply: async () => undefined,
    };
    const workers = await start([auditTrail, policy]);
    await expect(workers.rebuild('nonsense')).rejects.toThrow(UnknownProjectionError);
    await expect(workers.rebuild('nonsense')).rejects.toThrow(/the read models are audit-trail$/);
    await expect(workers.rebuild('some-policy')).rejects.toThrow(NotRebuildableError);

    await append(EVENTS);
    const first = workers.rebuild(auditTrail.name, { batchSize: 10 });
    await expect(workers.rebuild(auditTrail.name)).rejects.toThrow(/paused already/);
    await expect(first).resolves.toMatchObject({ done: true, applied: EVENTS });
  });
}

describe('rebuilding a projection on SQLite', () => rebuildWorkersSuite(openSqliteStores));
describeWithPostgres('rebuilding a projection on PostgreSQL', () =>
  rebuildWorkersSuite(openPostgresStores),
);
