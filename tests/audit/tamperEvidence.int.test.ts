import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { hashChainProjection } from '../../projections/hashChain';
import { latestCheckpoint } from '../../src/audit/checkpointStore';
import {
  leafHashOf,
  verifyCheckpointSignature,
  verifyConsistency,
  verifyInclusion,
} from '../../src/audit/merkleVerify';
import { parseSigningKey } from '../../src/audit/signingKey';
import { verifyLog, type VerifyReport } from '../../src/audit/verifyLog';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgresEventStore';
import { SqliteEventStore } from '../../src/eventstore/sqlite/sqliteEventStore';
import { PostgresReadStore } from '../../src/readstore/postgres/postgresReadStore';
import { SqliteReadStore } from '../../src/readstore/sqlite/sqliteReadStore';
import { createTestDatabase, describeWithPostgres } from '../support/postgresTarget';
import { startService, type RunningService, type Stores } from '../support/serviceHarness';
import { testLogger } from '../support/testLogger';

jest.setTimeout(60_000);

const KEY = parseSigningKey(Buffer.alloc(32, 3).toString('base64'));

/** The stores of a service, and SQL run on its event table behind its back, as an intruder would. */
interface Target extends Stores {
  /** Runs statements on the events' database as its administrator, the immutability triggers dropped. */
  tamper(statements: readonly string[]): Promise<void>;
}

async function sqliteTarget(): Promise<Target> {
  const directory = mkdtempSync(join(tmpdir(), 'obligations-audit-'));
  const path = join(directory, 'events.db');
  const store = SqliteEventStore.open({ path, logger: testLogger() });
  const readStore = SqliteReadStore.open({
    path: join(directory, 'read-models.db'),
    logger: testLogger(),
  });
  return {
    kind: 'sqlite',
    store,
    readStore,
    openSpareReadStore: () => Promise.reject(new Error('not needed')),
    async tamper(statements) {
      const db = new Database(path);
      try {
        db.exec('DROP TRIGGER IF EXISTS events_are_immutable_update');
        db.exec('DROP TRIGGER IF EXISTS events_are_immutable_delete');
        for (const statement of statements) db.exec(statement);
      } finally {
        db.close();
      }
    },
    async close() {
      await readStore.close();
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function postgresTarget(): Promise<Target> {
  const database = await createTestDatabase();
  const store = await PostgresEventStore.open({
    connectionString: database.url,
    logger: testLogger(),
  });
  const readStore = await PostgresReadStore.open({
    connectionString: database.url,
    logger: testLogger(),
  });
  return {
    kind: 'postgres',
    store,
    readStore,
    openSpareReadStore: () => Promise.reject(new Error('not needed')),
    async tamper(statements) {
      await database.admin('DROP TRIGGER IF EXISTS events_are_immutable ON events');
      await database.admin('DROP TRIGGER IF EXISTS events_are_not_truncated ON events');
      for (const statement of statements) await database.admin(statement);
    },
    async close() {
      await readStore.close();
      await store.close();
      await database.drop();
    },
  };
}

const EVENTS = 20;

/** 20 events in three streams (after the admin key's), hashed and covered by signed checkpoints. */
async function hashedHistory(target: Target): Promise<{ service: RunningService; head: number }> {
  const service = await startService(target, {
    signingKey: KEY,
    checkpointPolicy: { everyEvents: 5, everyMs: 200 },
  });
  // The signer records its key in the log (CheckpointKeyAdopted) on its first tick, which may
  // land while this waits: the head is read again on each try, never once before the wait.
  const signedUpToHead = async () => {
    let head = 0;
    await eventually(async () => {
      head = await target.store.headPosition();
      return (await latestCheckpoint(target.readStore))?.treeSize === head;
    });
    return head;
  };
  try {
    for (let i = 0; i < EVENTS; i++) {
      // Half way, a checkpoint must cover the log: two at least, whatever the batching.
      if (i === EVENTS / 2) await signedUpToHead();
      await appendProbe(target, i);
    }
    return { service, head: await signedUpToHead() };
  } catch (error) {
    // A failed set-up must not leave a running service behind: its timers would keep jest alive.
    await service.stop();
    throw error;
  }
}

async function appendProbe(target: Target, i: number): Promise<void> {
  await target.store.append(
    `probe-${i % 3}`,
    [
      {
        eventId: randomUUID(),
        type: 'ProbeRecorded',
        schemaVersion: 1,
        data: { n: i, note: 'déjà vu', amountMinor: String(i * 100) },
        metadata: {
          occurredAt: '2025-01-01',
          actor: 'test',
          ...(i % 2 === 0 && { correlationId: `c-${i}` }),
        },
      },
    ],
    { expectedVersion: 'any' },
  );
}

async function eventually(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const verify = (target: Target): Promise<VerifyReport> =>
  verifyLog({
    store: target.store,
    readStore: target.readStore,
    publicKeyPem: KEY.publicKeyPem,
    batchSize: 7,
  });

/** Moves events p.. one position up (from the end, one row at a time: no key collides). */
const shiftUp = (from: number, head: number): string[] =>
  Array.from(
    { length: head - from + 1 },
    (_, i) =>
      `UPDATE events SET global_position = ${head - i + 1} WHERE global_position = ${head - i}`,
  );

function tamperSuite(open: () => Promise<Target>): void {
  let target: Target;
  let service: RunningService;
  let head: number;

  beforeEach(async () => {
    target = await open();
    ({ service, head } = await hashedHistory(target));
  });

  afterEach(async () => {
    await service.stop();
    await target.close();
  });

  it('verifies an untouched log against its chain and every signed checkpoint', async () => {
    await service.stop();
    const report = await verify(target);
    expect(report).toMatchObject({
      ok: true,
      failure: null,
      eventsChecked: head,
      hashedTreeSize: head,
      unhashedEvents: 0,
      signaturesChecked: true,
    });
    expect(report.checkpointsChecked).toBeGreaterThanOrEqual(2);
    expect(report.lastGoodCheckpoint?.treeSize).toBe(head);
  });

  it('finds an edited event’s data at its position', async () => {
    await service.stop();
    await target.tamper([`UPDATE events SET data = '{"n":999}' WHERE global_position = 8`]);
    expect((await verify(target)).failure).toMatchObject({ kind: 'changed', position: 8 });
  });

  it('finds an edited actor (metadata) at its position', async () => {
    await service.stop();
    await target.tamper([`UPDATE events SET actor = 'someone-else' WHERE global_position = 11`]);
    expect((await verify(target)).failure).toMatchObject({ kind: 'changed', position: 11 });
  });

  it('finds a deleted event at its position, in the middle and at the end', async () => {
    await service.stop();
    await target.tamper([`DELETE FROM events WHERE global_position = ${head}`]);
    expect((await verify(target)).failure).toMatchObject({ kind: 'missing', position: head });
    await target.tamper(['DELETE FROM events WHERE global_position = 9']);
    expect((await verify(target)).failure).toMatchObject({ kind: 'missing', position: 9 });
  });

  it('finds two events that swapped places at the first of them', async () => {
    await service.stop();
    await target.tamper([
      'UPDATE events SET global_position = 1000000 WHERE global_position = 8',
      'UPDATE events SET global_position = 8 WHERE global_position = 13',
      'UPDATE events SET global_position = 13 WHERE global_position = 1000000',
    ]);
    expect((await verify(target)).failure).toMatchObject({ kind: 'reordered', position: 8 });
  });

  it('finds an event inserted in the middle of the log at its position', async () => {
    await service.stop();
    await target.tamper([
      ...shiftUp(10, head),
      `INSERT INTO events (global_position, event_id, stream_id, stream_version, type, schema_version, data, occurred_at, recorded_at, actor, content_hash)
       SELECT 10, '${randomUUID()}', 'probe-forged', 1, type, schema_version, data, occurred_at, recorded_at, actor, content_hash
       FROM events WHERE global_position = 11`,
    ]);
    expect((await verify(target)).failure).toMatchObject({ kind: 'inserted', position: 10 });
  });

  it('finds an edit whose hash chain was recomputed too, by the signed checkpoints', async () => {
    await service.stop();
    await target.tamper([`UPDATE events SET data = '{"n":999}' WHERE global_position = 12`]);
    // The intruder rebuilds the hash chain's tables from the altered log: only the signatures remain.
    await target.readStore.transaction(async (tx) => {
      await tx.execute('DELETE FROM audit_tree_nodes');
      await tx.execute('DELETE FROM audit_leaves');
      await hashChainProjection.apply(
        tx,
        await target.store.readAll({ after: 0, maxCount: 1_000 }),
      );
    });
    const report = await verify(target);
    expect(report.failure?.kind).toBe('checkpoint-mismatch');
    // It points at the first event no good checkpoint covers: the edit is at or after it.
    const covered = report.lastGoodCheckpoint?.treeSize ?? 0;
    expect(covered).toBeLessThan(12);
    expect(report.failure!.position).toBe(covered + 1);
  });

  it('finds an edited hash chain table at the link that changed', async () => {
    await service.stop();
    await target.readStore.execute(
      `UPDATE audit_leaves SET chain_hash = '${'0'.repeat(64)}' WHERE leaf_index = 5`,
    );
    expect((await verify(target)).failure).toMatchObject({ kind: 'chain-altered', position: 6 });
  });

  it('finds a checkpoint signed by another key', async () => {
    await service.stop();
    const other = parseSigningKey(Buffer.alloc(32, 4).toString('base64'));
    const checkpoint = (await latestCheckpoint(target.readStore))!;
    const forged = other.sign(Buffer.from('anything'));
    await target.readStore.execute(
      `UPDATE audit_checkpoints SET signature = '${forged}' WHERE tree_size = ${checkpoint.treeSize}`,
    );
    expect((await verify(target)).failure?.kind).toBe('bad-signature');
  });

  it('answers proofs an auditor checks offline with the published key, and verifies over HTTP', async () => {
    const get = async (path: string): Promise<Record<string, unknown>> => {
      const response = await fetch(`${service.baseUrl}${path}`, {
        headers: { authorization: `Bearer ${service.adminKey}` },
      });
      expect(response.status).toBe(200);
      return (await response.json()) as Record<string, unknown>;
    };
    const publicKey = (await (await fetch(`${service.baseUrl}/audit/public-key`)).json()) as {
      publicKeyPem: string;
      keyId: string;
    };
    expect(publicKey).toEqual({
      algorithm: 'Ed25519',
      keyId: KEY.keyId,
      publicKeyPem: KEY.publicKeyPem,
      // The one key the log recorded, valid from its start.
      keys: [
        {
          algorithm: 'Ed25519',
          keyId: KEY.keyId,
          publicKeyPem: KEY.publicKeyPem,
          adoptedAt: expect.any(String) as unknown,
          adoptedAtPosition: expect.any(Number) as unknown,
          validFromPosition: 1,
          validUntilPosition: null,
        },
      ],
    });
    const events = await target.store.readAll({ after: 0, maxCount: 100 });
    for (const event of events) {
      const proof = (await get(`/audit/proofs/inclusion?eventId=${event.eventId}`)) as {
        entry: string;
        leafHash: string;
        leafIndex: number;
        treeSize: number;
        auditPath: string[];
        checkpoint: {
          treeSize: number;
          rootHash: string;
          chainHash: string;
          timestamp: string;
          signature: string;
        };
      };
      expect(JSON.parse(proof.entry)).toMatchObject({ eventId: event.eventId, data: event.data });
      expect(leafHashOf(Buffer.from(proof.entry, 'utf8'))).toBe(proof.leafHash);
      expect(verifyCheckpointSignature(proof.checkpoint, publicKey.publicKeyPem)).toBe(true);
      expect(proof.treeSize).toBe(proof.checkpoint.treeSize);
      expect(
        verifyInclusion(
          proof.leafHash,
          { leafIndex: proof.leafIndex, treeSize: proof.treeSize, auditPath: proof.auditPath },
          proof.checkpoint.rootHash,
        ),
      ).toBe(true);
    }
    const first = events[2]!;
    const earlier = (await get(`/audit/proofs/inclusion?eventId=${first.eventId}&treeSize=5`).catch(
      () => null,
    )) as { checkpoint: { rootHash: string } } | null;
    const consistency = (await get(`/audit/proofs/consistency?from=5&to=${head}`)) as {
      proof: string[];
      fromRoot: string;
      toRoot: string;
      toCheckpoint: { rootHash: string } | null;
    };
    expect(consistency.toCheckpoint?.rootHash).toBe(consistency.toRoot);
    if (earlier !== null) expect(earlier.checkpoint.rootHash).toBe(consistency.fromRoot);
    expect(
      verifyConsistency(5, head, consistency.proof, consistency.fromRoot, consistency.toRoot),
    ).toBe(true);
    expect(await verifyOverHttp(service)).toMatchObject({
      state: 'completed',
      position: head,
      head,
      eventsChecked: head,
      report: { ok: true, eventsChecked: head },
    });
  });

  it('refuses a consistency proof between trees it does not have, naming each bad size', async () => {
    const response = await fetch(
      `${service.baseUrl}/audit/proofs/consistency?from=${head + 2}&to=${head + 1}`,
      { headers: { authorization: `Bearer ${service.adminKey}` } },
    );
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({
      type: '/problems/bad-tree-sizes',
      errors: [
        { pointer: '/query/from', detail: `must be at most to (${head + 1})` },
        { pointer: '/query/to', detail: expect.stringMatching(/^must be at most \d+/) },
      ],
    });
  });

  it('answers a proof asked while a rebuild has emptied the Merkle tree with 503 and Retry-After, not a 500', async () => {
    // What a reader sees between a rebuild's DELETE and its first batch: leaves sized, no subtree.
    await target.readStore.transaction(async (tx) => {
      await tx.execute('DELETE FROM audit_tree_nodes');
    });
    const response = await fetch(
      `${service.baseUrl}/audit/proofs/consistency?from=${head}&to=${head}`,
      { headers: { authorization: `Bearer ${service.adminKey}` } },
    );
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toMatchObject({
      type: '/problems/read-model-rebuilding',
      status: 503,
    });
  });

  it('verifies over HTTP as a job (202, Location, progress), which reports an edited event at its position', async () => {
    await target.tamper([`UPDATE events SET data = '{"n":999}' WHERE global_position = 8`]);
    const job = await verifyOverHttp(service);
    expect(job).toMatchObject({
      state: 'completed',
      error: null,
      report: { ok: false, failure: { kind: 'changed', position: 8 } },
    });
    expect(job.eventsPerSecond).toBeGreaterThanOrEqual(0);
    const unknown = await fetch(`${service.baseUrl}/audit/verifications/nope`, {
      headers: { authorization: `Bearer ${service.adminKey}` },
    });
    expect(unknown.status).toBe(404);
  });
}

/** POST /audit/verify, then follows Location until the job has finished; answers the job. */
async function verifyOverHttp(service: RunningService): Promise<Record<string, unknown>> {
  const headers = { authorization: `Bearer ${service.adminKey}` };
  const started = await fetch(`${service.baseUrl}/audit/verify`, { method: 'POST', headers });
  expect(started.status).toBe(202);
  const location = started.headers.get('location') ?? '';
  const body = (await started.json()) as { id: string; state: string };
  expect(location).toBe(`/audit/verifications/${body.id}`);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const job = (await (await fetch(`${service.baseUrl}${location}`, { headers })).json()) as {
      state: string;
    };
    if (job.state !== 'running') return job;
    if (Date.now() > deadline) throw new Error('the verification never finished');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('tamper evidence on SQLite', () => tamperSuite(sqliteTarget));
describeWithPostgres('tamper evidence on PostgreSQL', () => tamperSuite(postgresTarget));
