// `npm run bench`: the benchmarks of issue 8, section by section. Builds nothing: run `npm run
// build` first. BENCH_SECTIONS (default ingestion,queries,rebuild,restart,import) chooses the sections,
// each runnable alone:
// - ingestion (ingestion.mjs): signed-webhook ingestion of the service against a bare baseline;
// - queries (queries.mjs): query latency on the large fixture;
// - rebuild (rebuild.mjs): projection rebuild rate on the fixture against a raw fold loop;
// - restart (restart.mjs): time to ready and to caught up after a restart with a backlog;
// - import (import.mjs): the CLI's bulk import of 1M events against a raw batched insert.
// The last three share the fixture (fixture.mjs: BENCH_AGREEMENTS, default 10,000 agreements of
// about 106 events), generated once into bench/.fixture/ and reused. Results are merged into
// bench/results.json (a section not run keeps its last results) and printed as Markdown tables.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { ensureFixture } from './fixture.mjs';
import { benchImport, importMarkdown } from './import.mjs';
import { ingestionSection } from './ingestion.mjs';
import { queriesSection } from './queries.mjs';
import { rebuildSection } from './rebuild.mjs';
import { restartSection } from './restart.mjs';
import { CLI_JS, MAIN_JS, ROOT, fail } from './service.mjs';

const SECTIONS = ['ingestion', 'queries', 'rebuild', 'restart', 'import'];
const RESULTS = join(ROOT, 'bench', 'results.json');

function chosenSections() {
  const chosen = (process.env.BENCH_SECTIONS ?? SECTIONS.join(','))
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  for (const name of chosen)
    if (!SECTIONS.includes(name))
      fail(`BENCH_SECTIONS: no section ${name}; the sections are ${SECTIONS.join(', ')}`);
  return SECTIONS.filter((name) => chosen.includes(name));
}

function machine() {
  const sqlite = spawnSync(
    process.execPath,
    [
      '-e',
      "const D=require('better-sqlite3');console.log(new D(':memory:').prepare('select sqlite_version() v').get().v)",
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    sqlite: sqlite.stdout.trim() || 'unknown',
    betterSqlite3: pkg.dependencies['better-sqlite3'],
    express: pkg.dependencies.express,
    loadAverageAtStart: os.loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

function previousResults() {
  if (!existsSync(RESULTS)) return {};
  try {
    return JSON.parse(readFileSync(RESULTS, 'utf8'));
  } catch {
    return {};
  }
}

async function main() {
  if (!existsSync(MAIN_JS) || !existsSync(CLI_JS)) {
    fail('dist/ is missing: run `npm run build` first (the bench builds nothing itself)');
  }
  const sections = chosenSections();
  const m = machine();
  const tables = [];
  const results = { ...previousResults(), when: new Date().toISOString(), machine: m };

  if (sections.includes('ingestion')) {
    const { results: ingestion, markdown } = await ingestionSection();
    // The ingestion's keys stay where the first version of the bench wrote them.
    Object.assign(results, ingestion);
    tables.push(markdown);
  }
  // The import section generates (and caches) a file of its own.
  const needsFixture = sections.some((name) => name !== 'ingestion' && name !== 'import');
  const fixture = needsFixture
    ? await ensureFixture({ agreements: Number(process.env.BENCH_AGREEMENTS ?? 10_000) })
    : null;
  if (fixture !== null) results.fixture = { dir: fixture.dir, ...fixture.meta };
  if (sections.includes('queries')) {
    const { results: queries, markdown } = await queriesSection({ fixture });
    results.queries = queries;
    tables.push(markdown);
  }
  if (sections.includes('rebuild')) {
    const { results: rebuild, markdown } = await rebuildSection({ fixture });
    results.rebuild = rebuild;
    tables.push(markdown);
  }
  if (sections.includes('restart')) {
    const rebuild = sections.includes('rebuild') ? results.rebuild : null;
    const { results: restart, markdown } = await restartSection({ fixture, rebuild });
    results.restart = restart;
    tables.push(markdown);
  }
  if (sections.includes('import')) {
    const bulkImport = await benchImport({
      events: Number(process.env.BENCH_IMPORT_EVENTS ?? 1_000_000),
      agreements: Number(process.env.BENCH_IMPORT_AGREEMENTS ?? 10_000),
    });
    results.import = bulkImport;
    tables.push(
      `Bulk import of ${bulkImport.events} events (the CLI) against a raw batched insert of the same rows\n\n${importMarkdown(bulkImport)}`,
    );
  }

  mkdirSync(join(ROOT, 'bench'), { recursive: true });
  writeFileSync(RESULTS, JSON.stringify(results, null, 2) + '\n');
  const fixtureLine =
    fixture === null
      ? ''
      : `; fixture ${fixture.meta.events} events, ${fixture.meta.agreements} agreements (generated in ${Math.round(fixture.meta.appendSeconds + fixture.meta.catchUpSeconds)} s)`;
  process.stdout.write(
    `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, SQLite ${m.sqlite} (better-sqlite3 ${m.betterSqlite3}), express ${m.express}; load average at start ${m.loadAverageAtStart.join(' ')}${fixtureLine}\n\n`,
  );
  process.stdout.write(
    tables.join('\n\n') + `\n\nwritten to bench/results.json (${sections.join(', ')})\n`,
  );
}

await main();
