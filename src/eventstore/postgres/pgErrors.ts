import type pg from 'pg';
import { EventStoreError, StoreStartupError, StoreUnavailableError } from '../errors';
import { SchemaMismatchError } from '../migration';

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
]);
// SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown, terminated).
const isConnectionSqlState = (code: string): boolean =>
  code.startsWith('08') || code.startsWith('57P');

/** The server cannot be talked to (now): worth a retry, unlike an error of the statement. */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string')
    return CONNECTION_ERROR_CODES.has(code) || isConnectionSqlState(code);
  // node-postgres says so without a code for a pooled connection the server closed a moment ago
  // (a shutdown reaches idle connections too), when that connection is used before it is dropped.
  return (
    error instanceof Error &&
    /timeout|terminated|Connection terminated|encountered a connection error/i.test(error.message)
  );
}

/** A connection error as the port's StoreUnavailableError (503 at the edge); others unchanged. */
export function unavailableOr(error: unknown): unknown {
  if (error instanceof EventStoreError || !isConnectionError(error)) return error;
  return new StoreUnavailableError(`PostgreSQL is unavailable: ${(error as Error).message}`, {
    cause: error,
  });
}

/** Why PostgreSQL could not be opened, as a StoreStartupError naming the server (no password). */
export function startupError(error: unknown, connectionString: string, what = 'PostgreSQL'): Error {
  if (error instanceof StoreStartupError) return error;
  const where = describeServer(connectionString);
  const detail = error instanceof Error ? error.message : String(error);
  if (error instanceof SchemaMismatchError)
    return new StoreStartupError('schema-mismatch', `${where}: ${error.message}`, { cause: error });
  const code = (error as { code?: unknown } | null)?.code;
  if (isConnectionError(error) || code === 'ENOTFOUND') {
    return new StoreStartupError(
      'unreachable',
      `cannot reach ${what} at ${where}: ${detail || String(code)}`,
      { cause: error },
    );
  }
  return new StoreStartupError('rejected', `${what} at ${where} refused the service: ${detail}`, {
    cause: error,
  });
}

/** host:port/database, without the password. */
export function describeServer(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
  } catch {
    return 'the configured server';
  }
}

/** Start-up: retries a server that refuses connections (a container still booting) until `timeoutMs`. */
export async function connectWithRetry(pool: pg.Pool, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delayMs = 100; ; delayMs = Math.min(delayMs * 2, 2_000)) {
    try {
      const client = await pool.connect();
      client.release();
      return;
    } catch (error) {
      if (!isConnectionError(error) || Date.now() + delayMs > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
