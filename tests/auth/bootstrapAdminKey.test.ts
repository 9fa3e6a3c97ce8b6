import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKeyRegistry } from '../../src/auth/apiKeyRegistry';
import { bootstrapAdminKey } from '../../src/auth/bootstrapAdminKey';
import { formatApiKey, generateApiKey, secretMatches } from '../../src/auth/apiKeyToken';
import { ConfigError, loadConfig } from '../../src/config';
import { SqliteEventStore } from '../../src/eventstore/sqlite/sqliteEventStore';
import { captureLogs } from '../support/logCapture';
import { testLogger } from '../support/testLogger';

describe('BOOTSTRAP_ADMIN_KEY in the configuration', () => {
  it('is read when it is a key in the service’s format', () => {
    const key = formatApiKey(generateApiKey());
    expect(loadConfig({ BOOTSTRAP_ADMIN_KEY: key }).bootstrapAdminKey).toBe(key);
    expect(loadConfig({}).bootstrapAdminKey).toBeUndefined();
    expect(loadConfig({ BOOTSTRAP_ADMIN_KEY: '' }).bootstrapAdminKey).toBeUndefined();
  });

  it.each([
    [
      'not a key',
      'hunter2hunter2',
      /expected obl_<12 characters a-z, 2-7>_<43 characters base64url>/,
    ],
    ['a hand-made secret', `obl_abcdefgh2345_${'A'.repeat(43)}`, /does not look random/],
  ])('is refused when %s, without echoing the value', (_case, value, message) => {
    let error: unknown;
    try {
      loadConfig({ BOOTSTRAP_ADMIN_KEY: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as ConfigError).message;
    expect(text).toMatch(message);
    expect(text).toContain(`BOOTSTRAP_ADMIN_KEY: `);
    expect(text).toContain(`got a value of ${value.length} characters`);
    expect(text).not.toContain(value);
  });
});

describe('bootstrapping the admin key at start', () => {
  let directory: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'obligations-bootstrap-'));
    store = SqliteEventStore.open({ path: join(directory, 'events.db'), logger: testLogger() });
  });

  afterEach(async () => {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const start = async (bootstrapKey?: string, level: 'info' | 'error' = 'info') => {
    const logs = captureLogs(level);
    const written: string[] = [];
    await bootstrapAdminKey({
      registry: new ApiKeyRegistry({ store }),
      ...(bootstrapKey !== undefined && { bootstrapKey }),
      logger: logs.logger,
      writeLine: (line) => written.push(line),
    });
    return { lines: logs.lines, written };
  };

  it('creates the BOOTSTRAP_ADMIN_KEY as an admin key once, and not the first-start key', async () => {
    const token = generateApiKey();
    const first = await start(formatApiKey(token));
    expect(first.lines.map((line) => line.msg)).toEqual([
      'created the admin key of BOOTSTRAP_ADMIN_KEY',
    ]);
    const second = await start(formatApiKey(token));
    expect(second.lines).toEqual([]);
    const key = await new ApiKeyRegistry({ store }).read(token.keyId);
    expect(key).toMatchObject({ role: 'admin', createdBy: 'system:bootstrap', revoked: null });
    expect(secretMatches(token.secret, key!.secretHash)).toBe(true);
    expect(await store.headPosition()).toBe(1);
    // The variable removed later: an admin exists, so no first-start key either.
    expect(await start()).toEqual({ lines: [], written: [] });
  });

  it('keeps a revoked BOOTSTRAP_ADMIN_KEY revoked, and says so', async () => {
    const token = generateApiKey();
    await start(formatApiKey(token));
    await new ApiKeyRegistry({ store }).revoke({
      keyId: token.keyId,
      reason: 'leaked',
      actor: 'cli:ops',
    });
    const again = await start(formatApiKey(token));
    expect(again.lines).toEqual([
      expect.objectContaining({ msg: expect.stringMatching(/has been revoked and stays revoked/) }),
    ]);
    expect((await new ApiKeyRegistry({ store }).read(token.keyId))?.revoked).not.toBeNull();
  });

  it('grants nothing to a BOOTSTRAP_ADMIN_KEY whose key id exists with another secret', async () => {
    const token = generateApiKey();
    await new ApiKeyRegistry({ store }).create({
      name: 'auditor',
      role: 'auditor',
      token,
      actor: 'cli:ops',
    });
    const impostor = { keyId: token.keyId, secret: generateApiKey().secret };
    const { lines } = await start(formatApiKey(impostor));
    expect(lines).toEqual([
      expect.objectContaining({ msg: expect.stringMatching(/grants nothing/) }),
    ]);
    expect((await new ApiKeyRegistry({ store }).read(token.keyId))?.role).toBe('auditor');
  });

  it('without it, creates the first admin key on the first start and shows it once', async () => {
    const first = await start();
    expect(first.lines).toEqual([
      expect.objectContaining({
        level: 40,
        msg: expect.stringMatching(/^created the first admin key: obl_[a-z2-7]{12}_\S{43} /),
      }),
    ]);
    expect(await start()).toEqual({ lines: [], written: [] });
  });

  it('shows the first admin key on stderr when the log level would hide it', async () => {
    const { lines, written } = await start(undefined, 'error');
    expect(lines).toEqual([]);
    expect(written).toEqual([
      expect.stringMatching(/^obligations: created the first admin key: obl_/),
    ]);
  });
});
