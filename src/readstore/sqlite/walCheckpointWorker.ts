import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { WalCheckpointData } from './walCheckpointThread';

/**
 * The checkpoint thread of a SQLite file (walCheckpointThread.ts): a PASSIVE checkpoint every
 * `everyMs` on a connection of its own, until told to close.
 */
const { path, everyMs, busyTimeoutMs } = workerData as WalCheckpointData;
const db = new Database(path, { timeout: busyTimeoutMs ?? 5_000 });
const timer = setInterval(() => {
  // A checkpoint that cannot run now (a lock, an I/O error) is tried again at the next tick.
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // tried again
  }
}, everyMs);

parentPort?.on('message', (message: unknown) => {
  if (message !== 'close') return;
  clearInterval(timer);
  db.close();
  parentPort?.close();
});
