import { parentPort, workerData } from 'node:worker_threads';
import {
  toWireError,
  type AppendThreadData,
  type AppendThreadReply,
  type AppendThreadRequest,
} from './appendThread';
import { openSqliteDatabase } from './sqliteDatabase';
import { SqliteAppendWriter } from './sqliteAppendWriter';

/**
 * The append thread of the SQLite event store (appendThread.ts): its own connection to the
 * file, committing each batch it is sent and answering the outcomes and the rows written.
 */
const { path, busyTimeoutMs } = workerData as AppendThreadData;
const db = openSqliteDatabase({ path, ...(busyTimeoutMs !== undefined && { busyTimeoutMs }) });
const writer = new SqliteAppendWriter(db);

parentPort?.on('message', (request: AppendThreadRequest) => {
  if (request.kind === 'close') {
    db.close();
    parentPort?.close();
    return;
  }
  let reply: AppendThreadReply;
  try {
    const { outcomes, written } = writer.commit(request.requests, new Date(request.now));
    reply = {
      ok: true,
      outcomes: outcomes.map((outcome) =>
        outcome.ok ? outcome : { ok: false, error: toWireError(outcome.error) },
      ),
      written,
    };
  } catch (error) {
    reply = { ok: false, error: toWireError(error) };
  }
  parentPort?.postMessage(reply);
});
