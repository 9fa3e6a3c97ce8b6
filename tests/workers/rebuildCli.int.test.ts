import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModels } from '../../projections/catalogue';
import { formatApiKey, generateApiKey } from '../../src/auth/apiKeyToken';
import type { EventStore } from '../../src/eventstore/eventStore';
import { PostgresReadStore } from '../../src/readstore/postgres/postgresReadStore';
import type { ReadStore } from '../../src/readstore/readStore';
import { SqliteReadStore } from '../../src/readstore/sqlite/sqliteReadStore';
import { createTestDatabase, describeWithPostgres } from '../support/postgresTarget';
import { MAIN_JS, startService, type ServiceProcess } from '../support/serviceProcess';
import { testLogger } from '../support/testLogger';
import { httpClient, rowCounts, snapshot, writeHistory } from './rebuildHistory';

jest.setTimeout(120_000);

const CLI_JS = join(MAIN_JS, '..', 'cli.js');
const READ_MODELS = readModels({} as EventStore);

interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run cli -- ...` as an operator runs it, with only the environment the test gives. */
function cli(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI_JS, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

interface Target {
  /** EVENT_STORE_URL and READ_STORE_URL of the service. */
  readonly env: Record<string, string>;
  /** The service's read store, opened by the test (with the service stopped). */
  readonly openReadStore: () => Promise<ReadStore>;
  /** A READ_STORE_URL of an empty read store, and how to open it. */
  readonly emptyReadStore: () => Promise<{ url: string; open: () => Promise<ReadStore> }>;
}

/**
 * The built CLI against the stores of a real service process: while the service runs, its worker
 * holds the lease and the CLI waits, then gives up after --wait; with the service stopped, it
 * rebuilds every read model, printing its progress, into the same rows; and it builds an empty
 * read store equal to the live one.
 */
function rebuildCliSuite(target: () => Target): void {
  let service: ServiceProcess | undefined;

  afterEach(async () => {
    service?.kill('SIGKILL');
    await service?.exited;
    service = undefined;
  });

  /** The service's own view: every projection has applied the head (from /metrics). */
  async function caughtUp(base: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const metrics = await (await fetch(`${base}/metrics`)).text();
      const lags = [...metrics.matchAll(/^projection_lag_events\{[^}]*\} (\d+)/gm)].map((match) =>
        Number(match[1]),
      );
      if (lags.length > 0 && lags.every((lag) => lag === 0)) return;
      if (Date.now() > deadline)
        throw new Error(`the projections did not catch up: ${lags.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function snapshotOf(readStore: Promise<ReadStore>) {
    const opened = await readStore;
    try {
      return await snapshot(opened, READ_MODELS);
    } finally {
      await opened.close();
    }
  }

  it('waits for a running service, then rebuilds every read model into the same rows, printing progress', async () => {
    const { env, openReadStore, emptyReadStore } = target();
    const adminKey = formatApiKey(generateApiKey());
    service = startService({
      env: {
        ...env,
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'info',
        BOOTSTRAP_ADMIN_KEY: adminKey,
      },
    });
    const listening = await service.waitForLog((line) => line.msg === 'listening');
    const base = `http://127.0.0.1:${listening.port as number}`;
    await writeHistory(httpClient(base, adminKey), { extraDeals: 2 });
    await caughtUp(base);

    // The running service's worker leads the audit trail: the CLI says so, waits, and gives up.
    const refused = await cli(['rebuild', '--projection', 'audit-trail', '--wait', '1'], env);
    expect(refused.stderr).toMatch(/^waiting for projection:audit-trail: a running service/m);
    expect(refused.stderr).toMatch(/projection:audit-trail is still held by another process/);
    expect(refused.code).toBe(75);

    service.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
    service = undefined;
    const live = await snapshotOf(openReadStore());
    expect(rowCounts(live).audit_trail).toBeGreaterThan(40);

    const rebuilt = await cli(['rebuild', '--batch-size', '25'], env);
    expect(rebuilt.stdout).toBe('');
    for (const { name } of READ_MODELS) {
      expect(rebuilt.stderr).toMatch(
        new RegExp(`^rebuilding ${name} 0% position 0/\\d+ 0 events/s ETA`, 'm'),
      );
      expect(rebuilt.stderr).toMatch(
        new RegExp(`^rebuilt ${name}: \\d+ events up to position \\d+ in [\\d.]+ s`, 'm'),
      );
    }
    expect(rebuilt.code).toBe(0);
    expect(await snapshotOf(openReadStore())).toEqual(live);

    // From nothing: a read store the service never used.
    const empty = await emptyReadStore();
    const fresh = await cli(['rebuild'], { ...env, READ_STORE_URL: empty.url });
    expect(fresh.code).toBe(0);
    expect(await snapshotOf(empty.open())).toEqual(live);
  });

  it('names the read models when asked for another, and refuses bad options', async () => {
    const { env } = target();
    const unknown = await cli(['rebuild', '--projection', 'milestone-policy'], env);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain(
      `there is no read model milestone-policy; the read models are ${READ_MODELS.map((p) => p.name).join(', ')}\n`,
    );
    expect((await cli(['rebuild', '--wait', 'soon'], env)).code).toBe(64);
    expect((await cli(['rebuild', '--batch-size', '0'], env)).code).toBe(64);
    expect((await cli(['rebuild', '--bogus'], env)).stderr).toMatch(
      /usage: npm run cli -- rebuild \[--projection <name>\]/,
    );
  });
}

describe('the rebuild CLI on SQLite', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'obligations-rebuild-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));
  const sqlite = (file: string) => async () =>
    SqliteReadStore.open({ path: join(directory, file), logger: testLogger() });
  rebuildCliSuite(() => ({
    env: { EVENT_STORE_URL: `sqlite:${join(directory, 'events.db')}` },
    openReadStore: sqlite('read-models.db'),
    emptyReadStore: async () => ({
      url: `sqlite:${join(directory, 'fresh.db')}`,
      open: sqlite('fresh.db'),
    }),
  }));
});

describeWithPostgres('the rebuild CLI on PostgreSQL', () => {
  const drops: (() => Promise<void>)[] = [];
  let url = '';
  beforeEach(async () => {
    const database = await createTestDatabase();
    drops.push(() => database.drop());
    url = database.url;
  });
  afterEach(async () => {
    for (const drop of drops.splice(0)) await drop();
  });
  const postgres = (connectionString: string) => () =>
    PostgresReadStore.open({ connectionString, logger: testLogger() });
  rebuildCliSuite(() => ({
    env: { EVENT_STORE_URL: url },
    openReadStore: postgres(url),
    emptyReadStore: async () => {
      const database = await createTestDatabase();
      drops.push(() => database.drop());
      return { url: database.url, open: postgres(database.url) };
    },
  }));
});
