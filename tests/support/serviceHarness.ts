import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { workersFor } from '../../projections/catalogue';
import { startCheckpointSigner, type CheckpointPolicy } from '../../src/audit/checkpointSigner';
import type { SigningKey } from '../../src/audit/signingKey';
import { ApiKeyRegistry, bootstrapAdminKey, createAuthenticator } from '../../src/auth';
import { formatApiKey, generateApiKey } from '../../src/auth/apiKeyToken';
import type { EventStore } from '../../src/eventstore/eventStore';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgresEventStore';
import { SqliteEventStore } from '../../src/eventstore/sqlite/sqliteEventStore';
import { apiRouter } from '../../src/http/api/route';
import { createApp } from '../../src/http/app';
import { serviceRoutes } from '../../src/http/routes/serviceRoutes';
import { migrateReadSide } from '../../src/readstore/migrateReadSide';
import { PostgresReadStore } from '../../src/readstore/postgres/postgresReadStore';
import type { ReadStore } from '../../src/readstore/readStore';
import { SqliteReadStore } from '../../src/readstore/sqlite/sqliteReadStore';
import { startServer } from '../../src/server';
import { createWebhooks } from '../../src/webhooks/webhooks';
import { startWorkers, type Workers } from '../../src/workers/startWorkers';
import { createTestDatabase } from './postgresTarget';
import { runningServices } from './runningServices';
import { testLogger } from './testLogger';

export interface Stores {
  readonly kind: 'sqlite' | 'postgres';
  readonly store: EventStore;
  readonly readStore: ReadStore;
  /** Another, empty read store on the same engine: where a rebuild is compared. */
  openSpareReadStore(): Promise<ReadStore>;
  close(): Promise<void>;
}

export async function openSqliteStores(): Promise<Stores> {
  const directory = mkdtempSync(join(tmpdir(), 'obligations-service-'));
  const store = SqliteEventStore.open({ path: join(directory, 'events.db'), logger: testLogger() });
  const readStore = SqliteReadStore.open({
    path: join(directory, 'read-models.db'),
    logger: testLogger(),
  });
  const spares: ReadStore[] = [];
  return {
    kind: 'sqlite',
    store,
    readStore,
    async openSpareReadStore() {
      const spare = SqliteReadStore.open({
        path: join(directory, `spare-${spares.length}.db`),
        logger: testLogger(),
      });
      spares.push(spare);
      return spare;
    },
    async close() {
      for (const spare of spares) await spare.close();
      await readStore.close();
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

export async function openPostgresStores(): Promise<Stores> {
  const database = await createTestDatabase();
  const store = await PostgresEventStore.open({
    connectionString: database.url,
    logger: testLogger(),
  });
  const readStore = await PostgresReadStore.open({
    connectionString: database.url,
    logger: testLogger(),
  });
  const spares: { readStore: ReadStore; drop(): Promise<void> }[] = [];
  return {
    kind: 'postgres',
    store,
    readStore,
    async openSpareReadStore() {
      const spareDatabase = await createTestDatabase();
      const spare = await PostgresReadStore.open({
        connectionString: spareDatabase.url,
        logger: testLogger(),
      });
      spares.push({ readStore: spare, drop: () => spareDatabase.drop() });
      return spare;
    },
    async close() {
      for (const spare of spares) {
        await spare.readStore.close();
        await spare.drop();
      }
      await readStore.close();
      await store.close();
      await database.drop();
    },
  };
}

/** The whole service in this process, on real stores, behind a real HTTP server. */
export interface RunningService {
  readonly baseUrl: string;
  readonly adminKey: string;
  readonly stores: Stores;
  readonly workers: Workers;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  /** Signs checkpoints of the hash chain (polling every 50 ms) and publishes its public key. */
  readonly signingKey?: SigningKey;
  readonly checkpointPolicy?: CheckpointPolicy;
}

export async function startService(
  stores: Stores,
  options: ServiceOptions = {},
): Promise<RunningService> {
  const logger = testLogger();
  const { store, readStore } = stores;
  await migrateReadSide(store, readStore);
  const apiKeys = new ApiKeyRegistry({ store });
  const adminKey = formatApiKey(generateApiKey());
  await bootstrapAdminKey({ registry: apiKeys, bootstrapKey: adminKey, logger });
  const workers = await startWorkers({
    projections: workersFor(store),
    store,
    readStore,
    logger,
    leaseRetryMs: 50,
  });
  const { signingKey = null } = options;
  const signer =
    signingKey === null
      ? null
      : startCheckpointSigner({
          store,
          readStore,
          key: signingKey,
          policy: options.checkpointPolicy ?? { everyEvents: 1_000, everyMs: 10_000 },
          logger,
          pollMs: 50,
        });
  const webhooks = createWebhooks({ store, readStore, logger });
  const routes = serviceRoutes({
    store,
    readStore,
    apiKeys,
    logger,
    workers,
    webhooks,
    signingKey,
  });
  const app = createApp({
    store,
    readStore,
    logger,
    shutdownSignal: new AbortController().signal,
    routers: [
      webhooks.router,
      apiRouter({ routes, authenticate: createAuthenticator({ registry: apiKeys }) }),
    ],
    routes,
    operations: webhooks.operations,
  });
  const server: Server = await startServer({ app, port: 0, host: '127.0.0.1' });
  const { port } = server.address() as AddressInfo;
  const stop = async (): Promise<void> => {
    runningServices().delete(stop);
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await signer?.close();
    await workers.stop();
  };
  runningServices().add(stop);
  return { baseUrl: `http://127.0.0.1:${port}`, adminKey, stores, workers, stop };
}
