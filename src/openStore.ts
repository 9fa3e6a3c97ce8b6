import type { Logger } from 'pino';
import type { StoreConfig } from './config';
import type { EventStore } from './eventstore/eventStore';
import type * as SqliteModule from './eventstore/sqlite/sqliteEventStore';
import type * as PostgresModule from './eventstore/postgres/postgresEventStore';
import type * as KurrentDbModule from './eventstore/kurrentdb/kurrentDbEventStore';

/**
 * Opens the store the configuration names; throws StoreStartupError when it cannot. Each driver
 * is loaded only when it is the one configured: the KurrentDB client and node-postgres cost a
 * fifth of a second of every start on these machines.
 */
export async function openStore(config: StoreConfig, logger: Logger): Promise<EventStore> {
  switch (config.kind) {
    case 'sqlite': {
      const { SqliteEventStore } = load<typeof SqliteModule>(
        './eventstore/sqlite/sqliteEventStore',
      );
      return SqliteEventStore.open({
        path: config.path,
        logger,
        busyTimeoutMs: config.busyTimeoutMs,
      });
    }
    case 'postgres': {
      const { PostgresEventStore } = load<typeof PostgresModule>(
        './eventstore/postgres/postgresEventStore',
      );
      return PostgresEventStore.open({
        connectionString: config.connectionString,
        logger,
        poolSize: config.poolSize,
        connectTimeoutMs: config.connectTimeoutMs,
      });
    }
    case 'kurrentdb': {
      const { KurrentDbEventStore } = load<typeof KurrentDbModule>(
        './eventstore/kurrentdb/kurrentDbEventStore',
      );
      return KurrentDbEventStore.open({
        connectionString: config.connectionString,
        logger,
        connectTimeoutMs: config.connectTimeoutMs,
      });
    }
    default: {
      const _exhaustive: never = config;
      throw new Error(`unknown store ${JSON.stringify(_exhaustive)}`);
    }
  }
}

/** A module required on first use (a CommonJS require, so that the test runner needs no ESM). */
function load<Module>(path: string): Module {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily on purpose
  return require(path) as Module;
}
