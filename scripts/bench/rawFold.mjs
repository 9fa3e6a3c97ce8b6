// The rebuild section's yardstick, in its own process: read the event log in order straight from
// the SQLite event store (better-sqlite3, batches of BATCH events by global position), parse each
// event's JSON, fold it into a simple persisted read model (per stream: events seen and the sum
// of the amounts they carry) in a SQLite database of its own (WAL, synchronous=NORMAL, as the
// read store), the checkpoint written in the same transaction as the batch's rows. What a
// projection cannot do with less. Progress on stderr; prints one JSON line at the end.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { ROOT } from './service.mjs';

const Database = createRequire(join(ROOT, 'package.json'))('better-sqlite3');
const [eventsPath, foldPath] = process.argv.slice(2);
const BATCH = 1000;

const events = new Database(eventsPath, { readonly: true });
const fold = new Database(foldPath);
fold.pragma('journal_mode = WAL');
fold.pragma('synchronous = NORMAL');
fold.exec(`
  CREATE TABLE IF NOT EXISTS stream_totals (
    stream_id TEXT PRIMARY KEY,
    events INTEGER NOT NULL,
    amount_minor INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS checkpoint (name TEXT PRIMARY KEY, position INTEGER NOT NULL);
  DELETE FROM stream_totals;
  DELETE FROM checkpoint;
`);

const readBatch = events.prepare(
  `SELECT global_position, event_id, stream_id, stream_version, type, schema_version, data,
          occurred_at, recorded_at, actor, source, correlation_id, causation_id
     FROM events WHERE global_position > ? ORDER BY global_position LIMIT ?`,
);
const head = events.prepare('SELECT max(global_position) AS head FROM events').get().head ?? 0;
const upsert = fold.prepare(
  `INSERT INTO stream_totals (stream_id, events, amount_minor) VALUES (?, 1, ?)
   ON CONFLICT (stream_id) DO UPDATE SET events = events + 1, amount_minor = amount_minor + excluded.amount_minor`,
);
const checkpoint = fold.prepare(
  `INSERT INTO checkpoint (name, position) VALUES ('raw', ?)
   ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
);

/** The amount an event carries, in minor units (0 for none). */
function amountMinor(data) {
  const amount = data.amount?.amount;
  return typeof amount === 'string' ? Math.round(Number(amount) * 100) : 0;
}

const applyBatch = fold.transaction((rows) => {
  for (const row of rows) {
    const event = {
      ...row,
      data: JSON.parse(row.data),
    };
    upsert.run(event.stream_id, amountMinor(event.data));
  }
  checkpoint.run(rows[rows.length - 1].global_position);
});

const started = performance.now();
let position = 0;
let applied = 0;
let lastReport = 0;
for (;;) {
  const rows = readBatch.all(position, BATCH);
  if (rows.length === 0) break;
  applyBatch(rows);
  position = rows[rows.length - 1].global_position;
  applied += rows.length;
  const now = performance.now();
  if (now - lastReport > 2_000) {
    lastReport = now;
    const rate = applied / ((now - started) / 1000);
    process.stderr.write(`raw fold: ${position}/${head} ${Math.round(rate)} events/s\n`);
  }
}
const seconds = (performance.now() - started) / 1000;
const status = readFileSync('/proc/self/status', 'utf8');
const peakKb = Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1] ?? NaN);
events.close();
fold.close();
process.stdout.write(
  JSON.stringify({
    events: applied,
    seconds,
    eventsPerSecond: applied / seconds,
    peakRssMiB: peakKb / 1024,
  }) + '\n',
);
