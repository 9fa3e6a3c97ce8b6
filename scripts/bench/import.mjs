// The bulk import benchmark (issue 8): the built CLI's `import` of 1,000,000 valid events into a
// fresh SQLite store, against a raw batched insert of the same rows into a table of the same
// schema (better-sqlite3, one prepared statement, transactions of 10,000 rows, WAL with
// synchronous=FULL like the store), each in a process of its own, in the same run. Target:
// import >= 0.5 x raw events/s. Builds nothing: run `npm run build` first.
//
//   node scripts/bench/import.mjs          # alone: prints a Markdown table and the JSON result
//   import { benchImport } from './import.mjs'; await benchImport({ events: 1_000_000 })
//
// The events (NDJSON, the format `export-events` writes) are generated once from the domain's
// examples (src/domain/events/examples.ts: every event type valid per the catalogue) over
// 10,000 agreement streams, interleaved as a live log would be, and cached under bench/.fixture/
// (gitignored). BENCH_IMPORT_EVENTS and BENCH_IMPORT_AGREEMENTS change the sizes.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { clearInterval, setInterval } from 'node:timers';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI_JS = join(ROOT, 'dist', 'src', 'cli.js');
const FIXTURE_DIR = join(ROOT, 'bench', '.fixture');
/** Bump when the generated events change, so a stale cached file is not reused. */
const FIXTURE_FORMAT = 1;
const RAW_BATCH_ROWS = 10_000;
const TARGET_RATIO = 0.5;
const require = createRequire(import.meta.url);

/** Runs the benchmark; answers a JSON-able result. */
export async function benchImport(options = {}) {
  const events = options.events ?? 1_000_000;
  const agreements = options.agreements ?? 10_000;
  const log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  if (!existsSync(CLI_JS)) throw new Error('dist/ is missing: run `npm run build` first');
  const fixture = await ensureFixture({ events, agreements, log });
  const fixtureBytes = statSync(fixture).size;
  const dir = mkdtempSync(join(os.tmpdir(), 'obligations-bench-import-'));
  try {
    log(`import: the built CLI imports ${events} events into a fresh SQLite store`);
    const imported = await measureProcess(
      [CLI_JS, 'import', fixture],
      { EVENT_STORE_URL: `sqlite:${join(dir, 'import', 'events.db')}` },
      log,
    );
    if (imported.code !== 0) throw new Error(`import exited ${imported.code}:\n${imported.stderr}`);
    const report = JSON.parse(imported.stdout.trim().split('\n').pop());
    if (report.imported !== events)
      throw new Error(`import wrote ${report.imported} events, not ${events}`);

    log(`raw: a batched insert of the same ${events} rows into a same-schema table`);
    const raw = await measureProcess(
      [fileURLToPath(import.meta.url), 'raw-insert', fixture, join(dir, 'raw', 'events.db')],
      {},
      log,
    );
    if (raw.code !== 0) throw new Error(`the raw insert exited ${raw.code}:\n${raw.stderr}`);
    const rawReport = JSON.parse(raw.stdout.trim().split('\n').pop());
    if (rawReport.rows !== events) throw new Error(`raw inserted ${rawReport.rows} rows`);

    const importPerSecond = events / imported.seconds;
    const rawPerSecond = events / raw.seconds;
    return {
      when: new Date().toISOString(),
      machine: machine(),
      events,
      agreements,
      fixtureBytes,
      import: {
        seconds: imported.seconds,
        eventsPerSecond: importPerSecond,
        peakRssMiB: imported.peakRssMiB,
        cliReport: report,
      },
      raw: {
        seconds: raw.seconds,
        eventsPerSecond: rawPerSecond,
        peakRssMiB: raw.peakRssMiB,
        batchRows: RAW_BATCH_ROWS,
      },
      ratio: importPerSecond / rawPerSecond,
      target: TARGET_RATIO,
      met: importPerSecond / rawPerSecond >= TARGET_RATIO,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The Markdown table of a result. */
export function importMarkdown(result) {
  const row = (name, r, ratio) =>
    `| ${name} | ${result.events} | ${r.seconds.toFixed(1)} | ${Math.round(r.eventsPerSecond)} | ${r.peakRssMiB === null ? 'n/a' : r.peakRssMiB.toFixed(1)} | ${ratio} |`;
  return [
    '| bulk import (SQLite) | events | seconds | events/s | peak RSS MiB | vs raw |',
    '| -------------------- | -----: | ------: | -------: | -----------: | -----: |',
    row('CLI import', result.import, `${result.ratio.toFixed(2)}x`),
    row('raw batched insert', result.raw, ''),
  ].join('\n');
}

function machine() {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    loadAverage: os.loadavg(),
  };
}

/**
 * Runs `node <args>`, measuring its wall time (spawn to exit) and its peak resident set size:
 * VmHWM from /proc/<pid>/status, read every 50 ms while it runs (the kernel keeps the peak, so
 * the last reading before exit is it, give or take the last 50 ms).
 */
async function measureProcess(args, env, log) {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    for (const line of String(chunk).split('\n')) if (line.trim() !== '') log(`  ${line}`);
  });
  let peakRssMiB = null;
  const sample = () => {
    try {
      const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (match !== null) peakRssMiB = Number(match[1]) / 1024;
    } catch {
      // exited between two readings
    }
  };
  const timer = setInterval(sample, 50);
  const [code] = await once(child, 'exit');
  clearInterval(timer);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { code, stdout, stderr, seconds, peakRssMiB };
}

// ---------------------------------------------------------------------------------------------
// The fixture: valid events composed from the domain's examples.

async function ensureFixture({ events, agreements, log }) {
  const file = join(FIXTURE_DIR, `events-${events}-${agreements}-v${FIXTURE_FORMAT}.ndjson`);
  if (existsSync(file)) {
    log(`using the cached ${file}`);
    return file;
  }
  mkdirSync(FIXTURE_DIR, { recursive: true });
  log(`generating ${events} events over ${agreements} agreements into ${file}`);
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  const templates = eventTemplates();
  let chunk = '';
  for (let i = 0; i < events; i++) {
    chunk += lineOf(i, agreements, templates);
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'close');
  renameSync(partial, file);
  return file;
}

/**
 * One template per event type of an agreement stream: the example's data as JSON with its
 * agreement id replaced by a marker, so composing a line is a string replacement.
 */
function eventTemplates() {
  const { EVENT_EXAMPLES } = require(join(ROOT, 'dist', 'src', 'domain', 'events', 'examples.js'));
  const { EVENT_DEFINITIONS } = require(
    join(ROOT, 'dist', 'src', 'domain', 'events', 'catalogue.js'),
  );
  const exampleAgreement = EVENT_EXAMPLES.AgreementSigned.agreementId;
  const template = (definition) => ({
    type: definition.type,
    schemaVersion: definition.schemaVersion,
    dataJson: JSON.stringify(EVENT_EXAMPLES[definition.type]).replaceAll(
      exampleAgreement,
      '@AGREEMENT@',
    ),
  });
  const onAgreements = EVENT_DEFINITIONS.filter(
    (definition) => definition.streams[0] === 'agreement' && definition.type !== 'AgreementSigned',
  );
  return {
    signed: template(EVENT_DEFINITIONS.find((definition) => definition.type === 'AgreementSigned')),
    others: onAgreements.map(template),
  };
}

/** Event i: agreement i mod n at version floor(i / n) + 1, so the streams interleave. */
function lineOf(i, agreements, templates) {
  const agreement = i % agreements;
  const version = Math.floor(i / agreements) + 1;
  const template =
    version === 1 ? templates.signed : templates.others[(version - 2) % templates.others.length];
  const agreementId = `a0000000-0000-4000-8000-${agreement.toString(16).padStart(12, '0')}`;
  const eventId = `e${i.toString(16).padStart(7, '0')}-0000-4000-8000-000000000000`;
  return `{"streamId":"agreement-${agreementId}","streamVersion":${version},"eventId":"${eventId}","type":"${template.type}","schemaVersion":${template.schemaVersion},"data":${template.dataJson.replaceAll('@AGREEMENT@', agreementId)},"metadata":{"occurredAt":"2020-01-01","actor":"system:bench"}}\n`;
}

// ---------------------------------------------------------------------------------------------
// The raw baseline, run in a process of its own: `import.mjs raw-insert <fixture> <db>`.

async function rawInsert(fixture, path) {
  const Database = require('better-sqlite3');
  const { sqliteMigrations } = require(
    join(ROOT, 'dist', 'src', 'eventstore', 'sqlite', 'migrations.js'),
  );
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  for (const migration of sqliteMigrations) db.exec(migration.sql);
  const insert = db.prepare(
    `INSERT INTO events (global_position, event_id, stream_id, stream_version, type, schema_version, data, occurred_at, recorded_at, actor, source, correlation_id, causation_id, content_hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertAll = db.transaction((rows) => {
    for (const row of rows) insert.run(row);
  });
  const recordedAt = new Date().toISOString();
  let position = 0;
  let rows = [];
  const lines = createInterface({ input: createReadStream(fixture), crlfDelay: Infinity });
  for await (const line of lines) {
    const event = JSON.parse(line);
    position += 1;
    rows.push([
      position,
      event.eventId,
      event.streamId,
      event.streamVersion,
      event.type,
      event.schemaVersion,
      JSON.stringify(event.data),
      event.metadata.occurredAt,
      recordedAt,
      event.metadata.actor,
      event.metadata.source ?? null,
      event.metadata.correlationId ?? null,
      event.metadata.causationId ?? null,
      createHash('sha256').update(line).digest('hex'),
    ]);
    if (rows.length === RAW_BATCH_ROWS) {
      insertAll(rows);
      rows = [];
    }
  }
  if (rows.length > 0) insertAll(rows);
  db.close();
  process.stdout.write(`${JSON.stringify({ rows: position })}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === 'raw-insert') {
    await rawInsert(process.argv[3], process.argv[4]);
  } else {
    const result = await benchImport({
      events: Number(process.env.BENCH_IMPORT_EVENTS ?? 1_000_000),
      agreements: Number(process.env.BENCH_IMPORT_AGREEMENTS ?? 10_000),
    });
    process.stdout.write(`${importMarkdown(result)}\n\n${JSON.stringify(result, null, 2)}\n`);
  }
}
