import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSigningKey } from '../../src/audit/signingKey';
import { EVENT_EXAMPLES } from '../../src/domain/events/examples';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgresEventStore';
import { SqliteEventStore } from '../../src/eventstore/sqlite/sqliteEventStore';
import { PostgresReadStore } from '../../src/readstore/postgres/postgresReadStore';
import { SqliteReadStore } from '../../src/readstore/sqlite/sqliteReadStore';
import {
  createTestDatabase,
  describeWithPostgres,
  type TestDatabase,
} from '../support/postgresTarget';
import { startService, type Stores } from '../support/serviceHarness';
import { testLogger } from '../support/testLogger';
import { A, recordDeal, settled } from './dealLog';

jest.setTimeout(180_000);

/** What `npm run cli` runs: the BUILT CLI (the integration setup, or `npm run build`, makes it). */
const CLI_JS = join(__dirname, '..', '..', 'dist', 'src', 'cli.js');
const SEED = Buffer.alloc(32, 11).toString('base64');
const KEY = parseSigningKey(SEED);

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `node dist/src/cli.js ...` as a process of its own, while this one keeps serving. */
function cli(args: string[], env: Record<string, string>, cwd: string): Promise<Run> {
  const child = spawn(process.execPath, [CLI_JS, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function sqliteStores(directory: string): Stores & { env: Record<string, string> } {
  const events = join(directory, 'events.db');
  const readModels = join(directory, 'read-models.db');
  const store = SqliteEventStore.open({ path: events, logger: testLogger() });
  const readStore = SqliteReadStore.open({ path: readModels, logger: testLogger() });
  return {
    kind: 'sqlite',
    store,
    readStore,
    openSpareReadStore: () => Promise.reject(new Error('not needed')),
    async close() {
      await readStore.close();
      await store.close();
    },
    env: { EVENT_STORE_URL: `sqlite:${events}`, READ_STORE_URL: `sqlite:${readModels}` },
  };
}

const badFact = JSON.stringify({
  streamId: 'product-p1',
  streamVersion: 1,
  eventId: '00000000-0000-4000-8000-000000000001',
  type: 'INDSubmitted',
  schemaVersion: 1,
  data: { ...EVENT_EXAMPLES.INDSubmitted, productId: 'p1', submittedOn: '2008-02-30' },
  metadata: { occurredAt: '2008-01-22', actor: 'cli:test' },
});

describe('import and export-events through the built CLI on SQLite', () => {
  let directory: string;
  let file: string;
  let lines: string[];
  let sourceEnv: Record<string, string>;

  beforeAll(async () => {
    if (!existsSync(CLI_JS))
      throw new Error(`${CLI_JS} is not built: run \`npm run build\` (the integration setup does)`);
    directory = mkdtempSync(join(tmpdir(), 'obligations-import-cli-'));
    const source = sqliteStores(join(directory, 'source'));
    const service = await startService(source);
    await recordDeal(service);
    await service.stop();
    await source.close();

    sourceEnv = source.env;
    file = join(directory, 'log.ndjson');
    const exported = await cli(['export-events', file], source.env, directory);
    expect(exported.stderr).toMatch(/export-events: \d+ events up to position \d+ in /);
    expect(exported.code).toBe(0);
    expect(existsSync(`${file}.partial`)).toBe(false);
    lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const toStdout = await cli(['export-events'], source.env, directory);
    expect(toStdout.code).toBe(0);
    expect(toStdout.stdout).toBe(readFileSync(file, 'utf8'));
  });

  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('imports into the store of a running service, which picks the events up; the hash chain verifies', async () => {
    const target = sqliteStores(join(directory, 'target'));
    const env = { ...target.env, SIGNING_KEY: SEED };
    const service = await startService(target, {
      signingKey: KEY,
      checkpointPolicy: { everyEvents: 1, everyMs: 100 },
    });
    // The service has made its own first admin key: the deal's streams alone are imported.
    const deal = lines.filter((line) => !line.startsWith('{"streamId":"apikey-'));
    const dealFile = join(directory, 'deal.ndjson');
    writeFileSync(dealFile, `${deal.join('\n')}\n`);
    try {
      const imported = await cli(['import', dealFile], env, directory);
      expect(imported.stderr).toMatch(/imported \d+ events, skipped 0 already stored/);
      expect(imported.code).toBe(0);
      const report = JSON.parse(imported.stdout) as { imported: number; headPosition: number };
      expect(report.imported).toBe(deal.length);

      // Another process wrote the file: the service learns of it from the write-ahead log.
      const response = await fetch(
        `${service.baseUrl}/agreements/${A}?waitFor=${report.headPosition}`,
        {
          headers: { authorization: `Bearer ${service.adminKey}` },
        },
      );
      expect(response.status).toBe(200);
      expect(await settled(service)).toBeGreaterThanOrEqual(report.headPosition);

      const again = await cli(['import', dealFile], env, directory);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ imported: 0, skipped: deal.length });
    } finally {
      await service.stop();
      await target.close();
    }
    const verified = await cli(['verify'], env, directory);
    expect(verified.stderr).toMatch(/verify: ok/);
    expect(verified.code).toBe(0);
  });

  it('stops with exit 74 when its reader goes away (| head)', async () => {
    const child = spawn(process.execPath, [CLI_JS, 'export-events'], {
      cwd: directory,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...sourceEnv },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Gone before the first line: the export's first write finds no reader.
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).toMatch(
      /obligations export-events: cannot write \(.+\); the output is incomplete/,
    );
    expect(code).toBe(74);
  });

  it('exits 65 at a malformed line, naming the line and the field, having written nothing of its batch', async () => {
    const targetDirectory = join(directory, 'malformed');
    const env = {
      EVENT_STORE_URL: `sqlite:${join(targetDirectory, 'events.db')}`,
      READ_STORE_URL: `sqlite:${join(targetDirectory, 'read-models.db')}`,
    };
    const malformed = join(directory, 'malformed.ndjson');
    writeFileSync(malformed, `${lines.slice(0, 3).join('\n')}\n${badFact}\n`);
    const run = await cli(['import', malformed], env, directory);
    expect(run.code).toBe(65);
    expect(run.stderr).toContain(
      'obligations import: line 4, /data/submittedOn: INDSubmitted v1: 2008-02-30 is not a day of the calendar',
    );
    expect(run.stderr).toContain('nothing from line 1 on is written; nothing was committed');
    const store = SqliteEventStore.open({
      path: join(targetDirectory, 'events.db'),
      logger: testLogger(),
    });
    try {
      expect(await store.headPosition()).toBe(0);
    } finally {
      await store.close();
    }

    const missing = await cli(['import', join(directory, 'none.ndjson')], env, directory);
    expect(missing.code).toBe(66);
    const usage = await cli(['import'], env, directory);
    expect(usage.code).toBe(64);
  });
});

describe('import through the built CLI, interrupted', () => {
  it('stops after the batch being written on Ctrl-C, exits 130, and a re-run completes it', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'obligations-import-sigint-'));
    try {
      const env = { EVENT_STORE_URL: `sqlite:${join(directory, 'events.db')}` };
      const file = join(directory, 'facts.ndjson');
      const count = 200_000;
      const lines: string[] = [];
      for (let n = 1; n <= count; n++)
        lines.push(
          JSON.stringify({
            streamId: `product-p${n % 100}`,
            eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
            type: 'INDSubmitted',
            schemaVersion: 1,
            data: { ...EVENT_EXAMPLES.INDSubmitted, productId: `p${n % 100}` },
            metadata: { occurredAt: '2008-01-22', actor: 'cli:test' },
          }),
        );
      writeFileSync(file, `${lines.join('\n')}\n`);

      const child = spawn(process.execPath, [CLI_JS, 'import', file, '--batch-size', '1000'], {
        cwd: directory,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
      let written = 0;
      // Interrupted once something is committed: the first batch is in the log.
      const store = SqliteEventStore.open({
        path: join(directory, 'events.db'),
        logger: testLogger(),
      });
      try {
        const deadline = Date.now() + 60_000;
        while ((await store.headPosition()) === 0 && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 20));
        child.kill('SIGINT');
        expect(await exited).toBe(130);
        expect(stderr).toContain('obligations import: interrupted');
        const committed = /lines 1-(\d+) are committed \((\d+) events written/.exec(stderr);
        expect(committed).not.toBeNull();
        written = Number(committed![2]);
        expect(written % 1000).toBe(0);
        expect(written).toBeLessThan(count);
        expect(await store.headPosition()).toBe(written);
      } finally {
        await store.close();
      }
      const resumed = await cli(['import', file], env, directory);
      expect(resumed.code).toBe(0);
      expect(JSON.parse(resumed.stdout)).toMatchObject({
        imported: count - written,
        skipped: written,
        headPosition: count,
      });
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describeWithPostgres('import and export-events through the built CLI on PostgreSQL', () => {
  let source: TestDatabase;
  let target: TestDatabase;
  let directory: string;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'obligations-import-cli-pg-'));
    source = await createTestDatabase();
    target = await createTestDatabase();
  });

  afterAll(async () => {
    await source?.drop();
    await target?.drop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('exports a PostgreSQL log and imports it into another database as the same log, once', async () => {
    const store = await PostgresEventStore.open({
      connectionString: source.url,
      logger: testLogger(),
    });
    const readStore = await PostgresReadStore.open({
      connectionString: source.url,
      logger: testLogger(),
    });
    const stores: Stores = {
      kind: 'postgres',
      store,
      readStore,
      openSpareReadStore: () => Promise.reject(new Error('not needed')),
      async close() {
        await readStore.close();
        await store.close();
      },
    };
    const service = await startService(stores);
    await recordDeal(service);
    await service.stop();
    await stores.close();

    const file = join(directory, 'log.ndjson');
    const sourceEnv = { EVENT_STORE_URL: source.url, READ_STORE_URL: source.url };
    const targetEnv = { EVENT_STORE_URL: target.url, READ_STORE_URL: target.url };
    expect((await cli(['export-events', file], sourceEnv, directory)).code).toBe(0);
    const imported = await cli(['import', file, '--batch-size', '3'], targetEnv, directory);
    expect(imported.code).toBe(0);
    const count = readFileSync(file, 'utf8').trimEnd().split('\n').length;
    expect(JSON.parse(imported.stdout)).toMatchObject({ imported: count, headPosition: count });
    const again = await cli(['import', file], targetEnv, directory);
    expect(JSON.parse(again.stdout)).toMatchObject({ imported: 0, skipped: count });

    const reexported = join(directory, 'again.ndjson');
    expect((await cli(['export-events', reexported], targetEnv, directory)).code).toBe(0);
    expect(readFileSync(reexported, 'utf8')).toBe(readFileSync(file, 'utf8'));
    const [sourceHashes, targetHashes] = await Promise.all(
      [source, target].map((database) =>
        database.admin<{ event_id: string; content_hash: string }>(
          'SELECT event_id, content_hash FROM events ORDER BY global_position',
        ),
      ),
    );
    expect(targetHashes).toEqual(sourceHashes);
  });
});
