import type { Logger } from 'pino';
import type { SqlStoreConfig } from '../config';
import type { ReadStore } from './readStore';
import type * as SqliteModule from './sqlite/sqliteReadStore';
import type * as PostgresModule from './postgres/postgresReadStore';

/**
 * Opens the read store the configuration names; throws StoreStartupError when it cannot. Only
 * the configured driver is loaded.
 */
export async function openReadStore(config: SqlStoreConfig, logger: Logger): Promise<ReadStore> {
  switch (config.kind) {
    case 'sqlite': {
      const { SqliteReadStore } = load<typeof SqliteModule>('./sqlite/sqliteReadStore');
      return SqliteReadStore.open({
        path: config.path,
        logger,
        busyTimeoutMs: config.busyTimeoutMs,
      });
    }
    case 'postgres': {
      const { PostgresReadStore } = load<typeof PostgresModule>('./postgres/postgresReadStore');
      return PostgresReadStore.open({
        connectionString: config.connectionString,
        logger,
        poolSize: config.poolSize,
        connectTimeoutMs: config.connectTimeoutMs,
      });
    }
    default: {
      const _exhaustive: never = config;
      throw new Error(`unknown read store ${JSON.stringify(_exhaustive)}`);
    }
  }
}

/** A module required on first use (a CommonJS require, so that the test runner needs no ESM). */
function load<Module>(path: string): Module {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily on purpose
  return require(path) as Module;
}
