import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIRST_ADMIN_EVENT_ID, ApiKeyRegistry } from '../../src/auth/apiKeyRegistry';
import { generateApiKey, hashSecret, parseApiKey } from '../../src/auth/apiKeyToken';
import { SqliteEventStore } from '../../src/eventstore/sqlite/sqliteEventStore';
import { testLogger } from '../support/testLogger';

let directory: string;
let store: SqliteEventStore;
let now: Date;
const clock = () => now;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'obligations-keys-'));
  store = SqliteEventStore.open({ path: join(directory, 'events.db'), logger: testLogger() });
  now = new Date('2026-03-01T09:00:00.000Z');
});

afterEach(async () => {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

/** Another service process on the same store: its own cache. */
const registry = (cacheTtlMs = 5_000) => new ApiKeyRegistry({ store, clock, cacheTtlMs });

const createAuditor = (keys: ApiKeyRegistry) =>
  keys.create({ name: 'KPMG audit 2026', role: 'auditor', actor: 'cli:ops' });

describe('creating a key', () => {
  it('records ApiKeyCreated with the hash of the secret, never the secret', async () => {
    const created = await createAuditor(registry());
    const token = parseApiKey(created.apiKey)!;
    const events = await store.readStream(`apikey-${token.keyId}`);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'ApiKeyCreated',
      schemaVersion: 1,
      data: {
        keyId: token.keyId,
        name: 'KPMG audit 2026',
        role: 'auditor',
        secretHash: hashSecret(token.secret),
        createdBy: 'cli:ops',
      },
      metadata: { actor: 'cli:ops', occurredAt: '2026-03-01T09:00:00.000Z' },
    });
    expect(JSON.stringify(events)).not.toContain(token.secret);
    expect(created.key).toMatchObject({ keyId: token.keyId, role: 'auditor', revoked: null });
  });

  it('keeps the event types of an integration key', async () => {
    const created = await registry().create({
      name: 'CRO feed',
      role: 'integration',
      eventTypes: ['INDSubmitted', 'ClinicalPhaseStarted'],
      actor: 'apikey:adminadmin234',
    });
    expect(created.key.eventTypes).toEqual(['INDSubmitted', 'ClinicalPhaseStarted']);
  });

  it('refuses an integration key without event types, and event types on another role', async () => {
    const keys = registry();
    await expect(
      keys.create({ name: 'feed', role: 'integration', actor: 'cli:ops' }),
    ).rejects.toThrow(/names the event types/);
    await expect(
      keys.create({ name: 'x', role: 'auditor', eventTypes: ['INDSubmitted'], actor: 'cli:ops' }),
    ).rejects.toThrow(/only an integration key/);
    await expect(
      keys.create({ name: 'x', role: 'integration', eventTypes: ['NoSuchFact'], actor: 'cli:ops' }),
    ).rejects.toThrow(/not an event type/);
    expect(await store.headPosition()).toBe(0);
  });

  it('refuses a chosen key whose id exists', async () => {
    const token = generateApiKey();
    const keys = registry();
    await keys.create({ name: 'one', role: 'auditor', token, actor: 'cli:ops' });
    await expect(
      keys.create({ name: 'two', role: 'auditor', token, actor: 'cli:ops' }),
    ).rejects.toThrow(`the API key ${token.keyId} exists already`);
  });
});

describe('finding a key for authentication', () => {
  it('finds a key created by another process at once: unknown ids are not cached', async () => {
    const here = registry();
    const token = generateApiKey();
    expect(await here.find(token.keyId)).toBeNull();
    await registry().create({ name: 'new', role: 'auditor', token, actor: 'cli:ops' });
    expect(await here.find(token.keyId)).toMatchObject({ keyId: token.keyId });
  });

  it('sees a revocation made here at once', async () => {
    const keys = registry();
    const { key } = await createAuditor(keys);
    expect((await keys.find(key.keyId))?.revoked).toBeNull();
    await keys.revoke({ keyId: key.keyId, reason: 'audit over', actor: 'cli:ops' });
    expect((await keys.find(key.keyId))?.revoked).toMatchObject({ reason: 'audit over' });
  });

  it('sees a revocation made by another process once its cached entry is older than the TTL', async () => {
    const here = registry(5_000);
    const { key } = await createAuditor(registry());
    await here.find(key.keyId);
    await registry().revoke({ keyId: key.keyId, reason: 'leaked', actor: 'cli:ops' });
    now = new Date(now.getTime() + 4_999);
    expect((await here.find(key.keyId))?.revoked).toBeNull();
    now = new Date(now.getTime() + 1);
    expect((await here.find(key.keyId))?.revoked).toMatchObject({ reason: 'leaked' });
  });

  it('reads a key’s stream once for concurrent requests', async () => {
    const keys = registry();
    const { key } = await createAuditor(registry());
    const readStream = jest.spyOn(store, 'readStream');
    await Promise.all([keys.find(key.keyId), keys.find(key.keyId), keys.find(key.keyId)]);
    await keys.find(key.keyId);
    expect(readStream).toHaveBeenCalledTimes(1);
  });

  it('keeps at most maxCachedKeys keys, dropping the oldest', async () => {
    const keys = new ApiKeyRegistry({ store, clock, maxCachedKeys: 2 });
    const [a, b, c] = [
      await createAuditor(keys),
      await createAuditor(keys),
      await createAuditor(keys),
    ];
    for (const created of [a, b, c]) await keys.find(created.key.keyId);
    const readStream = jest.spyOn(store, 'readStream');
    await keys.find(c.key.keyId);
    await keys.find(b.key.keyId);
    expect(readStream).not.toHaveBeenCalled();
    await keys.find(a.key.keyId);
    expect(readStream).toHaveBeenCalledTimes(1);
  });
});

describe('revoking a key', () => {
  it('records ApiKeyRevoked with the reason and who revoked it', async () => {
    const keys = registry();
    const { key } = await createAuditor(keys);
    now = new Date('2026-04-01T12:00:00.000Z');
    const result = await keys.revoke({
      keyId: key.keyId,
      reason: 'audit over',
      actor: 'apikey:adminadmin234',
      source: 'request:r-1',
    });
    expect(result).toMatchObject({
      alreadyRevoked: false,
      key: { revoked: { reason: 'audit over', revokedBy: 'apikey:adminadmin234' } },
    });
    const events = await store.readStream(`apikey-${key.keyId}`);
    expect(events[1]).toMatchObject({
      type: 'ApiKeyRevoked',
      data: { keyId: key.keyId, reason: 'audit over', revokedBy: 'apikey:adminadmin234' },
      metadata: { actor: 'apikey:adminadmin234', source: 'request:r-1' },
    });
  });

  it('changes nothing the second time and answers the first revocation', async () => {
    const keys = registry();
    const { key } = await createAuditor(keys);
    await keys.revoke({ keyId: key.keyId, reason: 'first', actor: 'cli:ops' });
    const again = await keys.revoke({ keyId: key.keyId, reason: 'second', actor: 'cli:ops' });
    expect(again).toMatchObject({ alreadyRevoked: true, key: { revoked: { reason: 'first' } } });
    expect(await store.readStream(`apikey-${key.keyId}`)).toHaveLength(2);
  });

  it('says when there is no such key', async () => {
    await expect(
      registry().revoke({ keyId: 'abcdefgh2345', reason: 'x', actor: 'cli:ops' }),
    ).rejects.toThrow('there is no API key abcdefgh2345');
  });
});

describe('the first admin key', () => {
  const first = (keys: ApiKeyRegistry) =>
    keys.createFirstAdmin({ name: 'first admin', actor: 'system:bootstrap' });

  it('is created once in a store’s life, whichever process asks', async () => {
    const created = await first(registry());
    expect(created?.key.role).toBe('admin');
    expect(await first(registry())).toBeNull();
    expect(await first(registry())).toBeNull();
    const events = await store.readAll({ after: 0, maxCount: 10 });
    expect(events.map((event) => event.eventId)).toEqual([FIRST_ADMIN_EVENT_ID]);
  });

  it('is created by one of several processes starting together', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => first(registry())));
    expect(results.filter((result) => result !== null)).toHaveLength(1);
  });

  it('is not created when an admin key was created before (from the CLI)', async () => {
    await registry().create({ name: 'ops', role: 'admin', actor: 'cli:ops' });
    expect(await first(registry())).toBeNull();
  });

  it('is not created again once revoked', async () => {
    const keys = registry();
    const created = await first(keys);
    await keys.revoke({ keyId: created!.key.keyId, reason: 'rotated', actor: 'cli:ops' });
    expect(await first(registry())).toBeNull();
  });

  it('does not stop later admin keys from being created', async () => {
    const keys = registry();
    await first(keys);
    const second = await keys.create({ name: 'second', role: 'admin', actor: 'cli:ops' });
    const third = await registry().create({ name: 'third', role: 'admin', actor: 'cli:ops' });
    expect([second.key.role, third.key.role]).toEqual(['admin', 'admin']);
  });
});
