import type { Logger } from 'pino';
import type { SqlStoreConfig } from '../config';
import { PostgresReadStore } from './postgres/postgresReadStore';
import type { ReadStore } from './readStore';
import { SqliteReadStore } from './sqlite/sqliteReadStore';

/** Opens the read store the configuration names; throws StoreStartupError when it cannot. */
export async function openReadStore(config: SqlStoreConfig, logger: Logger): Promise<ReadStore> {
  switch (config.kind) {
    case 'sqlite':
      return SqliteReadStore.open({
        path: config.path,
        logger,
        busyTimeoutMs: config.busyTimeoutMs,
      });
    case 'postgres':
      return PostgresReadStore.open({
        connectionString: config.connectionString,
        logger,
        poolSize: config.poolSize,
        connectTimeoutMs: config.connectTimeoutMs,
      });
    default: {
      const _exhaustive: never = config;
      throw new Error(`unknown read store ${JSON.stringify(_exhaustive)}`);
    }
  }
}
