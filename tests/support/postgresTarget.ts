import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_POSTGRES_URL_ENV = 'TEST_POSTGRES_URL';
export const DEFAULT_TEST_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
// Set by globalSetup for the workers.
export const POSTGRES_URL_ENV = 'OBLIGATIONS_TEST_POSTGRES_URL';
export const POSTGRES_SKIP_ENV = 'OBLIGATIONS_TEST_POSTGRES_SKIP';

/** `describe` when a PostgreSQL is available for this run, `describe.skip` otherwise. */
export function describeWithPostgres(name: string, body: () => void): void {
  const skip = process.env[POSTGRES_SKIP_ENV];
  if (skip !== undefined || process.env[POSTGRES_URL_ENV] === undefined)
    describe.skip(`${name} (${skip ?? 'no PostgreSQL'})`, body);
  else describe(name, body);
}

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  /** Runs SQL as the administrator on this database (tests only: fault injection, inspection). */
  admin<R extends pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

/** A database of its own for one test file, dropped afterwards. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env[POSTGRES_URL_ENV];
  if (serverUrl === undefined) throw new Error('no PostgreSQL for this run');
  const name = `obligations_test_${randomBytes(6).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const admin = new pg.Pool({ connectionString: url.toString(), max: 2 });
  admin.on('error', () => undefined);
  return {
    url: url.toString(),
    name,
    async admin<R extends pg.QueryResultRow>(sql: string, values: unknown[] = []) {
      return (await admin.query<R>(sql, values)).rows;
    },
    async drop() {
      await admin.end();
      await withClient(serverUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      );
    },
  };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
