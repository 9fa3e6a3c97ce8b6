import { verifyBundle, type EvidenceBundle } from '../../src/audit/bundleVerify';
import { parseSigningKey } from '../../src/audit/signingKey';
import { describeWithPostgres } from '../support/postgresTarget';
import { A, agreementWithPayment } from './auditFixtures';
import {
  openPostgresStores,
  openSqliteStores,
  startService,
  type RunningService,
  type Stores,
} from '../support/serviceHarness';

jest.setTimeout(60_000);

const KEY = parseSigningKey(Buffer.alloc(32, 7).toString('base64'));
const OTHER_KEY = parseSigningKey(Buffer.alloc(32, 8).toString('base64'));

const clone = (bundle: EvidenceBundle): EvidenceBundle =>
  JSON.parse(JSON.stringify(bundle)) as EvidenceBundle;

function bundleSuite(open: () => Promise<Stores>): void {
  let stores: Stores;
  let service: RunningService;
  let bundle: EvidenceBundle;

  beforeAll(async () => {
    stores = await open();
    service = await startService(stores, {
      signingKey: KEY,
      checkpointPolicy: { everyEvents: 1, everyMs: 100 },
    });
    await agreementWithPayment(service);
    const response = await fetch(`${service.baseUrl}/audit/bundles/agreements/${A}`, {
      headers: { authorization: `Bearer ${service.adminKey}` },
    });
    expect(response.status).toBe(200);
    bundle = (await response.json()) as EvidenceBundle;
  });

  afterAll(async () => {
    await service.stop();
    await stores.close();
  });

  const check = (candidate: unknown, publicKeyPem = KEY.publicKeyPem) =>
    verifyBundle(candidate, { publicKeyPem });
  const reasons = (candidate: unknown, publicKeyPem?: string) =>
    check(candidate, publicKeyPem).failures.map((failure) => failure.reason);

  it('holds the agreement’s and its product’s streams, and verifies offline with the pinned key, proving the payment history', () => {
    expect(bundle.streams.map((s) => s.streamId)).toEqual([
      `agreement-${A}`,
      'product-biib015',
      // Which key was valid when the checkpoint was signed.
      'signing-keys',
    ]);
    expect(bundle.events.some((e) => e.event.type === 'INDSubmitted')).toBe(true);
    expect(bundle.publicKey.keyId).toBe(KEY.keyId);
    const report = check(bundle);
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ ok: true, keySource: 'pinned', warnings: [] });
    expect(report.payments).toEqual([
      expect.objectContaining({
        amount: { amount: '1200000.00', currency: 'USD' },
        receivedOn: '2008-03-01',
        reference: 'W-1',
        applications: [
          expect.objectContaining({
            // The upfront fee first; the IND milestone, if its reactor has run by then, next.
            allocations: expect.arrayContaining([
              expect.objectContaining({ amount: { amount: '1000000.00', currency: 'USD' } }),
            ]) as unknown,
            reversed: false,
          }),
        ],
      }),
    ]);
  });

  it('warns loudly when it could only use the key inside the bundle', () => {
    const report = verifyBundle(bundle);
    expect(report.ok).toBe(true);
    expect(report.keySource).toBe('bundle');
    expect(report.warnings.join()).toMatch(/WARNING.*INSIDE the bundle.*proves nothing/);
  });

  it('fails on an edited event’s data, naming the event', () => {
    const edited = clone(bundle);
    const payment = edited.events.find((e) => e.event.type === 'PaymentReceived')!;
    (payment.event.data as { amount: { amount: string } }).amount.amount = '12000000.00';
    const report = check(edited);
    expect(report.ok).toBe(false);
    expect(report.payments).toBeNull();
    expect(report.failures).toEqual([
      expect.objectContaining({
        eventId: payment.event.eventId,
        reason: expect.stringMatching(/not proven in the checkpoint/) as unknown,
      }),
    ]);
  });

  it('fails on edited metadata (who recorded it)', () => {
    const edited = clone(bundle);
    edited.events[0]!.event.metadata.actor = 'someone-else';
    expect(reasons(edited).join()).toMatch(
      new RegExp(`event ${edited.events[0]!.event.eventId} .*not proven`),
    );
  });

  it('fails on a dropped event, naming the stream and version missing', () => {
    const dropped = clone(bundle);
    const [removed] = dropped.events.splice(1, 1);
    expect(reasons(dropped).join()).toContain(
      `${removed!.event.streamId}: the event at version ${removed!.event.streamVersion} of`,
    );
  });

  it('fails on reordered events', () => {
    const reordered = clone(bundle);
    const [first, second] = reordered.events;
    reordered.events[0] = second!;
    reordered.events[1] = first!;
    expect(reasons(reordered).join()).toMatch(
      new RegExp(`event ${first!.event.eventId} .*out of log order`),
    );
  });

  it('fails on a swapped checkpoint root: bad signature and no event proven', () => {
    const swapped = clone(bundle);
    swapped.checkpoint.rootHash = 'ab'.repeat(32);
    const all = reasons(swapped);
    expect(all[0]).toMatch(/^bad signature/);
    expect(all.filter((reason) => /not proven in the checkpoint/.test(reason))).toHaveLength(
      bundle.events.length,
    );
  });

  it('fails with a different public key', () => {
    expect(reasons(bundle, OTHER_KEY.publicKeyPem).join()).toMatch(
      new RegExp(`bad signature.*not signed by the public key ${OTHER_KEY.keyId}`),
    );
  });

  it('uses the pinned key, never one swapped into the bundle', () => {
    const forged = clone(bundle);
    forged.publicKey = { ...forged.publicKey, publicKeyPem: OTHER_KEY.publicKeyPem };
    expect(verifyBundle(forged).ok).toBe(false);
    expect(check(forged).ok).toBe(true);
  });

  it('is v2: a v2 checkpoint commits to every stream’s head, and each stream of the bundle ends at its proven head', () => {
    expect(bundle.format).toBe('obligations.evidence-bundle.v2');
    expect(bundle.checkpoint.streamHeadsRoot).toMatch(/^[0-9a-f]{64}$/);
    // The admin key's stream and the two of the bundle, at least.
    expect(bundle.checkpoint.streamHeadsSize).toBeGreaterThanOrEqual(3);
    const agreementStream = `agreement-${A}`;
    const lastOfAgreement = bundle.events
      .filter((e) => e.event.streamId === agreementStream)
      .at(-1)!;
    expect(bundle.streamHeads).toEqual([
      expect.objectContaining({
        streamId: agreementStream,
        head: expect.objectContaining({
          entry: {
            streamId: agreementStream,
            streamVersion: lastOfAgreement.event.streamVersion,
            globalPosition: lastOfAgreement.event.globalPosition,
            leafIndex: lastOfAgreement.leafIndex,
          },
        }) as unknown,
      }),
      expect.objectContaining({ streamId: 'product-biib015' }),
      expect.objectContaining({ streamId: 'signing-keys' }),
    ]);
  });

  it('fails when the last events of a stream are dropped AND the stream list edited to match, naming the signed end', () => {
    const cut = clone(bundle);
    const agreementStream = `agreement-${A}`;
    const declared = cut.streams.find((s) => s.streamId === agreementStream)!;
    const signedEnd = declared.version;
    // The payment and whatever followed it in the agreement's stream.
    const payment = cut.events.find((e) => e.event.type === 'PaymentReceived')!;
    const keepUpTo = payment.event.streamVersion - 1;
    cut.events = cut.events.filter(
      (e) => e.event.streamId !== agreementStream || e.event.streamVersion <= keepUpTo,
    );
    declared.version = keepUpTo;
    const report = check(cut);
    expect(report.ok).toBe(false);
    expect(report.payments).toBeNull();
    expect(report.failures.map((f) => f.reason)).toEqual([
      `${agreementStream}: the signed checkpoint puts the stream's end at version ${signedEnd} (position ${bundle.streamHeads![0]!.head!.entry.globalPosition}), but the bundle ends it at version ${keepUpTo}: events at its end were left out and the stream list edited`,
    ]);
    // Before stream heads, this bundle was indistinguishable from a complete one.
    const v1Like = { ...cut, format: 'obligations.evidence-bundle.v1', streamHeads: undefined };
    expect(reasons(v1Like).join()).toContain(
      `${agreementStream}: the bundle has no proof of where the stream ended at the checkpoint`,
    );
  });

  it('fails when the signed head is edited to match the cut bundle, or dropped, or the commitment removed', () => {
    const agreementStream = `agreement-${A}`;
    const edited = clone(bundle);
    const head = edited.streamHeads![0]!.head!;
    head.entry.streamVersion -= 1;
    edited.streams[0]!.version -= 1;
    edited.events = edited.events.filter(
      (e) =>
        e.event.streamId !== agreementStream || e.event.streamVersion <= head.entry.streamVersion,
    );
    expect(reasons(edited).join()).toContain(
      `${agreementStream}: its stream head (version ${head.entry.streamVersion}) is not proven in the checkpoint's stream heads`,
    );
    const dropped = clone(bundle);
    dropped.streamHeads = dropped.streamHeads!.slice(1);
    expect(reasons(dropped)).toEqual([
      `${agreementStream}: the bundle has no proof of where the stream ended at the checkpoint (its signed stream head): events at its end may have been left out`,
    ]);
    // Stripping the commitment from the checkpoint breaks its signature.
    const stripped = clone(bundle);
    delete stripped.checkpoint.streamHeadsRoot;
    delete stripped.checkpoint.streamHeadsSize;
    delete stripped.streamHeads;
    stripped.format = 'obligations.evidence-bundle.v1';
    expect(reasons(stripped)[0]).toMatch(/^bad signature/);
  });

  it('answers 404 for an agreement it does not know', async () => {
    const response = await fetch(`${service.baseUrl}/audit/bundles/agreements/nope`, {
      headers: { authorization: `Bearer ${service.adminKey}` },
    });
    expect(response.status).toBe(404);
  });
}

describe('evidence bundles on SQLite', () => bundleSuite(openSqliteStores));
describeWithPostgres('evidence bundles on PostgreSQL', () => bundleSuite(openPostgresStores));
