import { verifyBundle, type EvidenceBundle } from '../../src/audit/bundleVerify';
import { signCheckpoint, type SignedCheckpoint } from '../../src/audit/checkpoint';
import { startCheckpointSigner } from '../../src/audit/checkpointSigner';
import { latestCheckpoint } from '../../src/audit/checkpointStore';
import { parseSigningKey, type SigningKey } from '../../src/audit/signingKey';
import { verifyLog } from '../../src/audit/verifyLog';
import { describeWithPostgres } from '../support/postgresTarget';
import {
  openPostgresStores,
  openSqliteStores,
  startService,
  type RunningService,
  type Stores,
} from '../support/serviceHarness';
import { testLogger } from '../support/testLogger';
import { A as AGREEMENT, agreementWithPayment } from './auditFixtures';

jest.setTimeout(90_000);

const KEY_A = parseSigningKey(Buffer.alloc(32, 21).toString('base64'));
const KEY_B = parseSigningKey(Buffer.alloc(32, 22).toString('base64'));
const KEY_C = parseSigningKey(Buffer.alloc(32, 23).toString('base64'));
const POLICY = { everyEvents: 1, everyMs: 100 };

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function rotationSuite(open: () => Promise<Stores>): void {
  let stores: Stores;
  let service: RunningService;
  let signedByA: number;

  const checkpointKeys = async (): Promise<string[]> =>
    (
      await stores.readStore.query<{ key_id: string }>(
        'SELECT key_id FROM audit_checkpoints ORDER BY tree_size',
      )
    ).map((row) => row.key_id);

  /** Waits until the head is signed, and by `key`. */
  async function signedHead(key: SigningKey): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const head = await stores.store.headPosition();
      const latest = await latestCheckpoint(stores.readStore);
      if (latest !== null && latest.treeSize >= head && latest.keyId === key.keyId) return;
      if (Date.now() > deadline) throw new Error(`the head was never signed by ${key.keyId}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  beforeAll(async () => {
    stores = await open();
    service = await startService(stores, { signingKey: KEY_A, checkpointPolicy: POLICY });
    await agreementWithPayment(service);
    signedByA = (await checkpointKeys()).length;
    await service.stop();
    // The rotation: the operator configures key B and restarts; the service keeps going.
    service = await startService(stores, { signingKey: KEY_B, checkpointPolicy: POLICY });
    const fact = await fetch(`${service.baseUrl}/products/rotation-product/facts`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${service.adminKey}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        type: 'INDSubmitted',
        data: { jurisdiction: 'US', submittedOn: '2009-01-05' },
      }),
    });
    expect(fact.status).toBeLessThan(300);
    await signedHead(KEY_B);
  });

  afterAll(async () => {
    await service.stop();
    await stores.close();
  });

  const verify = (publicKeyPem: string) =>
    verifyLog({ store: stores.store, readStore: stores.readStore, publicKeyPem });

  it('verify passes over the checkpoints of key A and of key B, with B (the configured key) pinned or both', async () => {
    const keys = await checkpointKeys();
    expect(signedByA).toBeGreaterThan(0);
    expect(keys.slice(0, signedByA)).toEqual(Array(signedByA).fill(KEY_A.keyId));
    expect(keys.slice(signedByA).length).toBeGreaterThan(0);
    expect(new Set(keys.slice(signedByA))).toEqual(new Set([KEY_B.keyId]));
    const withB = await verify(KEY_B.publicKeyPem);
    expect(withB.failure).toBeNull();
    expect(withB.checkpointsChecked).toBe(keys.length);
    expect((await verify(KEY_A.publicKeyPem + KEY_B.publicKeyPem)).failure).toBeNull();
  });

  it('fails with only the old key A pinned: the checkpoints of B are vouched for by no pinned key', async () => {
    expect((await verify(KEY_A.publicKeyPem)).failure).toMatchObject({
      kind: 'bad-signature',
      detail: expect.stringMatching(
        new RegExp(`signed by key ${KEY_B.keyId}, which the log adopted but you did not pin`),
      ) as unknown,
    });
  });

  it('publishes every key with the positions it is valid for', async () => {
    const body = (await (await fetch(`${service.baseUrl}/audit/public-key`)).json()) as {
      keyId: string;
      keys: { keyId: string; validFromPosition: number; validUntilPosition: number | null }[];
    };
    expect(body.keyId).toBe(KEY_B.keyId);
    const [a, b] = body.keys;
    expect(body.keys).toHaveLength(2);
    expect(a).toMatchObject({ keyId: KEY_A.keyId, validFromPosition: 1 });
    expect(b).toMatchObject({ keyId: KEY_B.keyId, validUntilPosition: null });
    expect(a!.validUntilPosition).toBe(b!.validFromPosition - 1);
  });

  it('fails a checkpoint signed by an unknown key C, even with C pinned, and one signed by the retired key A', async () => {
    const latest = (await latestCheckpoint(stores.readStore))!;
    const setRow = (checkpoint: SignedCheckpoint) =>
      stores.readStore.execute(
        'UPDATE audit_checkpoints SET key_id = ?, signature = ? WHERE tree_size = ?',
        [checkpoint.keyId, checkpoint.signature, checkpoint.treeSize],
      );
    try {
      await setRow(signCheckpoint(latest, KEY_C));
      expect((await verify(KEY_B.publicKeyPem + KEY_C.publicKeyPem)).failure).toMatchObject({
        kind: 'bad-signature',
        detail: `the checkpoint of tree size ${latest.treeSize} names signing key ${KEY_C.keyId}, which the log never adopted: an unknown key (key ${KEY_B.keyId} was valid there)`,
      });
      await setRow(signCheckpoint(latest, KEY_A));
      expect((await verify(KEY_A.publicKeyPem + KEY_B.publicKeyPem)).failure).toMatchObject({
        kind: 'bad-signature',
        detail: expect.stringMatching(
          new RegExp(
            `signed by key ${KEY_A.keyId}, which was not valid there: key ${KEY_B.keyId} was`,
          ),
        ) as unknown,
      });
    } finally {
      await setRow(latest);
    }
    expect((await verify(KEY_B.publicKeyPem)).failure).toBeNull();
  });

  it('exports a bundle signed by B that verifies offline with B pinned; a checkpoint re-signed by C or the retired A fails', async () => {
    const response = await fetch(`${service.baseUrl}/audit/bundles/agreements/${AGREEMENT}`, {
      headers: { authorization: `Bearer ${service.adminKey}` },
    });
    expect(response.status).toBe(200);
    const bundle = (await response.json()) as EvidenceBundle;
    expect(bundle.checkpoint.keyId).toBe(KEY_B.keyId);
    expect(bundle.publicKey.keyId).toBe(KEY_B.keyId);
    const check = (candidate: EvidenceBundle, pem: string) =>
      verifyBundle(candidate, { publicKeyPem: pem });
    expect(check(bundle, KEY_B.publicKeyPem)).toMatchObject({ ok: true, failures: [] });
    expect(check(bundle, KEY_A.publicKeyPem + KEY_B.publicKeyPem).ok).toBe(true);
    expect(check(bundle, KEY_A.publicKeyPem).ok).toBe(false);

    const resigned = (key: SigningKey): EvidenceBundle => {
      const forged = clone(bundle);
      forged.checkpoint = { ...forged.checkpoint, ...signCheckpoint(forged.checkpoint, key) };
      return forged;
    };
    const byC = check(resigned(KEY_C), KEY_B.publicKeyPem + KEY_C.publicKeyPem);
    expect(byC.ok).toBe(false);
    expect(byC.failures.map((f) => f.reason)).toEqual([
      `the checkpoint is signed by key ${KEY_C.keyId}, which the log never adopted (an unknown key): the valid key was ${KEY_B.keyId} (adopted at position ${
        bundle.events.filter((e) => e.event.streamId === 'signing-keys').at(-1)!.event
          .globalPosition
      })`,
    ]);
    const byA = check(resigned(KEY_A), KEY_A.publicKeyPem + KEY_B.publicKeyPem);
    expect(byA.failures.map((f) => f.reason).join()).toMatch(
      new RegExp(`signed by key ${KEY_A.keyId}, which was retired`),
    );
  });

  it('a worker still configured with the retired key A signs nothing more', async () => {
    const before = await checkpointKeys();
    const signer = startCheckpointSigner({
      store: stores.store,
      readStore: stores.readStore,
      key: KEY_A,
      policy: { everyEvents: 1, everyMs: 0 },
      logger: testLogger(),
      pollMs: 60_000,
    });
    try {
      expect(await signer.tick()).toBeNull();
    } finally {
      await signer.close();
    }
    expect(await checkpointKeys()).toEqual(before);
  });
}

describe('signing key rotation on SQLite', () => rotationSuite(openSqliteStores));
describeWithPostgres('signing key rotation on PostgreSQL', () => rotationSuite(openPostgresStores));
