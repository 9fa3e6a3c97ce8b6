import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { latestCheckpoint } from '../../src/audit/checkpointStore';
import { parseSigningKey } from '../../src/audit/signingKey';
import { runCli } from '../../src/cli';
import { SqliteEventStore } from '../../src/eventstore/sqlite/sqliteEventStore';
import { SqliteReadStore } from '../../src/readstore/sqlite/sqliteReadStore';
import { startService } from '../support/serviceHarness';
import { testLogger } from '../support/testLogger';

jest.setTimeout(60_000);

const SEED = Buffer.alloc(32, 5).toString('base64');

describe('npm run cli -- verify', () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'obligations-verify-cli-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('prints an ok report for a signed log, and exits 1 naming the position of an edited event', async () => {
    const path = join(directory, 'events.db');
    const store = SqliteEventStore.open({ path, logger: testLogger() });
    const readStore = SqliteReadStore.open({
      path: join(directory, 'read-models.db'),
      logger: testLogger(),
    });
    const stores = {
      kind: 'sqlite' as const,
      store,
      readStore,
      openSpareReadStore: () => Promise.reject(new Error('not needed')),
      close: async () => undefined,
    };
    const service = await startService(stores, {
      signingKey: parseSigningKey(SEED),
      checkpointPolicy: { everyEvents: 3, everyMs: 100 },
    });
    for (let i = 0; i < 10; i++)
      await store.append(
        'probe-1',
        [
          {
            eventId: randomUUID(),
            type: 'ProbeRecorded',
            schemaVersion: 1,
            data: { n: i },
            metadata: { occurredAt: '2025-01-01', actor: 'test' },
          },
        ],
        { expectedVersion: 'any' },
      );
    const head = await store.headPosition();
    const deadline = Date.now() + 20_000;
    while ((await latestCheckpoint(readStore))?.treeSize !== head) {
      if (Date.now() > deadline) throw new Error('never signed the head');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await service.stop();
    await readStore.close();
    await store.close();

    const env = { EVENT_STORE_URL: `sqlite:${path}`, SIGNING_KEY: SEED };
    const ok = await cli(['verify'], env);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      ok: true,
      eventsChecked: head,
      signaturesChecked: true,
    });

    const db = new Database(path);
    db.exec('DROP TRIGGER events_are_immutable_update');
    db.exec(`UPDATE events SET data = '{"n":42}' WHERE global_position = 6`);
    db.close();
    const tampered = await cli(['verify', '--batch-size', '4'], env);
    expect(tampered.code).toBe(1);
    expect(JSON.parse(tampered.stdout)).toMatchObject({
      ok: false,
      failure: { kind: 'changed', position: 6 },
    });
    expect(tampered.stderr).toMatch(/FAILED at position 6 \(changed\)/);
  });
});

async function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await runCli(args, env);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
