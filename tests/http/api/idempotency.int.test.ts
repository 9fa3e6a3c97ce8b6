import express, { type Express } from 'express';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import {
  IdempotencyStore,
  respondIdempotently,
  type IdempotentAnswer,
} from '../../../src/http/api/idempotency';
import { problemDetailsHandler } from '../../../src/http/problemDetails';
import { PostgresReadStore } from '../../../src/readstore/postgres/postgresReadStore';
import type { ReadStore } from '../../../src/readstore/readStore';
import { SqliteReadStore } from '../../../src/readstore/sqlite/sqliteReadStore';
import { createTestDatabase, describeWithPostgres } from '../../support/postgresTarget';
import { testLogger } from '../../support/testLogger';

const HOUR_MS = 60 * 60 * 1000;

/** A read store shared by the API instances of one test file. */
interface Target {
  /** Opens the store as another API instance would (its own connections). */
  open(): Promise<ReadStore>;
  dispose(): Promise<void>;
}

/** What the payment route does with each request, decided by the test. */
type Behaviour = (body: PaymentBody) => Promise<IdempotentAnswer>;
interface PaymentBody {
  amountMinor: string;
}

/** An API instance: a payment route behind Idempotency-Key, callers named by X-Test-Key. */
function apiInstance(store: IdempotencyStore, behaviour: () => Behaviour): Express {
  const app = express();
  app.post('/agreements/:id/payments', express.json(), async (req, res) => {
    const body = req.body as PaymentBody;
    await respondIdempotently(
      store,
      { req, res, principalKeyId: req.get('X-Test-Key') ?? 'key-1', body, required: true },
      () => behaviour()(body),
    );
  });
  app.use(problemDetailsHandler());
  return app;
}

function idempotencyContract(name: string, target: () => Promise<Target>): void {
  describe(`Idempotency-Key on ${name}`, () => {
    let shared: Target;
    let readStores: ReadStore[];
    let now: number;
    let runs: number;
    let behaviour: Behaviour;
    let app: Express;

    const clock = (): Date => new Date(now);
    const record: Behaviour = async (body) => {
      runs += 1;
      return {
        status: 201,
        headers: { Location: `/payments/p-${runs}`, 'X-Stream-Version': String(runs) },
        body: { paymentId: `p-${runs}`, amountMinor: body.amountMinor },
      };
    };

    async function instance(): Promise<Express> {
      const readStore = await shared.open();
      readStores.push(readStore);
      const store = new IdempotencyStore({ readStore, clock, logger: testLogger() });
      await store.migrate();
      return apiInstance(store, () => behaviour);
    }

    const pay = (on: Express, key: string, amountMinor = '1000', caller = 'key-1') =>
      request(on)
        .post('/agreements/a-1/payments')
        .set('Idempotency-Key', key)
        .set('X-Test-Key', caller)
        .send({ amountMinor });

    beforeAll(async () => {
      shared = await target();
    });
    afterAll(async () => {
      await shared.dispose();
    });
    beforeEach(async () => {
      now = Date.parse('2025-06-30T12:00:00Z');
      runs = 0;
      behaviour = record;
      readStores = [];
      app = await instance();
    });
    afterEach(async () => {
      await Promise.all(readStores.map((readStore) => readStore.close()));
    });

    it('replays the first answer to a retry with the same key and body', async () => {
      const key = randomUUID();
      const first = await pay(app, key).expect(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();

      const retry = await pay(app, key).expect(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.headers.location).toBe(first.headers.location);
      expect(retry.headers['x-stream-version']).toBe('1');
      expect(retry.body).toEqual(first.body);
      expect(runs).toBe(1);
    });

    it('replays on another API instance sharing the read store', async () => {
      const key = randomUUID();
      await pay(app, key).expect(201);
      const other = await instance();
      const retry = await pay(other, key).expect(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(runs).toBe(1);
    });

    it('answers 422 when the key comes back with another body', async () => {
      const key = randomUUID();
      await pay(app, key, '1000').expect(201);
      const reused = await pay(app, key, '2000').expect(422);
      expect(reused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(reused.body).toMatchObject({
        type: '/problems/idempotency-key-reused',
        status: 422,
        errors: [{ pointer: '/headers/idempotency-key' }],
      });
      expect(runs).toBe(1);
    });

    it('keeps the keys of two callers apart', async () => {
      const key = randomUUID();
      await pay(app, key, '1000', 'key-1').expect(201);
      const other = await pay(app, key, '2000', 'key-2').expect(201);
      expect(other.headers['idempotent-replayed']).toBeUndefined();
      expect(runs).toBe(2);
    });

    it('answers 409 with Retry-After to a duplicate while the first is still running, then replays', async () => {
      const key = randomUUID();
      let started!: () => void;
      const running = new Promise<void>((resolve) => (started = resolve));
      let finish!: () => void;
      const held = new Promise<void>((resolve) => (finish = resolve));
      behaviour = async (body) => {
        started();
        await held;
        return record(body);
      };
      const other = await instance();

      const first = pay(app, key).then((response) => response);
      await running;
      const duplicate = await pay(other, key).expect(409);
      expect(duplicate.headers['retry-after']).toBe('1');
      expect(duplicate.body).toMatchObject({ type: '/problems/idempotency-key-in-flight' });

      finish();
      expect((await first).status).toBe(201);
      const retry = await pay(other, key).expect(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(runs).toBe(1);
    });

    it('lets exactly one of many simultaneous duplicates run', async () => {
      const key = randomUUID();
      let finish!: () => void;
      const held = new Promise<void>((resolve) => (finish = resolve));
      behaviour = async (body) => {
        await held;
        return record(body);
      };
      const instances = [app, await instance(), await instance()];
      const attempts = instances.flatMap((on) => [0, 1].map(() => pay(on, key).then((r) => r)));
      // Every attempt but the one that runs comes back 409 while the work is held open.
      const settled: number[] = [];
      for (const attempt of attempts)
        void attempt.then((response) => settled.push(response.status));
      while (settled.length < attempts.length - 1) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      finish();
      const statuses = (await Promise.all(attempts)).map((response) => response.status);
      expect(statuses.sort()).toEqual([201, 409, 409, 409, 409, 409]);
      expect(runs).toBe(1);
    });

    it('releases the key when the work fails, so a retry runs it', async () => {
      const key = randomUUID();
      behaviour = async () => {
        behaviour = record;
        throw new Error('event store unreachable');
      };
      await pay(app, key).expect(500);
      const retry = await pay(app, key).expect(201);
      expect(retry.headers['idempotent-replayed']).toBeUndefined();
      expect(runs).toBe(1);
    });

    it('does not keep a 5xx answer, and keeps a 4xx one', async () => {
      const unavailable = randomUUID();
      behaviour = async () => {
        behaviour = record;
        return { status: 503, body: { detail: 'later' } };
      };
      await pay(app, unavailable).expect(503);
      await pay(app, unavailable).expect(201);

      const refused = randomUUID();
      behaviour = async () => ({
        status: 422,
        headers: { 'Content-Type': 'application/problem+json' },
        body: { type: '/problems/agreement-terminated', status: 422 },
      });
      await pay(app, refused).expect(422);
      behaviour = record;
      const retry = await pay(app, refused).expect(422);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(retry.body).toEqual({ type: '/problems/agreement-terminated', status: 422 });
    });

    it('answers 422 naming the header for a malformed key, and 400 without one', async () => {
      const malformed = await pay(app, 'x'.repeat(256)).expect(422);
      expect((malformed.body as { errors: unknown }).errors).toEqual([
        { detail: expect.any(String), pointer: '/headers/idempotency-key' },
      ]);
      const missing = await request(app)
        .post('/agreements/a-1/payments')
        .send({ amountMinor: '1' })
        .expect(400);
      expect(missing.body).toMatchObject({ type: '/problems/idempotency-key-missing' });
      expect(runs).toBe(0);
    });

    it('forgets a key after 24 hours, and purges the records past it', async () => {
      const key = randomUUID();
      await pay(app, key).expect(201);
      now += 23 * HOUR_MS;
      expect((await pay(app, key).expect(201)).headers['idempotent-replayed']).toBe('true');

      now += HOUR_MS;
      const later = await pay(app, key, '5000').expect(201);
      expect(later.headers['idempotent-replayed']).toBeUndefined();
      expect(runs).toBe(2);

      const [readStore] = readStores;
      const store = new IdempotencyStore({ readStore: readStore!, clock });
      const stale = randomUUID();
      await pay(app, stale).expect(201);
      now += 24 * HOUR_MS;
      expect(await store.purgeExpired()).toBeGreaterThanOrEqual(2);
      const left = await readStore!.query<{ n: number }>(
        'SELECT COUNT(*) AS n FROM idempotency_keys WHERE idempotency_key IN (?, ?)',
        [key, stale],
      );
      expect(Number(left[0]?.n)).toBe(0);
    });

    it('takes over a claim abandoned for a minute, and its first owner cannot overwrite the answer', async () => {
      const key = randomUUID();
      let stalled = false;
      let wakeUp!: () => void;
      const asleep = new Promise<void>((resolve) => (wakeUp = resolve));
      behaviour = async (body) => {
        if (!stalled) {
          // The first owner stalls (a hung process) without an answer or a release...
          stalled = true;
          await asleep;
          return { status: 201, body: { late: true } };
        }
        return record(body);
      };
      const first = pay(app, key).then((response) => response);
      while (!stalled) await new Promise((resolve) => setTimeout(resolve, 10));

      now += 30 * 1000;
      await pay(app, key).expect(409);
      now += 31 * 1000;
      const taken = await pay(app, key).expect(201);
      expect(taken.headers['idempotent-replayed']).toBeUndefined();

      // ...and when it wakes up, its answer goes to its own client only.
      wakeUp();
      expect((await first).body).toEqual({ late: true });
      const retry = await pay(app, key).expect(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(taken.body);
      expect(runs).toBe(1);
    });
  });
}

idempotencyContract('SQLite', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'obligations-idempotency-'));
  const path = join(directory, 'read.db');
  return {
    open: async () => SqliteReadStore.open({ path, logger: testLogger() }),
    dispose: async () => rmSync(directory, { recursive: true, force: true }),
  };
});

describeWithPostgres('PostgreSQL', () => {
  idempotencyContract('PostgreSQL', async () => {
    const database = await createTestDatabase();
    return {
      open: async () =>
        PostgresReadStore.open({ connectionString: database.url, logger: testLogger() }),
      dispose: () => database.drop(),
    };
  });
});
