import { verifyBundle, type EvidenceBundle } from '../../src/audit/bundleVerify';
import { signCheckpoint, type SignedCheckpoint } from '../../src/audit/checkpoint';
import { latestCheckpoint } from '../../src/audit/checkpointStore';
import { exportBundle } from '../../src/audit/evidenceBundle';
import { leafHashOf, verifyInclusion } from '../../src/audit/merkleVerify';
import { parseSigningKey } from '../../src/audit/signingKey';
import {
  streamHeadEntry,
  streamHeadsAt,
  streamHeadsRoot,
  StreamHeadsTree,
  type StreamHead,
} from '../../src/audit/streamHeads';
import { verifyLog } from '../../src/audit/verifyLog';
import { migrateReadSide } from '../../src/readstore/migrateReadSide';
import { describeWithPostgres } from '../support/postgresTarget';
import {
  openPostgresStores,
  openSqliteStores,
  startService,
  type RunningService,
  type Stores,
} from '../support/serviceHarness';
import { A, agreementWithPayment } from './auditFixtures';

jest.setTimeout(90_000);

const KEY = parseSigningKey(Buffer.alloc(32, 11).toString('base64'));

describe('the stream-head table', () => {
  const heads: StreamHead[] = ['a-1', 'agreement-x', 'product-p', 'product-q', 'z'].map(
    (streamId, i) => ({ streamId, streamVersion: i + 1, globalPosition: 10 + i, leafIndex: 9 + i }),
  );

  it('proves every entry against its root with the offline verifier, and locates absent streams between their neighbours', () => {
    for (let size = 0; size <= heads.length; size++) {
      const tree = new StreamHeadsTree(heads.slice(0, size));
      const root = streamHeadsRoot(tree.heads).toString('hex');
      for (let index = 0; index < size; index++) {
        const { head, auditPath } = tree.proofAt(index);
        const leaf = leafHashOf(Buffer.from(streamHeadEntry(head), 'utf8'));
        expect(verifyInclusion(leaf, { leafIndex: index, treeSize: size, auditPath }, root)).toBe(
          true,
        );
        const other = leafHashOf(
          Buffer.from(streamHeadEntry({ ...head, streamVersion: head.streamVersion + 1 }), 'utf8'),
        );
        expect(verifyInclusion(other, { leafIndex: index, treeSize: size, auditPath }, root)).toBe(
          false,
        );
      }
    }
    const tree = new StreamHeadsTree(heads);
    expect(tree.locate('product-p')).toEqual({ found: true, index: 2 });
    expect(tree.locate('product-pp')).toEqual({ found: false, index: 3 });
    expect(tree.locate('0')).toEqual({ found: false, index: 0 });
    expect(tree.locate('zz')).toEqual({ found: false, index: 5 });
  });

  it('writes each entry as documented, byte for byte', () => {
    expect(streamHeadEntry(heads[1]!)).toBe(
      '{"format":"obligations.stream-head.v1","globalPosition":11,"leafIndex":10,"streamId":"agreement-x","streamVersion":2}',
    );
  });
});

function streamHeadSuite(open: () => Promise<Stores>): void {
  let stores: Stores;
  let service: RunningService;

  beforeAll(async () => {
    stores = await open();
    service = await startService(stores, {
      signingKey: KEY,
      checkpointPolicy: { everyEvents: 1, everyMs: 100 },
    });
    await agreementWithPayment(service);
  });

  afterAll(async () => {
    await service.stop();
    await stores.close();
  });

  const verify = () =>
    verifyLog({ store: stores.store, readStore: stores.readStore, publicKeyPem: KEY.publicKeyPem });

  it('verify recomputes the stream heads of every v2 checkpoint, and catches a signed one that commits to others', async () => {
    const { readStore } = stores;
    const latest = (await latestCheckpoint(readStore))!;
    expect(latest.streamHeadsRoot).toMatch(/^[0-9a-f]{64}$/);
    expect((await verify()).ok).toBe(true);
    const forged = signCheckpoint({ ...latest, streamHeadsRoot: 'ab'.repeat(32) }, KEY);
    const setRow = (checkpoint: SignedCheckpoint) =>
      readStore.execute(
        'UPDATE audit_checkpoints SET stream_heads_root = ?, signature = ? WHERE tree_size = ?',
        [checkpoint.streamHeadsRoot!, checkpoint.signature, checkpoint.treeSize],
      );
    await setRow(forged);
    try {
      const report = await verify();
      expect(report.failure).toMatchObject({
        kind: 'checkpoint-mismatch',
        detail: expect.stringMatching(
          new RegExp(
            `commits to ${latest.streamHeadsSize} stream heads with root (ab)+; the log gives`,
          ),
        ) as unknown,
      });
    } finally {
      await setRow(latest);
    }
    expect((await verify()).ok).toBe(true);
  });

  it('proves a stream with no event at the checkpoint absent by its two neighbours, and refuses neighbours that do not bracket it', async () => {
    const { store, readStore } = stores;
    const bundle = await exportBundle({
      store,
      readStore,
      agreementId: A,
      publicKeyPem: KEY.publicKeyPem,
    });
    const checkpoint = bundle.checkpoint;
    const tree = new StreamHeadsTree(await streamHeadsAt(readStore, checkpoint.treeSize));
    const proofOf = (index: number) => {
      const { head, auditPath } = tree.proofAt(index);
      return { entry: head, index, auditPath };
    };
    const withAbsent = (streamId: string, below: number | null, above: number | null) => {
      const candidate = JSON.parse(JSON.stringify(bundle)) as EvidenceBundle;
      candidate.streams.push({ streamId, version: 0 });
      candidate.streamHeads!.push({
        streamId,
        head: null,
        below: below === null ? null : proofOf(below),
        above: above === null ? null : proofOf(above),
      });
      return verifyBundle(candidate, { publicKeyPem: KEY.publicKeyPem });
    };
    const absent = 'product-never-reported';
    const { found, index } = tree.locate(absent);
    expect(found).toBe(false);
    const below = index > 0 ? index - 1 : null;
    const above = index < tree.size ? index : null;
    expect(withAbsent(absent, below, above)).toMatchObject({ ok: true, failures: [] });
    // A stream that has events, claimed empty between neighbours that are not adjacent to it.
    const present = tree.locate('product-biib015');
    expect(present.found).toBe(true);
    const claimed = withAbsent(
      'product-biib015',
      present.index > 0 ? present.index - 1 : null,
      present.index + 1 < tree.size ? present.index + 1 : null,
    );
    expect(claimed.ok).toBe(false);
    expect(claimed.failures.map((f) => f.reason)).toContain(
      'product-biib015: the bundle says the stream had no event at the checkpoint, but its neighbours in the signed stream heads do not prove it',
    );
  });

  it('upgrades a store of v1 checkpoints: they still verify, v1 bundles still verify with a note, and new checkpoints and bundles are v2', async () => {
    await service.stop();
    const { store, readStore } = stores;
    // The store as it was before stream heads: leaves without streams, v1 checkpoints.
    const v1Checkpoints: SignedCheckpoint[] = [];
    for (const row of await readStore.query<{ tree_size: number | string }>(
      'SELECT tree_size FROM audit_checkpoints ORDER BY tree_size',
    )) {
      const [checkpoint] = await readStore.query<{
        tree_size: number | string;
        root_hash: string;
        chain_hash: string;
        signed_at: string;
      }>('SELECT * FROM audit_checkpoints WHERE tree_size = ?', [row.tree_size]);
      const v1 = signCheckpoint(
        {
          treeSize: Number(checkpoint!.tree_size),
          rootHash: checkpoint!.root_hash,
          chainHash: checkpoint!.chain_hash,
          timestamp: checkpoint!.signed_at,
        },
        KEY,
      );
      v1Checkpoints.push(v1);
      await readStore.execute(
        'UPDATE audit_checkpoints SET stream_heads_root = NULL, stream_heads_size = NULL, signature = ? WHERE tree_size = ?',
        [v1.signature, v1.treeSize],
      );
    }
    for (const statement of [
      'DROP TABLE audit_stream_heads',
      'CREATE TABLE audit_leaves_v1 AS SELECT leaf_index, global_position, event_id, leaf_hash, chain_hash FROM audit_leaves',
      'DROP TABLE audit_leaves',
      'ALTER TABLE audit_leaves_v1 RENAME TO audit_leaves',
      "DELETE FROM read_model_migrations WHERE owner = 'hash-chain' AND version >= 2",
    ])
      await readStore.execute(statement);
    expect((await verify()).ok).toBe(true);
    const v1Bundle = await exportBundle({
      store,
      readStore,
      agreementId: A,
      publicKeyPem: KEY.publicKeyPem,
    });
    expect(v1Bundle.format).toBe('obligations.evidence-bundle.v1');
    const v1Report = verifyBundle(v1Bundle, { publicKeyPem: KEY.publicKeyPem });
    expect(v1Report.failures).toEqual([]);
    expect(v1Report.warnings).toEqual([
      expect.stringMatching(/v1 bundle’s checkpoint does not commit to where each stream ends/),
    ]);

    // The upgrade: the hash chain is hashed again from the log's start, the v1 checkpoints kept.
    await migrateReadSide(store, readStore);
    expect(await readStore.query('SELECT leaf_index FROM audit_leaves')).toEqual([]);
    service = await startService(stores, {
      signingKey: KEY,
      checkpointPolicy: { everyEvents: 1, everyMs: 100 },
    });
    // Starting appended the new admin key: a checkpoint beyond the v1 ones, once re-hashed.
    const head = await store.headPosition();
    const deadline = Date.now() + 30_000;
    while (((await latestCheckpoint(readStore))?.treeSize ?? 0) < head) {
      if (Date.now() > deadline) throw new Error('no checkpoint after the upgrade');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const latest = (await latestCheckpoint(readStore))!;
    expect(latest.treeSize).toBeGreaterThan(v1Checkpoints.at(-1)!.treeSize);
    expect(latest.streamHeadsRoot).toMatch(/^[0-9a-f]{64}$/);
    const report = await verify();
    expect(report.failure).toBeNull();
    expect(report.checkpointsChecked).toBeGreaterThan(v1Checkpoints.length);
    const v2Bundle = await exportBundle({
      store,
      readStore,
      agreementId: A,
      publicKeyPem: KEY.publicKeyPem,
    });
    expect(v2Bundle.format).toBe('obligations.evidence-bundle.v2');
    expect(verifyBundle(v2Bundle, { publicKeyPem: KEY.publicKeyPem })).toMatchObject({
      ok: true,
      warnings: [],
    });
    expect(verifyBundle(v1Bundle, { publicKeyPem: KEY.publicKeyPem }).ok).toBe(true);
  });
}

describe('stream heads on SQLite', () => streamHeadSuite(openSqliteStores));
describeWithPostgres('stream heads on PostgreSQL', () => streamHeadSuite(openPostgresStores));
