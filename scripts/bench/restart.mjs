// Restart time on the fixture: the built service (production) on a copy of the fixture is started,
// caught up and stopped (SIGTERM); BENCH_RESTART_AGREEMENTS (default 100) more agreements, about
// 106 events each, are appended behind every checkpoint while it is down (fixture.mjs, the same
// generator); then it is started again and timed: to /readyz answering 200, and to every
// projection and policy caught up with the head. Its checkpoints right after the restart show it
// resumed where it stopped, never from zero.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { copyFixture } from './fixture.mjs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT, fail, projectionLags, startService, waitCaughtUp } from './service.mjs';

/** The read models and policies a service process runs (projections/catalogue.ts). */
const WORKERS = 9;

function positiveInteger(name, fallback) {
  const value = process.env[name] === undefined ? fallback : Number(process.env[name]);
  if (!Number.isInteger(value) || value < 0) fail(`${name} must be a whole number`);
  return value;
}

/** Appends `count` agreements after the fixture's own, into the (stopped) service's store. */
async function appendBacklog(dir, first, count) {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'scripts', 'bench', 'fixture.mjs'),
      '--append',
      dir,
      String(first + count),
      String(first),
    ],
    { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const code = await new Promise((resolve) => child.once('close', resolve));
  if (code !== 0) fail(`appending the backlog failed (exit ${code})`);
}

/**
 * The checkpoints the workers resumed from: the first positions /metrics reports once every
 * worker leads (a worker reports its position only while it leads), before they move far.
 */
async function firstCheckpoints(url) {
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    const { positions } = await projectionLags(url);
    if (Object.keys(positions).length >= WORKERS) return positions;
    if (Date.now() > deadline) fail(`not every worker leads: ${JSON.stringify(positions)}`);
    await sleep(10);
  }
}

/** Starts the service on `dir`, timing readiness and catching up; stops it. */
async function timedStart(dir, label) {
  const started = performance.now();
  const service = await startService({ dir, name: `service (${label})` });
  try {
    await service.ready(10 * 60_000);
    const readyMs = performance.now() - started;
    const positions = await firstCheckpoints(service.url);
    const { head } = await waitCaughtUp(service, {
      timeoutMs: 60 * 60_000,
      onProgress: ({ slowest, lag }) =>
        process.stderr.write(`restart (${label}): waiting for ${slowest} (${lag} events behind)\n`),
    });
    const caughtUpMs = performance.now() - started;
    return { readyMs, caughtUpMs, head, resumedFrom: positions, peakRssMiB: service.peakRssMiB() };
  } finally {
    await service.stop();
  }
}

export async function restartSection({ fixture, rebuild }) {
  const agreements = positiveInteger('BENCH_RESTART_AGREEMENTS', 100);
  const dir = mkdtempSync(join(os.tmpdir(), 'obligations-bench-restart-'));
  process.stderr.write(`restart: copying the fixture to ${dir}\n`);
  copyFixture(fixture.dir, dir);
  try {
    const clean = await timedStart(dir, 'nothing behind');
    process.stderr.write(`restart: appending ${agreements} agreements while the service is down\n`);
    await appendBacklog(dir, fixture.meta.agreements, agreements);
    const behind = await timedStart(dir, 'backlog');
    const backlog = behind.head - clean.head;
    const lowestCheckpoint = Math.min(...Object.values(behind.resumedFrom));
    // The slowest read model's rebuild rate of this run, if the rebuild section ran.
    const rates = (rebuild?.rebuilds ?? []).map((row) => row.eventsPerSecond);
    const rebuildRate = rates.length > 0 ? Math.min(...rates) : null;
    const results = {
      events: clean.head,
      runs: [
        { behind: 0, ...clean },
        { behind: backlog, ...behind },
      ],
      lowestCheckpointAfterRestart: lowestCheckpoint,
      resumedNotFromZero: lowestCheckpoint >= clean.head,
      slowestRebuildEventsPerSecond: rebuildRate,
      targetMs: rebuildRate === null ? null : 2_000 + (backlog / rebuildRate) * 1000,
    };
    return { results, markdown: markdown(results) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function markdown(results) {
  const lines = [
    `Restart on ${results.events} events (SIGTERM, then start again); the lowest checkpoint right after the restart was ${results.lowestCheckpointAfterRestart} (${results.resumedNotFromZero ? 'resumed, not rebuilt from zero' : 'BEHIND the stop: something started over'})`,
    '',
    '| events behind the checkpoints | to /readyz ms | to caught up ms | target ms | peak RSS MiB |',
    '| ----------------------------: | ------------: | --------------: | --------: | -----------: |',
  ];
  for (const run of results.runs) {
    const target =
      results.slowestRebuildEventsPerSecond === null
        ? 'n/a'
        : Math.round(2_000 + (run.behind / results.slowestRebuildEventsPerSecond) * 1000);
    lines.push(
      `| ${run.behind} | ${Math.round(run.readyMs)} | ${Math.round(run.caughtUpMs)} | ${target} | ${run.peakRssMiB?.toFixed(1) ?? 'n/a'} |`,
    );
  }
  return lines.join('\n');
}
