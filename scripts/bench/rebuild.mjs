// Projection rebuild rate on the fixture: the real rebuild (the built CLI, `rebuild --projection
// <name>`, one process per read model, its progress on this terminal's stderr) on a copy of the
// fixture, against the raw fold-and-persist loop (rawFold.mjs) over the same events, measured in
// the same run; events per second and the peak memory (VmHWM) of each process.
// BENCH_REBUILD_PROJECTIONS (default: every read model) chooses the read models.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { copyFixture } from './fixture.mjs';
import { CLI_JS, ROOT, fail, watchPeakRss } from './service.mjs';

const READ_MODELS = [
  'audit-trail',
  'api-keys',
  'integrations',
  'obligations',
  'payments',
  'royalty-statements',
  'hash-chain',
];

/** Runs a node script to its end, stderr shown here; answers its stdout, wall time and peak RSS. */
async function timed(args, env) {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const peak = watchPeakRss(child, 50);
  let stdout = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  const code = await new Promise((resolve) => child.once('close', resolve));
  peak.stop();
  if (code !== 0) fail(`${args.join(' ')} exited with ${code}:\n${stdout}`);
  return { stdout, seconds: (performance.now() - started) / 1000, peakRssMiB: peak.peakMiB() };
}

export async function rebuildSection({ fixture }) {
  const names = (process.env.BENCH_REBUILD_PROJECTIONS ?? READ_MODELS.join(','))
    .split(',')
    .filter((name) => name !== '');
  for (const name of names) if (!READ_MODELS.includes(name)) fail(`no read model ${name}`);
  const dir = mkdtempSync(join(os.tmpdir(), 'obligations-bench-rebuild-'));
  process.stderr.write(`rebuild: copying the fixture to ${dir}\n`);
  copyFixture(fixture.dir, dir);
  try {
    const events = fixture.meta.events;
    process.stderr.write(`rebuild: raw fold-and-persist loop over ${events} events\n`);
    const raw = await timed([
      join(ROOT, 'scripts', 'bench', 'rawFold.mjs'),
      join(dir, 'obligations.db'),
      join(dir, 'raw-fold.db'),
    ]);
    const rawResult = JSON.parse(raw.stdout.trim().split('\n').pop());
    const rawRow = {
      target: 'raw fold-and-persist loop',
      events: rawResult.events,
      seconds: rawResult.seconds,
      eventsPerSecond: rawResult.eventsPerSecond,
      peakRssMiB: raw.peakRssMiB,
    };
    const rebuilds = [];
    for (const name of names) {
      process.stderr.write(`rebuild: obligations rebuild --projection ${name}\n`);
      const run = await timed([CLI_JS, 'rebuild', '--projection', name], {
        EVENT_STORE_URL: `sqlite:${join(dir, 'obligations.db')}`,
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
      });
      rebuilds.push({
        target: `rebuild ${name}`,
        events,
        seconds: run.seconds,
        eventsPerSecond: events / run.seconds,
        peakRssMiB: run.peakRssMiB,
        vsRaw: events / run.seconds / rawRow.eventsPerSecond,
      });
    }
    const results = { events, raw: rawRow, rebuilds };
    return { results, markdown: markdown(results) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function markdown(results) {
  const lines = [
    `Projection rebuild over ${results.events} events (the CLI, one process per read model, process start included) against a raw fold-and-persist loop`,
    '',
    '| target | seconds | events/s | vs raw | peak RSS MiB |',
    '| ------ | ------: | -------: | -----: | -----------: |',
  ];
  for (const row of [results.raw, ...results.rebuilds]) {
    const ratio = row.vsRaw === undefined ? '' : `${row.vsRaw.toFixed(2)}x`;
    lines.push(
      `| ${row.target} | ${row.seconds.toFixed(1)} | ${Math.round(row.eventsPerSecond)} | ${ratio} | ${row.peakRssMiB?.toFixed(1) ?? 'n/a'} |`,
    );
  }
  return lines.join('\n');
}
