import { NO_STREAM } from '@eventstore/db-client';
import { EventStoreError, StoreStartupError, StoreUnavailableError } from '../errors';
import { versionOfCurrentRevision } from './revisions';

/**
 * The client's errors are classified by their `type` (and gRPC status `code`), not by class, so
 * that two copies of the client in one process, or its successor package, classify the same.
 */
const RETRYABLE_TYPES = new Set([
  'unavailable', // no connection, or the server went away mid-call
  'deadline-exceeded',
  'timeout', // the server gave up on a write (it may or may not have happened)
  'cancelled', // the server cancelled a call, as it does while shutting down
  'not-leader', // the cluster changed leader; the client reconnects to the new one
]);

// gRPC status codes: CANCELLED, DEADLINE_EXCEEDED, UNAVAILABLE.
const RETRYABLE_GRPC_CODES = new Set([1, 4, 14]);

/** A read that took longer than the store allows, for example on a half-open connection. */
export class ReadTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`KurrentDB did not answer a read within ${timeoutMs} ms`);
    this.name = 'ReadTimeoutError';
  }
}

function fieldOf(error: unknown, field: 'type' | 'code'): unknown {
  return typeof error === 'object' && error !== null
    ? (error as Record<string, unknown>)[field]
    : undefined;
}

/** The server cannot be reached or did not answer in time: the caller may retry later. */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof ReadTimeoutError) return true;
  const type = fieldOf(error, 'type');
  if (typeof type === 'string' && RETRYABLE_TYPES.has(type)) return true;
  const code = fieldOf(error, 'code');
  if (typeof code === 'number' && RETRYABLE_GRPC_CODES.has(code)) return true;
  // Thrown by cluster discovery when no gossip seed answers.
  return error instanceof Error && /^Failed to discover/.test(error.message);
}

export function isAccessDenied(error: unknown): boolean {
  return fieldOf(error, 'type') === 'access-denied';
}

export function errorTypeOf(error: unknown): string | undefined {
  const type = fieldOf(error, 'type');
  return typeof type === 'string' ? type : undefined;
}

/**
 * The stream's version (event count) a wrong-expected-version error reports: its `actualVersion`
 * is the stream's revision, or `no_stream`. Unknown (-1) if the error does not say.
 */
export function actualVersionOf(error: unknown): number {
  const actual =
    typeof error === 'object' && error !== null
      ? (error as Record<string, unknown>).actualVersion
      : undefined;
  if (actual === NO_STREAM) return 0;
  if (typeof actual === 'bigint' && actual >= 0n && actual < BigInt(Number.MAX_SAFE_INTEGER))
    return versionOfCurrentRevision(actual);
  return -1;
}

/** Maps what the client throws while the store runs to the port's errors. */
export function toStoreError(error: unknown, server: string): unknown {
  if (error instanceof EventStoreError || !isUnavailable(error)) return error;
  return new StoreUnavailableError(`KurrentDB at ${server} is unavailable: ${messageOf(error)}`, {
    cause: error,
  });
}

/** Maps what failed while opening the store to a start-up reason (and so an exit code). */
export function startupError(error: unknown, server: string): StoreStartupError {
  if (error instanceof StoreStartupError) return error;
  if (isUnavailable(error)) {
    return new StoreStartupError(
      'unreachable',
      `cannot reach KurrentDB at ${server}: ${messageOf(error)}`,
      { cause: error },
    );
  }
  if (isAccessDenied(error)) {
    return new StoreStartupError(
      'rejected',
      `KurrentDB at ${server} refused the service: ${messageOf(error)}; check the credentials in EVENT_STORE_URL (the user must be allowed to read $all)`,
      { cause: error },
    );
  }
  return new StoreStartupError(
    'rejected',
    `KurrentDB at ${server} refused the service: ${messageOf(error)}`,
    { cause: error },
  );
}

function messageOf(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error))
    .split('\n')[0]!
    // grpc-js ends some messages with an empty "Resolution note:".
    .replace(/\s*Resolution note:\s*$/, '');
  const hint = /ssl|tls|handshake|certificate/i.test(message)
    ? ' (does tls=true/false in the connection string match the server?)'
    : '';
  return (message || errorTypeOf(error) || 'unknown error') + hint;
}
