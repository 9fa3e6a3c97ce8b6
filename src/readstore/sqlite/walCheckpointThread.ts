import type Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import { compiledThread, type ThreadCode } from '../../eventstore/sqlite/threadCode';

/** What the checkpoint thread is told: the file, and how often to look at its log. */
export interface WalCheckpointData {
  readonly path: string;
  readonly everyMs: number;
  readonly busyTimeoutMs?: number;
}

export interface WalCheckpointer {
  close(): Promise<void>;
}

const DEFAULT_EVERY_MS = 100;
/** SQLite's own default: a checkpoint once the log holds this many pages. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

/**
 * Moves the write-ahead log's checkpoints of a SQLite file off the event loop: the writer's
 * connection stops checkpointing (wal_autocheckpoint=0) and a thread with a connection of its
 * own runs a PASSIVE checkpoint every `everyMs`, which never waits for the writer and never
 * holds it up. A checkpoint copies the log's pages into the file and fsyncs both: tens of
 * milliseconds under disk contention, which blocked every request when the commit that crossed
 * SQLite's threshold ran it. Should the thread end, the writer checkpoints again itself, so the
 * log never grows without bound. Null (nothing changed) without the compiled thread.
 */
export function startWalCheckpointer(
  writer: Database.Database,
  data: Omit<WalCheckpointData, 'everyMs'> & { readonly everyMs?: number },
  // None when running from the TypeScript sources (tests): SQLite then checkpoints as it does
  // by default, in the connection that commits.
  thread: ThreadCode | null = compiledThread(__dirname, 'walCheckpointWorker.js'),
): WalCheckpointer | null {
  if (thread === null) return null;
  const worker = new Worker(thread.file, {
    workerData: { ...data, everyMs: data.everyMs ?? DEFAULT_EVERY_MS } satisfies WalCheckpointData,
    ...(thread.execArgv !== undefined && { execArgv: [...thread.execArgv] }),
  });
  // The thread keeps no process alive: a checkpoint cut short is as safe as a crash.
  worker.unref();
  writer.pragma('wal_autocheckpoint = 0');
  let closing = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  // An error ends the thread too ('exit' follows): the writer takes checkpoints back.
  worker.on('error', () => undefined);
  void exited.then(() => {
    if (!closing && writer.open)
      writer.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
  });
  return {
    close: async () => {
      closing = true;
      worker.ref();
      worker.postMessage('close');
      await exited;
    },
  };
}
