import { randomUUID } from 'node:crypto';
import { auditTrail } from '../../projections/auditTrail';
import type { NewEvent } from '../../src/eventstore/eventStore';
import { storedDataJsonOf } from '../../src/eventstore/storedDataJson';
import type { ReadStore } from '../../src/readstore/readStore';
import { migrateReadSide } from '../../src/readstore/migrateReadSide';
import { readCheckpoint } from '../../src/workers/checkpoints';
import { rebuildWithLease, leaseNameOf } from '../../src/workers/rebuild';
import { deferSecondaryIndexes, restoreDeferredIndexes } from '../../src/workers/rebuildIndexes';
import { canonicalJson } from '../../src/eventstore/json';
import { describeWithPostgres } from '../support/postgresTarget';
import { openPostgresStores, openSqliteStores, type Stores } from '../support/serviceHarness';

jest.setTimeout(60_000);

const EVENTS = 120;

/** The audit trail's secondary indexes (by stream, actor, correlation), as the engine lists them. */
async function indexesOf(readStore: ReadStore): Promise<string[]> {
  const rows = await readStore.query<{ name: string }>(
    readStore.dialect === 'sqlite'
      ? "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_trail' AND sql IS NOT NULL"
      : "SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'audit_trail' AND indexdef NOT LIKE 'CREATE UNIQUE%'",
  );
  return rows.map((row) => row.name).sort();
}

async function auditRows(readStore: ReadStore): Promise<unknown[]> {
  return readStore.query('SELECT * FROM audit_trail ORDER BY global_position');
}

/**
 * A bulk rebuild (deferred indexes, as the CLI runs it) gives the same rows and the same indexes
 * as a plain one; stopped half way it builds its indexes before it returns, and killed half way
 * it leaves them written down, for the next start to build.
 */
function deferredIndexSuite(openStores: () => Promise<Stores>): void {
  let stores: Stores;
  let indexes: string[];

  beforeAll(async () => {
    stores = await openStores();
    await migrateReadSide(stores.store, stores.readStore);
    indexes = await indexesOf(stores.readStore);
    for (let stream = 0; stream < EVENTS / 10; stream++) {
      const events: NewEvent[] = Array.from({ length: 10 }, (_, i) => ({
        eventId: randomUUID(),
        type: 'AuditedThingHappened',
        schemaVersion: 1,
        // Keys out of order and a non-ASCII text: the audit trail stores the canonical JSON.
        data: { phase: 'II', note: `écrit ${stream}/${i}`, count: i * 1.5 },
        metadata: {
          occurredAt: '2020-01-01',
          actor: `actor-${i % 3}`,
          ...(i % 2 === 0 && { correlationId: randomUUID() }),
        },
      }));
      await stores.store.append(`agreement-${randomUUID()}`, events, {
        expectedVersion: 'no-stream',
      });
    }
  });

  afterAll(async () => {
    await stores.close();
  });

  it('has secondary indexes to defer', () => {
    expect(indexes).toEqual([
      'audit_trail_by_actor',
      'audit_trail_by_correlation',
      'audit_trail_by_stream',
    ]);
  });

  it('reads the stored data text as the canonical JSON of the data', async () => {
    const events = await stores.store.readAll({ after: 0, maxCount: EVENTS });
    expect(events).toHaveLength(EVENTS);
    for (const event of events) expect(storedDataJsonOf(event)).toBe(canonicalJson(event.data));
  });

  it('builds the same rows and indexes as a rebuild that keeps its indexes', async () => {
    await rebuildWithLease({
      projection: auditTrail,
      store: stores.store,
      readStore: stores.readStore,
    });
    const plain = await auditRows(stores.readStore);
    expect(plain).toHaveLength(EVENTS);

    const done = await rebuildWithLease({
      projection: auditTrail,
      store: stores.store,
      readStore: stores.readStore,
      options: { deferIndexes: true, batchSize: 50 },
    });
    expect(done).toMatchObject({ done: true, position: EVENTS, applied: EVENTS });
    expect(await auditRows(stores.readStore)).toEqual(plain);
    expect(await indexesOf(stores.readStore)).toEqual(indexes);
    expect(await stores.readStore.query('SELECT * FROM rebuild_deferred_indexes')).toEqual([]);
  });

  it('builds its indexes before it returns when stopped half way, and the checkpoint holds', async () => {
    const stop = new AbortController();
    await expect(
      rebuildWithLease({
        projection: auditTrail,
        store: stores.store,
        readStore: stores.readStore,
        options: {
          deferIndexes: true,
          batchSize: 30,
          signal: stop.signal,
          onProgress: (progress) => {
            if (progress.position >= 60) stop.abort(new Error('stopped'));
          },
        },
      }),
    ).rejects.toThrow('stopped');
    expect(await readCheckpoint(stores.readStore, auditTrail.name)).toBe(60);
    expect(await auditRows(stores.readStore)).toHaveLength(60);
    expect(await indexesOf(stores.readStore)).toEqual(indexes);
    expect(await stores.readStore.query('SELECT * FROM rebuild_deferred_indexes')).toEqual([]);
  });

  it('leaves the indexes of a killed rebuild to the next start, which builds them', async () => {
    // What a rebuild killed after its first transaction leaves behind.
    const lease = await stores.readStore.tryAcquireLease(leaseNameOf(auditTrail.name));
    await lease!.transaction((tx) =>
      deferSecondaryIndexes(tx, {
        dialect: stores.readStore.dialect,
        projection: auditTrail.name,
        tables: ['audit_trail'],
      }),
    );
    await lease!.release();
    expect(await indexesOf(stores.readStore)).toEqual([]);

    await migrateReadSide(stores.store, stores.readStore);
    expect(await indexesOf(stores.readStore)).toEqual(indexes);
    // Nothing left to do: a second start builds nothing.
    await restoreDeferredIndexes(stores.readStore);
    expect(await indexesOf(stores.readStore)).toEqual(indexes);
  });
}

describe('a bulk rebuild on SQLite', () => deferredIndexSuite(openSqliteStores));

describeWithPostgres('a bulk rebuild on PostgreSQL', () => deferredIndexSuite(openPostgresStores));
