// Signed-webhook ingestion of the real service (dist/, production mode, a fresh SQLite store)
// against a baseline (a bare express 5 app inserting the same row per request into SQLite, WAL,
// synchronous=NORMAL), each loaded from a separate process with autocannon at 1, 16 and 64
// connections. BENCH_SECONDS (default 10) sets each measurement's length, BENCH_CONNECTIONS
// (default 1,16,64) the connection counts, BENCH_WARMUP_SECONDS (default 2) the warm-up of each
// server before it is measured.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAIN_JS = join(ROOT, 'dist', 'src', 'main.js');
const CLI_JS = join(ROOT, 'dist', 'src', 'cli.js');
const SECONDS = positiveInteger('BENCH_SECONDS', 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '1,16,64').split(',').map(Number);
const INTEGRATION_ID = 'bench-cro';

function positiveInteger(name, fallback) {
  const value = process.env[name] === undefined ? fallback : Number(process.env[name]);
  if (!Number.isInteger(value) || value <= 0) fail(`${name} must be a positive integer`);
  return value;
}

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function startProcess(name, args, env) {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('close', resolve));
  return { name, child, exited, output: () => output };
}

async function waitReady(server, url) {
  const deadline = Date.now() + 30_000;
  let exited = false;
  void server.exited.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    try {
      const response = await globalThis.fetch(`${url}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  fail(`${server.name} did not become ready:\n${server.output()}`);
}

/** Peak resident set size (VmHWM) of a process, in MiB. */
function peakRssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  return match === null ? null : Number(match[1]) / 1024;
}

const CLOCK_TICKS_PER_SECOND = Number(
  spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim() || 100,
);

/**
 * CPU time (user + system) a process has used so far, in ms: per request, the figure the load
 * of other processes on the machine disturbs least.
 */
function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

function load(url, secret, connections, seconds, label) {
  const options = JSON.stringify({
    url,
    integrationId: INTEGRATION_ID,
    secret,
    connections,
    seconds,
    label,
  });
  const run = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bench', 'load.mjs'), options], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (run.status !== 0) fail(`the load generator failed:\n${run.stdout}${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop());
}

async function registerIntegration(url, adminKey) {
  const response = await globalThis.fetch(`${url}/admin/integrations`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      integrationId: INTEGRATION_ID,
      name: 'Benchmark CRO',
      eventTypes: ['INDSubmitted'],
    }),
  });
  const body = await response.json();
  if (response.status !== 201 || typeof body.secret !== 'string') {
    fail(`registering the integration answered ${response.status}: ${JSON.stringify(body)}`);
  }
  return body.secret;
}

function markdown(results) {
  const lines = [
    '| target | connections | requests/s | p50 ms | p99 ms | errors | non-2xx | CPU ms/request | vs baseline |',
    '| ------ | ----------: | ---------: | -----: | -----: | -----: | ------: | -------------: | ----------: |',
  ];
  for (const row of results.ingestion) {
    const baseline = results.ingestion.find(
      (other) => other.target === 'baseline' && other.connections === row.connections,
    );
    const ratio =
      row.target === 'service' && baseline !== undefined && baseline.requestsPerSecond > 0
        ? `${(row.requestsPerSecond / baseline.requestsPerSecond).toFixed(2)}x`
        : '';
    lines.push(
      `| ${row.target} | ${row.connections} | ${Math.round(row.requestsPerSecond)} | ${row.p50} | ${row.p99} | ${row.errors + row.timeouts} | ${row.non2xx} | ${row.cpuMsPerRequest?.toFixed(3) ?? 'n/a'} | ${ratio} |`,
    );
  }
  lines.push('');
  lines.push('| process | peak RSS (VmHWM) MiB |');
  lines.push('| ------- | -------------------: |');
  for (const [name, mib] of Object.entries(results.peakRssMiB)) {
    lines.push(`| ${name} | ${mib === null ? 'n/a' : mib.toFixed(1)} |`);
  }
  return lines.join('\n');
}

/**
 * The ingestion section: answers its results (for bench/results.json) and its Markdown table.
 */
export async function ingestionSection() {
  if (!existsSync(MAIN_JS) || !existsSync(CLI_JS)) {
    fail('dist/ is missing: run `npm run build` first (the bench builds nothing itself)');
  }
  const dir = mkdtempSync(join(os.tmpdir(), 'obligations-bench-'));
  const keys = spawnSync(process.execPath, [CLI_JS, 'keys', 'generate'], { encoding: 'utf8' });
  if (keys.status !== 0) fail(`keys generate failed: ${keys.stderr}`);
  const adminKey = keys.stdout.trim();

  const servicePort = await freePort();
  const baselinePort = await freePort();
  const serviceUrl = `http://127.0.0.1:${servicePort}`;
  const baselineUrl = `http://127.0.0.1:${baselinePort}`;
  const service = startProcess('service', [MAIN_JS], {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(servicePort),
    EVENT_STORE_URL: `sqlite:${join(dir, 'service', 'obligations.db')}`,
    BOOTSTRAP_ADMIN_KEY: adminKey,
  });
  const baseline = startProcess('baseline', [join(ROOT, 'scripts', 'bench', 'baseline.mjs')], {
    NODE_ENV: 'production',
    PORT: String(baselinePort),
    BASELINE_DB: join(dir, 'baseline.db'),
  });
  const stopAll = async () => {
    for (const server of [service, baseline]) server.child.kill('SIGTERM');
    await Promise.all([service.exited, baseline.exited]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    mkdirSync(join(dir, 'service'), { recursive: true });
    await Promise.all([waitReady(service, serviceUrl), waitReady(baseline, baselineUrl)]);
    const secret = await registerIntegration(serviceUrl, adminKey);

    const targets = [
      { target: 'service', url: serviceUrl },
      { target: 'baseline', url: baselineUrl },
    ];
    if (WARMUP_SECONDS > 0) {
      for (const { target, url } of targets) {
        process.stderr.write(`warming up ${target} for ${WARMUP_SECONDS} s\n`);
        load(url, secret, 16, WARMUP_SECONDS, `${target}-warmup`);
      }
    }
    const ingestion = [];
    const pids = { service: service.child.pid, baseline: baseline.child.pid };
    for (const connections of CONNECTIONS) {
      for (const { target, url } of targets) {
        process.stderr.write(`${target}: ${connections} connection(s) for ${SECONDS} s\n`);
        const cpuBefore = cpuMs(pids[target]);
        const result = load(url, secret, connections, SECONDS, `${target}-${connections}`);
        // A second more, so that the service's projections finish what the requests started.
        await sleep(1_000);
        const cpuMsPerRequest =
          result.total > 0 ? (cpuMs(pids[target]) - cpuBefore) / result.total : null;
        ingestion.push({ target, connections, ...result, cpuMsPerRequest });
      }
    }
    const results = {
      secondsPerRun: SECONDS,
      ingestion,
      peakRssMiB: {
        service: peakRssMiB(service.child.pid),
        baseline: peakRssMiB(baseline.child.pid),
      },
    };
    return {
      results,
      markdown: `Signed-webhook ingestion (INDSubmitted), ${SECONDS} s per run\n\n${markdown(results)}`,
    };
  } finally {
    await stopAll();
  }
}
