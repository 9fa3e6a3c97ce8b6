import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parseSigningKey } from '../../src/audit/signingKey';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgresEventStore';
import { SqliteEventStore } from '../../src/eventstore/sqlite/sqliteEventStore';
import { PostgresReadStore } from '../../src/readstore/postgres/postgresReadStore';
import { SqliteReadStore } from '../../src/readstore/sqlite/sqliteReadStore';
import { createTestDatabase, describeWithPostgres } from '../support/postgresTarget';
import { startService, type Stores } from '../support/serviceHarness';
import { testLogger } from '../support/testLogger';
import { A, agreementWithPayment } from './auditFixtures';

jest.setTimeout(120_000);

/** What `npm run cli` runs: the BUILT CLI (the integration setup, or `npm run build`, makes it). */
const CLI_JS = join(__dirname, '..', '..', 'dist', 'src', 'cli.js');
const SEED = Buffer.alloc(32, 9).toString('base64');
const KEY = parseSigningKey(SEED);
const OTHER_KEY = parseSigningKey(Buffer.alloc(32, 10).toString('base64'));

interface Target {
  readonly stores: Stores;
  /** What the CLI is given to reach the same stores. */
  readonly env: Record<string, string>;
  /** SQL on the events' table behind the service's back (immutability triggers dropped). */
  tamper(statement: string): Promise<void>;
  /** Drops what is left (the files, the database), the stores closed. */
  dispose(): Promise<void>;
}

async function sqliteTarget(directory: string): Promise<Target> {
  const events = join(directory, 'events.db');
  const readModels = join(directory, 'read-models.db');
  const store = SqliteEventStore.open({ path: events, logger: testLogger() });
  const readStore = SqliteReadStore.open({ path: readModels, logger: testLogger() });
  return {
    stores: {
      kind: 'sqlite',
      store,
      readStore,
      openSpareReadStore: () => Promise.reject(new Error('not needed')),
      async close() {
        await readStore.close();
        await store.close();
      },
    },
    env: {
      EVENT_STORE_URL: `sqlite:${events}`,
      READ_STORE_URL: `sqlite:${readModels}`,
      SIGNING_KEY: SEED,
    },
    async tamper(statement) {
      const db = new Database(events);
      try {
        db.exec('DROP TRIGGER IF EXISTS events_are_immutable_update');
        db.exec(statement);
      } finally {
        db.close();
      }
    },
    dispose: () => Promise.resolve(),
  };
}

async function postgresTarget(): Promise<Target> {
  const database = await createTestDatabase();
  const store = await PostgresEventStore.open({
    connectionString: database.url,
    logger: testLogger(),
  });
  const readStore = await PostgresReadStore.open({
    connectionString: database.url,
    logger: testLogger(),
  });
  return {
    stores: {
      kind: 'postgres',
      store,
      readStore,
      openSpareReadStore: () => Promise.reject(new Error('not needed')),
      async close() {
        await readStore.close();
        await store.close();
      },
    },
    env: { EVENT_STORE_URL: database.url, READ_STORE_URL: database.url, SIGNING_KEY: SEED },
    async tamper(statement) {
      await database.admin('DROP TRIGGER IF EXISTS events_are_immutable ON events');
      await database.admin(statement);
    },
    dispose: () => database.drop(),
  };
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `node dist/src/cli.js ...` in `cwd`, with only the environment given (and PATH). */
function cli(args: string[], env: Record<string, string>, cwd: string): Run {
  const run = spawnSync(process.execPath, [CLI_JS, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function builtCliSuite(open: (directory: string) => Promise<Target>): void {
  let directory: string;
  let target: Target;

  beforeAll(async () => {
    if (!existsSync(CLI_JS))
      throw new Error(`${CLI_JS} is not built: run \`npm run build\` (the integration setup does)`);
    directory = mkdtempSync(join(tmpdir(), 'obligations-built-cli-'));
    target = await open(directory);
    const service = await startService(target.stores, {
      signingKey: KEY,
      checkpointPolicy: { everyEvents: 1, everyMs: 100 },
    });
    await agreementWithPayment(service);
    await service.stop();
    await target.stores.close();
  });

  afterAll(async () => {
    await target?.dispose();
    rmSync(directory, { recursive: true, force: true });
  });

  it('verifies the log, exports a bundle, and verifies it offline on a machine without the service', async () => {
    const verified = cli(['verify'], target.env, directory);
    expect(verified.stderr).toMatch(/verify: ok/);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, signaturesChecked: true });

    const bundleFile = join(directory, 'bundle.json');
    const exported = cli(['export-bundle', A, '--out', bundleFile], target.env, directory);
    expect(exported.stderr).toMatch(/export-bundle: \d+ events of 3 streams/);
    expect(exported.code).toBe(0);

    // The auditor's machine: no configuration, no store, another directory; the key pinned.
    const elsewhere = mkdtempSync(join(tmpdir(), 'obligations-auditor-'));
    try {
      const keyFile = join(elsewhere, 'obligations-public-key.pem');
      writeFileSync(keyFile, KEY.publicKeyPem);
      const copy = join(elsewhere, 'bundle.json');
      writeFileSync(copy, readFileSync(bundleFile));
      // Whatever the auditor's environment says about stores is not read.
      const ok = cli(
        ['verify-bundle', copy, '--public-key', keyFile],
        { EVENT_STORE_URL: 'not-a-store-url' },
        elsewhere,
      );
      expect(ok.stderr).toMatch(/verify-bundle: ok: \d+ events of agreement/);
      expect(ok.stderr).toMatch(/Payment history \(proven\):\n {2}2008-03-01 {2}1200000\.00 USD/);
      expect(ok.stderr).not.toMatch(/WARNING/);
      expect(ok.code).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, keySource: 'pinned' });

      const unpinned = cli(['verify-bundle', copy], {}, elsewhere);
      expect(unpinned.code).toBe(0);
      expect(unpinned.stderr).toMatch(/WARNING: .*INSIDE the bundle/);

      const bundle = JSON.parse(readFileSync(copy, 'utf8')) as {
        events: {
          event: { eventId: string; type: string; data: { amount?: { amount: string } } };
        }[];
      };
      const payment = bundle.events.find((e) => e.event.type === 'PaymentReceived')!;
      payment.event.data.amount!.amount = '1.00';
      const edited = join(elsewhere, 'edited.json');
      writeFileSync(edited, JSON.stringify(bundle));
      const refused = cli(['verify-bundle', edited, '--public-key', keyFile], {}, elsewhere);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        new RegExp(`FAILED[^]*event ${payment.event.eventId} .*not proven in the checkpoint`),
      );

      // The last events of the agreement's stream dropped, the stream list edited to match.
      const cut = JSON.parse(readFileSync(copy, 'utf8')) as {
        streams: { streamId: string; version: number }[];
        events: { event: { streamId: string; streamVersion: number; type: string } }[];
      };
      const agreementStream = `agreement-${A}`;
      const paymentVersion = cut.events.find((e) => e.event.type === 'PaymentReceived')!.event
        .streamVersion;
      const signedEnd = cut.streams.find((s) => s.streamId === agreementStream)!.version;
      cut.events = cut.events.filter(
        (e) => e.event.streamId !== agreementStream || e.event.streamVersion < paymentVersion,
      );
      cut.streams.find((s) => s.streamId === agreementStream)!.version = paymentVersion - 1;
      const cutFile = join(elsewhere, 'cut.json');
      writeFileSync(cutFile, JSON.stringify(cut));
      const truncated = cli(['verify-bundle', cutFile, '--public-key', keyFile], {}, elsewhere);
      expect(truncated.code).toBe(1);
      expect(truncated.stderr).toContain(
        `${agreementStream}: the signed checkpoint puts the stream's end at version ${signedEnd}`,
      );
      expect(truncated.stderr).toContain(
        `but the bundle ends it at version ${paymentVersion - 1}: events at its end were left out and the stream list edited`,
      );

      const otherKeyFile = join(elsewhere, 'other.pem');
      writeFileSync(otherKeyFile, OTHER_KEY.publicKeyPem);
      const wrongKey = cli(['verify-bundle', copy, '--public-key', otherKeyFile], {}, elsewhere);
      expect(wrongKey.code).toBe(1);
      expect(wrongKey.stderr).toMatch(/bad signature/);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('exits 1 from verify, naming the position, once an event is edited in the database', async () => {
    await target.tamper(`UPDATE events SET actor = 'someone-else' WHERE global_position = 3`);
    const tampered = cli(['verify'], target.env, directory);
    expect(tampered.code).toBe(1);
    expect(JSON.parse(tampered.stdout)).toMatchObject({
      ok: false,
      failure: { kind: 'changed', position: 3 },
    });
    expect(tampered.stderr).toMatch(/FAILED at position 3 \(changed\)/);
  });
}

describe('the built CLI on SQLite: verify, export-bundle, verify-bundle', () =>
  builtCliSuite(sqliteTarget));
describeWithPostgres('the built CLI on PostgreSQL: verify, export-bundle, verify-bundle', () =>
  builtCliSuite(() => postgresTarget()),
);
