import pg from 'pg';
import { findKurrentDb } from './kurrentDbTarget';
import { buildService } from './serviceProcess';
import {
  POSTGRES_SKIP_ENV,
  POSTGRES_URL_ENV,
  TEST_POSTGRES_URL_ENV,
  DEFAULT_TEST_POSTGRES_URL,
} from './postgresTarget';

export default async function globalSetup(): Promise<void> {
  // Test files start the service from dist/, as `npm start` does: build it once, before any runs.
  buildService();
  await findPostgres();
  // Only a quick probe for a container runtime: the KurrentDB test file starts its own server.
  await findKurrentDb(process.env);
}

/**
 * Finds a PostgreSQL for the integration tests, once per run: the server named by
 * TEST_POSTGRES_URL (default: the local one on 127.0.0.1:5432), else one started by
 * testcontainers where a container runtime answers, else none, with one printed line saying why.
 * The answer reaches the test workers through the environment.
 */
async function findPostgres(): Promise<void> {
  const configured = process.env[TEST_POSTGRES_URL_ENV] ?? DEFAULT_TEST_POSTGRES_URL;
  const reachable = await probe(configured);
  if (reachable === null) {
    process.env[POSTGRES_URL_ENV] = configured;
    return;
  }
  try {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:15-alpine').start();
    (
      globalThis as { __obligationsPostgresContainer?: { stop(): Promise<unknown> } }
    ).__obligationsPostgresContainer = container;
    process.env[POSTGRES_URL_ENV] = container.getConnectionUri();
    console.log(
      `\nPostgreSQL tests: ${configured} unreachable (${reachable}); using a testcontainers PostgreSQL`,
    );
  } catch (error) {
    const reason = `PostgreSQL tests skipped: ${redact(configured)} is unreachable (${reachable}) and no container runtime answered (${firstLine(error)}); set ${TEST_POSTGRES_URL_ENV} or start Docker`;
    // CI sets this so that PostgreSQL tests can never pass by skipping.
    if (process.env.REQUIRE_POSTGRES === '1') throw new Error(`REQUIRE_POSTGRES=1 but ${reason}`);
    process.env[POSTGRES_SKIP_ENV] = reason;
    console.log(`\n${reason}`);
  }
}

async function probe(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return firstLine(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
