import type { Logger } from 'pino';
import type { StoreConfig } from './config';
import type { EventStore } from './eventstore/eventStore';
import { KurrentDbEventStore } from './eventstore/kurrentdb/kurrentDbEventStore';
import { PostgresEventStore } from './eventstore/postgres/postgresEventStore';
import { SqliteEventStore } from './eventstore/sqlite/sqliteEventStore';

/** Opens the store the configuration names; throws StoreStartupError when it cannot. */
export async function openStore(config: StoreConfig, logger: Logger): Promise<EventStore> {
  switch (config.kind) {
    case 'sqlite':
      return SqliteEventStore.open({
        path: config.path,
        logger,
        busyTimeoutMs: config.busyTimeoutMs,
      });
    case 'postgres':
      return PostgresEventStore.open({
        connectionString: config.connectionString,
        logger,
        poolSize: config.poolSize,
        connectTimeoutMs: config.connectTimeoutMs,
      });
    case 'kurrentdb':
      return KurrentDbEventStore.open({
        connectionString: config.connectionString,
        logger,
        connectTimeoutMs: config.connectTimeoutMs,
      });
    default: {
      const _exhaustive: never = config;
      throw new Error(`unknown store ${JSON.stringify(_exhaustive)}`);
    }
  }
}
