import type Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import type { AppendRequest, EventRow } from '../appendPlanner';
import {
  EventIdConflictError,
  InvalidAppendError,
  StoreUnavailableError,
  WrongExpectedVersionError,
} from '../errors';
import type { AppendResult, ExpectedVersion } from '../eventStore';
import { SqliteAppendWriter, type CommittedBatch } from './sqliteAppendWriter';
import { compiledThread, type ThreadCode } from './threadCode';

/**
 * The compiled append thread when there is one (the built service), else none: appends then
 * commit on the calling thread.
 */
export const defaultAppendThread = (): ThreadCode | null =>
  compiledThread(__dirname, 'appendWorker.js');

/** Commits grouped appends: one batch at a time (the group committer never sends two). */
export interface AppendCommitter {
  commit(requests: readonly AppendRequest[], now: Date): Promise<CommittedBatch>;
  close(): Promise<void>;
}

/** On the calling thread, on the store's own connection. */
export function inlineAppendCommitter(db: Database.Database): AppendCommitter {
  const writer = new SqliteAppendWriter(db);
  return {
    commit: async (requests, now) => writer.commit(requests, now),
    close: async () => undefined,
  };
}

/** What the append thread is told: open the file, then commit each batch it is sent. */
export interface AppendThreadData {
  readonly path: string;
  readonly busyTimeoutMs?: number;
}
export type AppendThreadRequest =
  | { readonly kind: 'commit'; readonly requests: readonly AppendRequest[]; readonly now: string }
  | { readonly kind: 'close' };
export type AppendThreadReply =
  | { readonly ok: true; readonly outcomes: WireOutcome[]; readonly written: EventRow[] }
  | { readonly ok: false; readonly error: WireError };

/**
 * The store's errors as they cross threads: a structured clone keeps an error's message but not
 * its class or its fields, which callers need (`code`, the expected version, the pointer).
 */
export type WireError =
  | {
      readonly kind: 'wrong-expected-version';
      readonly streamId: string;
      readonly expected: ExpectedVersion;
      readonly actual: number;
    }
  | { readonly kind: 'event-id-conflict'; readonly eventId: string; readonly reason: string }
  | { readonly kind: 'invalid-append'; readonly pointer: string; readonly detail: string }
  | { readonly kind: 'store-unavailable'; readonly message: string }
  | {
      readonly kind: 'other';
      readonly name: string;
      readonly message: string;
      readonly code?: string;
    };
export type WireOutcome =
  | { readonly ok: true; readonly value: AppendResult }
  | { readonly ok: false; readonly error: WireError };

export function toWireError(error: unknown): WireError {
  if (error instanceof WrongExpectedVersionError)
    return {
      kind: 'wrong-expected-version',
      streamId: error.streamId,
      expected: error.expected,
      actual: error.actual,
    };
  if (error instanceof EventIdConflictError) {
    const prefix = `event ${error.eventId} was already appended `;
    const reason = error.message.startsWith(prefix)
      ? error.message.slice(prefix.length)
      : error.message;
    return { kind: 'event-id-conflict', eventId: error.eventId, reason };
  }
  if (error instanceof InvalidAppendError)
    return { kind: 'invalid-append', pointer: error.pointer, detail: error.detail };
  if (error instanceof StoreUnavailableError)
    return { kind: 'store-unavailable', message: error.message };
  const code = (error as { code?: unknown } | null)?.code;
  return {
    kind: 'other',
    name: error instanceof Error ? error.name : 'Error',
    message: error instanceof Error ? error.message : String(error),
    ...(typeof code === 'string' && { code }),
  };
}

export function fromWireError(wire: WireError): Error {
  switch (wire.kind) {
    case 'wrong-expected-version':
      return new WrongExpectedVersionError(wire.streamId, wire.expected, wire.actual);
    case 'event-id-conflict':
      return new EventIdConflictError(wire.eventId, wire.reason);
    case 'invalid-append':
      return new InvalidAppendError(wire.pointer, wire.detail);
    case 'store-unavailable':
      return new StoreUnavailableError(wire.message);
    case 'other': {
      const error = new Error(wire.message) as Error & { code?: string };
      error.name = wire.name;
      if (wire.code !== undefined) error.code = wire.code;
      return error;
    }
    default: {
      const _exhaustive: never = wire;
      return _exhaustive;
    }
  }
}

/**
 * On a thread of its own, with a connection of its own to the same file (synchronous=FULL, like
 * every connection of the store): the inserts, the COMMIT's fsync and the write-ahead log's
 * checkpoints no longer block the event loop, which goes on parsing, verifying and answering
 * requests meanwhile. The thread starts with the first append (a CLI that only reads or imports
 * never starts it) and starts again after a failure.
 */
export function threadAppendCommitter(thread: ThreadCode, data: AppendThreadData): AppendCommitter {
  let worker: Worker | null = null;
  let waiting: {
    readonly resolve: (batch: CommittedBatch) => void;
    readonly reject: (error: unknown) => void;
  }[] = [];
  const failAll = (error: unknown) => {
    const failed = waiting;
    waiting = [];
    for (const entry of failed) entry.reject(error);
  };
  const start = (): Worker => {
    const started = new Worker(thread.file, {
      workerData: data,
      ...(thread.execArgv !== undefined && { execArgv: [...thread.execArgv] }),
    });
    // Idle, the thread keeps no process alive (a CLI that forgets to close the store still
    // exits); with a batch in flight it does, so that the batch is answered.
    started.unref();
    started.on('message', (reply: AppendThreadReply) => {
      const entry = waiting.shift();
      if (waiting.length === 0) started.unref();
      if (entry === undefined) return;
      if (!reply.ok) {
        entry.reject(fromWireError(reply.error));
        return;
      }
      entry.resolve({
        outcomes: reply.outcomes.map((outcome) =>
          outcome.ok ? outcome : { ok: false, error: fromWireError(outcome.error) },
        ),
        written: reply.written,
      });
    });
    // Whatever a batch in flight did is unknown to the caller: it fails, and the events it may
    // have committed are found by their ids on a retry (an append of the same ids is a no-op).
    started.on('error', (error) => {
      if (worker === started) worker = null;
      failAll(new StoreUnavailableError(`the append thread failed: ${error.message}`));
    });
    started.on('exit', (code) => {
      if (worker === started) worker = null;
      failAll(new StoreUnavailableError(`the append thread exited (${code})`));
    });
    return started;
  };
  return {
    commit: (requests, now) =>
      new Promise<CommittedBatch>((resolve, reject) => {
        worker ??= start();
        worker.ref();
        waiting.push({ resolve, reject });
        const message: AppendThreadRequest = {
          kind: 'commit',
          requests,
          now: now.toISOString(),
        };
        worker.postMessage(message);
      }),
    close: async () => {
      const closing = worker;
      worker = null;
      if (closing === null) return;
      const exited = new Promise<void>((resolve) => closing.once('exit', () => resolve()));
      const message: AppendThreadRequest = { kind: 'close' };
      closing.ref();
      closing.postMessage(message);
      await exited;
    },
  };
}
