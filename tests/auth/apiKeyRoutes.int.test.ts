import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { apiKeys } from '../../projections/apiKeys';
import {
  ApiKeyRegistry,
  apiKeyRoutes,
  bootstrapAdminKey,
  createAuthenticator,
} from '../../src/auth';
import { formatApiKey, generateApiKey, hashSecret, parseApiKey } from '../../src/auth/apiKeyToken';
import type { EventStore } from '../../src/eventstore/eventStore';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgresEventStore';
import { SqliteEventStore } from '../../src/eventstore/sqlite/sqliteEventStore';
import { defineRoute, apiRouter } from '../../src/http/api/route';
import { principalOf } from '../../src/http/api/principal';
import { createApp } from '../../src/http/app';
import { PostgresReadStore } from '../../src/readstore/postgres/postgresReadStore';
import type { ReadStore } from '../../src/readstore/readStore';
import { SqliteReadStore } from '../../src/readstore/sqlite/sqliteReadStore';
import { startWorkers, type Workers } from '../../src/workers/startWorkers';
import {
  createTestDatabase,
  describeWithPostgres,
  type TestDatabase,
} from '../support/postgresTarget';
import { testLogger } from '../support/testLogger';

interface Stores {
  readonly store: EventStore;
  readonly readStore: ReadStore;
  close(): Promise<void>;
}

// supertest types bodies as any: these name what the tests read.
const keyOf = (response: request.Response) => (response.body as { apiKey: string }).apiKey;
const errorsOf = (response: request.Response) => (response.body as { errors: unknown }).errors;

const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

/** A stand-in for the feature routes: who am I, for every role. */
const whoami = defineRoute({
  method: 'get',
  path: '/whoami',
  operationId: 'whoami',
  summary: 'The caller',
  tags: ['test'],
  access: ['auditor', 'integration', 'admin'],
  responses: { 200: { description: 'The principal' } },
  handler: ({ req, res }) => {
    res.json(principalOf(req));
  },
});

const auditorOnly = defineRoute({
  method: 'get',
  path: '/exports/ledger',
  operationId: 'exportLedger',
  summary: 'Read and export',
  tags: ['test'],
  access: ['auditor', 'admin'],
  responses: { 200: { description: 'ok' } },
  handler: ({ res }) => {
    res.json({ ok: true });
  },
});

function apiKeySuite(openStores: () => Promise<Stores>): void {
  let stores: Stores;
  let registry: ApiKeyRegistry;
  let workers: Workers;
  let admin: string;
  let app: ReturnType<typeof createApp>;

  beforeEach(async () => {
    stores = await openStores();
    const { store, readStore } = stores;
    registry = new ApiKeyRegistry({ store });
    admin = formatApiKey(generateApiKey());
    // What the service does at start with BOOTSTRAP_ADMIN_KEY.
    await bootstrapAdminKey({ registry, bootstrapKey: admin, logger: testLogger() });
    workers = await startWorkers({
      projections: [apiKeys],
      store,
      readStore,
      logger: testLogger(),
      leaseRetryMs: 50,
    });
    const routes = [...apiKeyRoutes({ registry, readStore }), whoami, auditorOnly];
    app = createApp({
      store,
      readStore,
      logger: testLogger(),
      shutdownSignal: new AbortController().signal,
      routers: [apiRouter({ routes, authenticate: createAuthenticator({ registry }) })],
    });
  });

  afterEach(async () => {
    await workers.stop();
    await stores.close();
  });

  const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

  function createKey(body: object, key = admin) {
    return request(app).post('/admin/api-keys').set(bearer(key)).send(body);
  }

  /** The list is a read model: wait until it has every event appended so far. */
  async function projectionCaughtUp(): Promise<void> {
    const head = await stores.store.headPosition();
    const deadline = Date.now() + 10_000;
    while (workers.statuses().some((status) => status.position < head)) {
      if (Date.now() > deadline) throw new Error('the api-keys projection did not catch up');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  function expectUnauthenticated(response: request.Response): void {
    expect(response.status).toBe(401);
    expect(response.headers['content-type']).toBe(PROBLEM_JSON);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="obligations"');
    expect(response.body).toMatchObject({ type: '/problems/unauthenticated', status: 401 });
  }

  describe('authentication', () => {
    it('answers 401 without a key, with problem details and WWW-Authenticate', async () => {
      expectUnauthenticated(await request(app).get('/whoami'));
    });

    it.each([
      ['a malformed key', 'obl_nope'],
      ['another scheme', null],
      ['an unknown key id', formatApiKey(generateApiKey())],
    ])('answers 401 with %s', async (_case, key) => {
      const header =
        key === null
          ? { Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }
          : bearer(key);
      expectUnauthenticated(await request(app).get('/whoami').set(header));
    });

    it('answers 401 with the right key id and a wrong secret', async () => {
      const { keyId } = parseApiKey(admin)!;
      const forged = formatApiKey({ keyId, secret: generateApiKey().secret });
      expectUnauthenticated(await request(app).get('/whoami').set(bearer(forged)));
    });

    it('accepts the bootstrap admin key, whatever the case of the scheme', async () => {
      const { keyId } = parseApiKey(admin)!;
      const response = await request(app)
        .get('/whoami')
        .set({ Authorization: `bearer ${admin}` })
        .expect(200);
      expect(response.body).toEqual({
        keyId,
        name: 'bootstrap admin (BOOTSTRAP_ADMIN_KEY)',
        role: 'admin',
      });
    });

    it('answers 503, not 401, while the event store cannot be read', async () => {
      const created = await createKey({ name: 'auditor', role: 'auditor' }).expect(201);
      const otherProcess = new ApiKeyRegistry({ store: stores.store });
      const app2 = createApp({
        store: stores.store,
        logger: testLogger(),
        shutdownSignal: new AbortController().signal,
        routers: [
          apiRouter({
            routes: [whoami],
            authenticate: createAuthenticator({ registry: otherProcess }),
          }),
        ],
      });
      await workers.stop();
      await stores.store.close();
      const response = await request(app2)
        .get('/whoami')
        .set(bearer(keyOf(created)));
      expect(response.status).toBe(503);
      expect(response.headers['www-authenticate']).toBeUndefined();
    });
  });

  describe('creating keys', () => {
    it('answers 201 with the key once, a Location, and a key that authenticates at once', async () => {
      const response = await createKey({ name: 'KPMG audit 2026', role: 'auditor' }).expect(201);
      const { apiKey, keyId } = response.body as { apiKey: string; keyId: string };
      expect(parseApiKey(apiKey)?.keyId).toBe(keyId);
      expect(response.headers.location).toBe(`/admin/api-keys/${keyId}`);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).toEqual({
        keyId,
        apiKey,
        name: 'KPMG audit 2026',
        role: 'auditor',
        createdBy: `apikey:${parseApiKey(admin)!.keyId}`,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        revoked: null,
      });
      const whoAmI = await request(app).get('/whoami').set(bearer(apiKey)).expect(200);
      expect(whoAmI.body).toEqual({ keyId, name: 'KPMG audit 2026', role: 'auditor' });
      await request(app).get('/exports/ledger').set(bearer(apiKey)).expect(200);
    });

    it('gives an integration key the event types it may post', async () => {
      const response = await createKey({
        name: 'CRO feed',
        role: 'integration',
        eventTypes: ['INDSubmitted', 'ClinicalPhaseStarted'],
      }).expect(201);
      const whoAmI = await request(app)
        .get('/whoami')
        .set(bearer(keyOf(response)))
        .expect(200);
      expect(whoAmI.body).toMatchObject({
        role: 'integration',
        eventTypes: ['INDSubmitted', 'ClinicalPhaseStarted'],
      });
    });

    it('answers 403 to an auditor or an integration that tries to create a key, and creates none', async () => {
      const auditor = keyOf(await createKey({ name: 'auditor', role: 'auditor' }));
      const integration = keyOf(
        await createKey({ name: 'feed', role: 'integration', eventTypes: ['INDSubmitted'] }),
      );
      const head = await stores.store.headPosition();
      for (const key of [auditor, integration]) {
        const response = await createKey({ name: 'mine', role: 'admin' }, key);
        expect(response.status).toBe(403);
        expect(response.headers['content-type']).toBe(PROBLEM_JSON);
        expect(response.body).toMatchObject({ type: '/problems/forbidden', status: 403 });
      }
      expect(await stores.store.headPosition()).toBe(head);
    });

    it('answers 403 to an integration on a read-and-export route', async () => {
      const integration = keyOf(
        await createKey({ name: 'feed', role: 'integration', eventTypes: ['INDSubmitted'] }),
      );
      await request(app).get('/exports/ledger').set(bearer(integration)).expect(403);
    });

    it('answers 422 naming each bad field', async () => {
      const response = await createKey({ name: ' ', role: 'integration', extra: 1 });
      expect(response.status).toBe(422);
      expect(errorsOf(response)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ pointer: '/name' }),
          expect.objectContaining({ pointer: '/eventTypes' }),
        ]),
      );
      const unknownType = await createKey({
        name: 'feed',
        role: 'integration',
        eventTypes: ['INDSubmitted', 'Nonsense'],
      });
      expect(unknownType.status).toBe(422);
      expect(errorsOf(unknownType)).toEqual([
        expect.objectContaining({ pointer: '/eventTypes/1' }),
      ]);
    });
  });

  describe('revoking keys', () => {
    it('stops the key at once, keeps it visible as revoked, and records who and why', async () => {
      const created = await createKey({ name: 'leaky', role: 'auditor' }).expect(201);
      const { apiKey, keyId } = created.body as { apiKey: string; keyId: string };
      await request(app).get('/whoami').set(bearer(apiKey)).expect(200);
      const revoked = await request(app)
        .post(`/admin/api-keys/${keyId}/revoke`)
        .set(bearer(admin))
        .send({ reason: 'pasted into a ticket' })
        .expect(200);
      expect((revoked.body as { revoked: unknown }).revoked).toEqual({
        reason: 'pasted into a ticket',
        revokedBy: `apikey:${parseApiKey(admin)!.keyId}`,
        revokedAt: expect.any(String),
      });
      expectUnauthenticated(await request(app).get('/whoami').set(bearer(apiKey)));
      const shown = await request(app)
        .get(`/admin/api-keys/${keyId}`)
        .set(bearer(admin))
        .expect(200);
      expect(shown.body).toEqual(revoked.body);
    });

    it('needs a reason, and answers 404 for a key that does not exist', async () => {
      const { keyId } = (await createKey({ name: 'x', role: 'auditor' })).body as { keyId: string };
      const noReason = await request(app)
        .post(`/admin/api-keys/${keyId}/revoke`)
        .set(bearer(admin))
        .send({});
      expect(noReason.status).toBe(422);
      expect(errorsOf(noReason)).toEqual([expect.objectContaining({ pointer: '/reason' })]);
      const missing = await request(app)
        .post('/admin/api-keys/abcdefgh2345/revoke')
        .set(bearer(admin))
        .send({ reason: 'x' });
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ type: '/problems/api-key-not-found' });
      await request(app).get('/admin/api-keys/abcdefgh2345').set(bearer(admin)).expect(404);
      const malformed = await request(app).get('/admin/api-keys/NOT-A-KEY').set(bearer(admin));
      expect(malformed.status).toBe(422);
      expect(errorsOf(malformed)).toEqual([expect.objectContaining({ pointer: '/params/keyId' })]);
    });

    it('lets an auditor neither revoke nor list keys', async () => {
      const auditor = (await createKey({ name: 'a', role: 'auditor' })).body as {
        apiKey: string;
        keyId: string;
      };
      await request(app)
        .post(`/admin/api-keys/${auditor.keyId}/revoke`)
        .set(bearer(auditor.apiKey))
        .send({ reason: 'self' })
        .expect(403);
      await request(app).get('/admin/api-keys').set(bearer(auditor.apiKey)).expect(403);
    });
  });

  describe('listing keys', () => {
    it('shows every key, revoked ones too, and never a secret or a hash', async () => {
      const auditor = (await createKey({ name: 'auditor', role: 'auditor' })).body as {
        apiKey: string;
        keyId: string;
      };
      const feed = (
        await createKey({ name: 'feed', role: 'integration', eventTypes: ['INDSubmitted'] })
      ).body as { apiKey: string; keyId: string };
      await request(app)
        .post(`/admin/api-keys/${auditor.keyId}/revoke`)
        .set(bearer(admin))
        .send({ reason: 'audit over' })
        .expect(200);
      await projectionCaughtUp();
      const response = await request(app).get('/admin/api-keys').set(bearer(admin)).expect(200);
      const items = (response.body as { items: Record<string, unknown>[] }).items;
      expect(items.map((item) => [item.keyId, item.role, item.revoked === null])).toEqual([
        [parseApiKey(admin)!.keyId, 'admin', true],
        [auditor.keyId, 'auditor', false],
        [feed.keyId, 'integration', true],
      ]);
      expect(items[2]).toMatchObject({ eventTypes: ['INDSubmitted'] });
      const text = JSON.stringify(response.body);
      for (const key of [admin, auditor.apiKey, feed.apiKey]) {
        const { secret } = parseApiKey(key)!;
        expect(text).not.toContain(secret);
        expect(text).not.toContain(hashSecret(secret));
      }
      expect(text).not.toMatch(/hash/i);
    });

    it('pages with an opaque cursor and Link: rel="next"', async () => {
      for (const name of ['one', 'two']) await createKey({ name, role: 'auditor' }).expect(201);
      await projectionCaughtUp();
      const seen: string[] = [];
      let next: string | undefined = '/admin/api-keys?limit=2';
      while (next !== undefined) {
        const response: request.Response = await request(app)
          .get(next)
          .set(bearer(admin))
          .expect(200);
        seen.push(
          ...(response.body as { items: { name: string }[] }).items.map((item) => item.name),
        );
        next = /^<([^>]+)>; rel="next"$/.exec(response.headers.link ?? '')?.[1];
      }
      expect(seen).toEqual(['bootstrap admin (BOOTSTRAP_ADMIN_KEY)', 'one', 'two']);
      const bad = await request(app).get('/admin/api-keys?cursor=nonsense').set(bearer(admin));
      expect(bad.status).toBe(422);
      expect(errorsOf(bad)).toEqual([expect.objectContaining({ pointer: '/query/cursor' })]);
    });
  });
}

describe('API keys on SQLite', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'obligations-apikeys-'));
  });
  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  apiKeySuite(async () => {
    const store = SqliteEventStore.open({
      path: join(directory, 'events.db'),
      logger: testLogger(),
    });
    const readStore = SqliteReadStore.open({
      path: join(directory, 'read-models.db'),
      logger: testLogger(),
    });
    return {
      store,
      readStore,
      close: async () => {
        await store.close();
        await readStore.close();
      },
    };
  });
});

describeWithPostgres('API keys on PostgreSQL', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await database.drop();
  });

  apiKeySuite(async () => {
    const store = await PostgresEventStore.open({
      connectionString: database.url,
      logger: testLogger(),
    });
    const readStore = await PostgresReadStore.open({
      connectionString: database.url,
      logger: testLogger(),
    });
    return {
      store,
      readStore,
      close: async () => {
        await store.close();
        await readStore.close();
      },
    };
  });
});
