import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { formatApiKey, generateApiKey } from '../../../src/auth/apiKeyToken';
import { createTestDatabase, type TestDatabase } from '../../support/postgresTarget';
import { startService, type ServiceProcess } from '../../support/serviceProcess';

/** One event of the log, read straight from the store's table (not through the service). */
export interface LoggedEvent {
  readonly globalPosition: number;
  readonly eventId: string;
  readonly streamId: string;
  readonly type: string;
  readonly correlationId: string | null;
  readonly causationId: string | null;
}

/** The event log as the fuzzer checks it: read behind the service's back, never written. */
export interface LogInspector {
  head(): Promise<number>;
  /** The events a request wrote itself (its correlation id, no causation: not derived by a policy). */
  writtenBy(correlationId: string): Promise<LoggedEvent[]>;
  byIds(eventIds: readonly string[]): Promise<LoggedEvent[]>;
  /** The events after one position up to another (included). */
  between(after: number, upTo: number): Promise<LoggedEvent[]>;
}

/** The built service (dist/src/main.js, as `npm start` runs it) on a fresh store of its own. */
export interface FuzzedService {
  readonly kind: 'sqlite' | 'postgres';
  readonly baseUrl: string;
  readonly adminKey: string;
  readonly process: ServiceProcess;
  readonly log: LogInspector;
  stop(): Promise<void>;
}

const EVENT_COLUMNS = `global_position AS "globalPosition", event_id AS "eventId", stream_id AS "streamId",
  type, correlation_id AS "correlationId", causation_id AS "causationId"`;

export async function startSqliteService(): Promise<FuzzedService> {
  const directory = mkdtempSync(join(tmpdir(), 'obligations-fuzz-'));
  const eventsPath = join(directory, 'events.db');
  const adminKey = formatApiKey(generateApiKey());
  const service = startService({ env: serviceEnv(`sqlite:${eventsPath}`, adminKey) });
  const baseUrl = await listeningOn(service);
  // Read-only, beside the service's own connection: WAL lets a reader see every commit.
  const db = new Database(eventsPath, { readonly: true, fileMustExist: true });
  const select = (where: string, values: unknown[]): LoggedEvent[] =>
    db
      .prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE ${where} ORDER BY global_position`)
      .all(...values) as LoggedEvent[];
  return {
    kind: 'sqlite',
    baseUrl,
    adminKey,
    process: service,
    log: {
      head: () => {
        const row = db.prepare('SELECT max(global_position) AS head FROM events').get() as {
          head: number | null;
        };
        return Promise.resolve(row.head ?? 0);
      },
      writtenBy: (correlationId) =>
        Promise.resolve(select('correlation_id = ? AND causation_id IS NULL', [correlationId])),
      byIds: (eventIds) =>
        Promise.resolve(
          eventIds.length === 0
            ? []
            : select(`event_id IN (${eventIds.map(() => '?').join(', ')})`, [...eventIds]),
        ),
      between: (after, upTo) =>
        Promise.resolve(select('global_position > ? AND global_position <= ?', [after, upTo])),
    },
    async stop() {
      db.close();
      await stopProcess(service);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

export async function startPostgresService(): Promise<FuzzedService> {
  const database: TestDatabase = await createTestDatabase();
  const adminKey = formatApiKey(generateApiKey());
  const service = startService({ env: serviceEnv(database.url, adminKey) });
  const baseUrl = await listeningOn(service).catch(async (error: unknown) => {
    await database.drop();
    throw error;
  });
  const select = async (where: string, values: unknown[]): Promise<LoggedEvent[]> => {
    const rows = await database.admin<LoggedEvent & { globalPosition: string }>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE ${where} ORDER BY global_position`,
      values,
    );
    return rows.map((row) => ({ ...row, globalPosition: Number(row.globalPosition) }));
  };
  return {
    kind: 'postgres',
    baseUrl,
    adminKey,
    process: service,
    log: {
      async head() {
        const [row] = await database.admin<{ head: string | null }>(
          'SELECT max(global_position) AS head FROM events',
        );
        return Number(row?.head ?? 0);
      },
      writtenBy: (correlationId) =>
        select('correlation_id = $1 AND causation_id IS NULL', [correlationId]),
      // Garbage ids are not uuids: compare as text so they simply match nothing.
      byIds: (eventIds) =>
        eventIds.length === 0
          ? Promise.resolve([])
          : select('event_id::text = ANY($1)', [eventIds]),
      between: (after, upTo) =>
        select('global_position > $1 AND global_position <= $2', [after, upTo]),
    },
    async stop() {
      await stopProcess(service);
      await database.drop();
    },
  };
}

function serviceEnv(eventStoreUrl: string, adminKey: string): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    PORT: '0',
    NODE_ENV: 'production',
    // `listening` is an info line; a 500 or a failing worker logs at error level, which the fuzzer reads.
    LOG_LEVEL: 'info',
    EVENT_STORE_URL: eventStoreUrl,
    BOOTSTRAP_ADMIN_KEY: adminKey,
    SIGNING_KEY: randomBytes(32).toString('base64'),
    CHECKPOINT_EVERY_EVENTS: '20',
    CHECKPOINT_EVERY_SECONDS: '1',
  };
}

async function listeningOn(service: ServiceProcess): Promise<string> {
  const listening = await service.waitForLog((line) => line.msg === 'listening');
  return `http://127.0.0.1:${String(listening.port)}`;
}

async function stopProcess(service: ServiceProcess): Promise<void> {
  service.kill('SIGTERM');
  const timer = setTimeout(() => service.kill('SIGKILL'), 15_000);
  await service.exited;
  clearTimeout(timer);
}

/**
 * Error and fatal lines (pino's levels 50 and 60), but for the 503 of a read waiting for a position
 * the read model has not reached or of a proof during a rebuild: answers the service means, logged
 * like every 5xx.
 */
export const errorLogLines = (service: FuzzedService): Record<string, unknown>[] =>
  service.process.logs.filter(
    (line) => typeof line.level === 'number' && line.level >= 50 && !isReadModelBehind(line),
  );

function isReadModelBehind(line: Record<string, unknown>): boolean {
  const { err } = line as { err?: { problem?: { type?: unknown } } };
  return RETRYABLE_PROBLEMS.has(String(err?.problem?.type));
}

const RETRYABLE_PROBLEMS: ReadonlySet<string> = new Set([
  '/problems/read-model-behind',
  '/problems/read-model-rebuilding',
]);
