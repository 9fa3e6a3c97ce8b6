import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatApiKey, generateApiKey, parseApiKey } from '../../src/auth/apiKeyToken';
import {
  createTestDatabase,
  describeWithPostgres,
  type TestDatabase,
} from '../support/postgresTarget';
import { MAIN_JS, startService, type ServiceProcess } from '../support/serviceProcess';

const CLI_JS = join(MAIN_JS, '..', 'cli.js');
const FIRST_ADMIN = /^created the first admin key: (obl_\S+) /;

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

/**
 * The real built service and CLI, on SQLite files and on PostgreSQL: the first-start key is
 * logged once and never again, BOOTSTRAP_ADMIN_KEY works, and keys made and revoked from the
 * command line take effect on a running service.
 */
function serviceKeySuite(storeEnv: () => Record<string, string>): void {
  const running = new Set<ServiceProcess>();

  afterEach(async () => {
    for (const service of running) {
      service.kill('SIGKILL');
      await service.exited;
    }
    running.clear();
  });

  async function start(env: Record<string, string> = {}) {
    const service = startService({
      env: { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...storeEnv(), ...env },
    });
    running.add(service);
    const listening = await service.waitForLog((line) => line.msg === 'listening');
    return { service, base: `http://127.0.0.1:${listening.port as number}` };
  }

  async function stop(service: ServiceProcess): Promise<void> {
    service.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
    running.delete(service);
  }

  const get = (url: string, key?: string) =>
    fetch(url, key === undefined ? {} : { headers: { Authorization: `Bearer ${key}` } });

  const firstAdminLines = (service: ServiceProcess) =>
    service.logs.filter((line) => typeof line.msg === 'string' && FIRST_ADMIN.test(line.msg));

  it('logs the first admin key once, on the first start only, and the key works', async () => {
    const first = await start();
    const lines = firstAdminLines(first.service);
    expect(lines).toHaveLength(1);
    const key = FIRST_ADMIN.exec(lines[0]!.msg as string)![1]!;
    const { keyId } = parseApiKey(key)!;
    expect(lines[0]).toMatchObject({ level: 40, keyId });
    expect((await get(`${first.base}/admin/api-keys/${keyId}`)).status).toBe(401);
    const shown = await get(`${first.base}/admin/api-keys/${keyId}`, key);
    expect({ status: shown.status, body: await shown.json() }).toMatchObject({
      status: 200,
      body: { keyId, role: 'admin', createdBy: 'system:bootstrap', revoked: null },
    });
    expect(first.service.stderrLines()).toEqual([]);
    await stop(first.service);

    const second = await start();
    expect(firstAdminLines(second.service)).toEqual([]);
    expect(JSON.stringify(second.service.logs)).not.toContain(key);
    expect((await get(`${second.base}/admin/api-keys/${keyId}`, key)).status).toBe(200);
  });

  it('creates BOOTSTRAP_ADMIN_KEY as an admin key, and then no first-start key', async () => {
    const key = formatApiKey(generateApiKey());
    const { keyId } = parseApiKey(key)!;
    const { service, base } = await start({ BOOTSTRAP_ADMIN_KEY: key });
    expect(firstAdminLines(service)).toEqual([]);
    expect(service.logs).toContainEqual(
      expect.objectContaining({ msg: 'created the admin key of BOOTSTRAP_ADMIN_KEY', keyId }),
    );
    expect(JSON.stringify(service.logs)).not.toContain(parseApiKey(key)!.secret);
    const list = await get(`${base}/admin/api-keys/${keyId}`, key);
    expect(list.status).toBe(200);
    const wrong = formatApiKey({ keyId, secret: generateApiKey().secret });
    expect((await get(`${base}/admin/api-keys/${keyId}`, wrong)).status).toBe(401);
  });

  it('takes keys created and revoked from the CLI on a running service', async () => {
    const { base } = await start({ BOOTSTRAP_ADMIN_KEY: formatApiKey(generateApiKey()) });
    const created = await cli(['keys', 'create', '--name', 'KPMG audit', '--role', 'auditor'], {
      ...storeEnv(),
    });
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    const { keyId } = parseApiKey(key)!;
    expect(created.stderr).toContain(`created the auditor key ${keyId} (KPMG audit)`);
    // An auditor may not manage keys: 403, not 401, so the key authenticated.
    expect((await get(`${base}/admin/api-keys`, key)).status).toBe(403);

    const deadline = Date.now() + 10_000;
    let listed: CliResult;
    do {
      listed = await cli(['keys', 'list'], storeEnv());
      expect(listed.code).toBe(0);
    } while (!listed.stdout.includes(keyId) && Date.now() < deadline);
    expect(listed.stdout).toMatch(new RegExp(`^${keyId} +auditor +active `, 'm'));
    expect(listed.stdout).not.toContain(parseApiKey(key)!.secret);

    const revoked = await cli(['keys', 'revoke', keyId, '--reason', 'audit over'], storeEnv());
    expect(revoked).toMatchObject({ code: 0, stdout: '' });
    // The service cached the key: it stops accepting it within the cache's 5 seconds.
    const until = Date.now() + 8_000;
    let status = 403;
    while (status !== 401 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      status = (await get(`${base}/admin/api-keys`, key)).status;
    }
    expect(status).toBe(401);
  }, 40_000);
}

describe('API keys of the running service on SQLite', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'obligations-service-keys-'));
  });
  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });
  serviceKeySuite(() => ({ EVENT_STORE_URL: `sqlite:${join(directory, 'events.db')}` }));
});

describeWithPostgres('API keys of the running service on PostgreSQL', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await database.drop();
  });
  serviceKeySuite(() => ({ EVENT_STORE_URL: database.url }));
});

describe('the keys CLI', () => {
  let directory: string;
  let env: Record<string, string>;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'obligations-cli-'));
    env = { EVENT_STORE_URL: `sqlite:${join(directory, 'events.db')}` };
  });
  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('answers 64 and its usage for a bad command line', async () => {
    const results = await Promise.all([
      cli(['keys'], env),
      cli(['keys', 'create', '--name', 'x'], env),
      cli(['keys', 'create', '--name', 'x', '--role', 'root'], env),
      cli(['keys', 'create', '--name', 'x', '--role', 'integration'], env),
      cli(['keys', 'revoke', 'abcdefgh2345'], env),
      cli(['keys', 'list', '--bogus'], env),
      cli(['nonsense'], env),
    ]);
    expect(results.map((result) => result.code)).toEqual([64, 64, 64, 64, 64, 64, 64]);
    expect(results[2].stderr).toContain('--role: expected one of auditor, integration, admin');
    expect(results[3].stderr).toContain('--event-types: an integration key names the event types');
    expect(results[1].stderr).toMatch(/^usage: npm run cli -- keys create --name/m);
  });

  it('answers 65 when revoking a key that does not exist, and 78 for a bad configuration', async () => {
    const missing = await cli(['keys', 'revoke', 'abcdefgh2345', '--reason', 'x'], env);
    expect(missing).toMatchObject({
      code: 65,
      stderr: expect.stringContaining('no API key abcdefgh2345'),
    });
    const badConfig = await cli(['keys', 'list'], { EVENT_STORE_URL: 'mysql://x' });
    expect(badConfig.code).toBe(78);
    expect(badConfig.stderr).toMatch(/^obligations keys: invalid configuration: EVENT_STORE_URL/);
  });

  it('generates a key for BOOTSTRAP_ADMIN_KEY without storing anything', async () => {
    const generated = await cli(['keys', 'generate'], env);
    expect(generated.code).toBe(0);
    expect(parseApiKey(generated.stdout.trim())).not.toBeNull();
  });

  it('creates an integration key with its event types, and says a revoked key was revoked', async () => {
    const created = await cli(
      [
        'keys',
        'create',
        '--name',
        'CRO',
        '--role',
        'integration',
        '--event-types',
        'INDSubmitted,ClinicalPhaseStarted',
      ],
      env,
    );
    expect(created.code).toBe(0);
    const { keyId } = parseApiKey(created.stdout.trim())!;
    expect((await cli(['keys', 'revoke', keyId, '--reason', 'contract ended'], env)).code).toBe(0);
    const again = await cli(['keys', 'revoke', keyId, '--reason', 'twice'], env);
    expect(again).toMatchObject({
      code: 0,
      stderr: expect.stringContaining('was already revoked'),
    });
  });
});
