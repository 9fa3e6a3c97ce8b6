// What the bench's sections share: the built service started as a child process on a store
// directory (production mode), readiness, projection lag read from /metrics, peak memory.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { clearInterval, setInterval } from 'node:timers';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MAIN_JS = join(ROOT, 'dist', 'src', 'main.js');
export const CLI_JS = join(ROOT, 'dist', 'src', 'cli.js');

export function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
}

export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A fresh admin key (`keys generate`), for BOOTSTRAP_ADMIN_KEY. */
export function generateAdminKey() {
  const keys = spawnSync(process.execPath, [CLI_JS, 'keys', 'generate'], { encoding: 'utf8' });
  if (keys.status !== 0) fail(`keys generate failed: ${keys.stderr}`);
  return keys.stdout.trim();
}

/** A node process of ours, its output kept (for when it fails) and its exit awaited. */
export function startProcess(name, args, env, options = {}) {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', options.stderr === 'inherit' ? 'inherit' : 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('close', resolve));
  return { name, child, exited, output: () => output };
}

/** Polls /readyz until it answers 200; answers the milliseconds it took. */
export async function waitReady(server, url, timeoutMs = 30_000) {
  const started = performance.now();
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void server.exited.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    try {
      const response = await globalThis.fetch(`${url}/readyz`);
      if (response.ok) return performance.now() - started;
    } catch {
      // not listening yet
    }
    await sleep(20);
  }
  fail(`${server.name} did not become ready:\n${server.output()}`);
}

/** Peak resident set size (VmHWM) of a live process, in MiB. */
export function peakRssMiB(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
    return match === null ? null : Number(match[1]) / 1024;
  } catch {
    return null;
  }
}

/**
 * Follows a child's peak memory until it exits: VmHWM only grows, so the last reading before the
 * exit is the peak (to within the polling interval).
 */
export function watchPeakRss(child, intervalMs = 100) {
  let peak = null;
  const read = () => {
    const now = peakRssMiB(child.pid);
    if (now !== null) peak = now;
  };
  read();
  const timer = setInterval(read, intervalMs);
  child.once('exit', () => clearInterval(timer));
  return { peakMiB: () => peak, stop: () => clearInterval(timer) };
}

/**
 * Starts the built service (production mode) on the SQLite stores of `dir` (obligations.db and,
 * beside it, read-models.db), with a fresh bootstrap admin key. Does not wait for readiness.
 */
export async function startService({ dir, name = 'service', env = {} }) {
  const port = await freePort();
  const adminKey = env.BOOTSTRAP_ADMIN_KEY ?? generateAdminKey();
  const server = startProcess(name, [MAIN_JS], {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    EVENT_STORE_URL: `sqlite:${join(dir, 'obligations.db')}`,
    BOOTSTRAP_ADMIN_KEY: adminKey,
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  const peak = watchPeakRss(server.child);
  return {
    ...server,
    url,
    adminKey,
    peakRssMiB: () => peak.peakMiB(),
    ready: (timeoutMs) => waitReady(server, url, timeoutMs),
    stop: async () => {
      server.child.kill('SIGTERM');
      await server.exited;
    },
  };
}

/** The lag of every projection and policy the service leads, and the head, from /metrics. */
export async function projectionLags(url) {
  const response = await globalThis.fetch(`${url}/metrics`);
  if (!response.ok) throw new Error(`/metrics answered ${response.status}`);
  const text = await response.text();
  const lags = {};
  for (const match of text.matchAll(/^projection_lag_events\{projection="([^"]+)"\} (\d+)$/gm))
    lags[match[1]] = Number(match[2]);
  const positions = {};
  for (const match of text.matchAll(/^projection_position\{projection="([^"]+)"\} (\d+)$/gm))
    positions[match[1]] = Number(match[2]);
  return { lags, positions };
}

/**
 * Waits until every worker of the service leads and none lags behind the head; answers the head
 * and the milliseconds it took. `onProgress` hears of the slowest worker every few seconds.
 */
export async function waitCaughtUp(service, { timeoutMs, onProgress, expectedWorkers = 9 }) {
  const started = performance.now();
  let lastReport = 0;
  for (;;) {
    if (performance.now() - started > timeoutMs)
      throw new Error(`${service.name} did not catch up within ${timeoutMs / 1000} s`);
    const { lags, positions } = await projectionLags(service.url).catch(() => ({
      lags: {},
      positions: {},
    }));
    const names = Object.keys(lags);
    const worst = names.reduce((a, b) => (lags[a] >= lags[b] ? a : b), names[0]);
    if (names.length >= expectedWorkers && lags[worst] === 0) {
      return { head: positions[worst], ms: performance.now() - started };
    }
    if (onProgress && names.length > 0 && performance.now() - lastReport > 5_000) {
      lastReport = performance.now();
      onProgress({ slowest: worst, lag: lags[worst], head: positions[worst] + lags[worst] });
    }
    await sleep(50);
  }
}
