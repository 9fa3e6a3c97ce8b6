import Database from 'better-sqlite3';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../src/eventstore/sqlite/sqliteEventStore';
import { startService, type Exit, type ServiceProcess } from './support/serviceProcess';
import { testLogger } from './support/testLogger';

const NOBODY = 65534;
const STACK_FRAME = /^\s+at /;

let directory: string;
const running = new Set<ServiceProcess>();

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'obligations-main-'));
});

afterEach(async () => {
  for (const service of running) {
    service.kill('SIGKILL');
    await service.exited;
  }
  running.clear();
  rmSync(directory, { recursive: true, force: true });
});

function start(env: Record<string, string>, user?: { uid: number; gid: number }): ServiceProcess {
  const service = startService({
    env: { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'debug', ...env },
    ...user,
  });
  running.add(service);
  return service;
}

async function listeningPort(service: ServiceProcess): Promise<number> {
  const listening = await service.waitForLog((line) => line.msg === 'listening');
  return listening.port as number;
}

/** The process must end on its own with `code`, explaining itself in exactly one stderr line. */
async function expectStartupFailure(service: ServiceProcess, code: number): Promise<string> {
  const exit = await withTimeout(service.exited, 15_000);
  const stderr = service.stderrLines();
  expect({ exit, stderr }).toEqual({
    exit: { code, signal: null },
    stderr: [expect.stringMatching(/^obligations: cannot start: /)],
  });
  expect(stderr.filter((line) => STACK_FRAME.test(line))).toEqual([]);
  return stderr[0]!;
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A file with the current schema, as a previous run of the service leaves it. */
async function existingDatabase(path: string): Promise<void> {
  await SqliteEventStore.open({ path, logger: testLogger() }).close();
}

describe('the service process', () => {
  it('starts on a fresh SQLite file and answers its probes', async () => {
    const service = start({ EVENT_STORE_URL: `sqlite:${join(directory, 'new', 'events.db')}` });
    const port = await listeningPort(service);
    const healthz = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect({ status: healthz.status, body: await healthz.json() }).toEqual({
      status: 200,
      body: { status: 'ok' },
    });
    const readyz = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect({ status: readyz.status, body: await readyz.json() }).toEqual({
      status: 200,
      body: { status: 'ok' },
    });
  });

  it('logs every line of a request with the X-Request-Id it answers with', async () => {
    const service = start({ EVENT_STORE_URL: `sqlite:${join(directory, 'events.db')}` });
    const port = await listeningPort(service);
    const response = await fetch(`http://127.0.0.1:${port}/no-such-route`, {
      headers: { 'X-Request-Id': 'it-request-42' },
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toBe('it-request-42');
    const completed = await service.waitForLog((line) => line.reqId === 'it-request-42');
    expect(completed).toMatchObject({ msg: 'request completed', res: { statusCode: 404 } });
  });

  it('shuts down on SIGTERM, exits 0 and says so', async () => {
    const service = start({ EVENT_STORE_URL: `sqlite:${join(directory, 'events.db')}` });
    await listeningPort(service);
    service.kill('SIGTERM');
    expect(await withTimeout(service.exited, 15_000)).toEqual<Exit>({ code: 0, signal: null });
    expect(service.logs.at(-1)).toMatchObject({ msg: 'shutdown completed' });
    expect(service.stderrLines()).toEqual([]);
  });
});

describe('when the service cannot start', () => {
  it('exits 78 on a malformed EVENT_STORE_URL, naming it', async () => {
    const service = start({ EVENT_STORE_URL: 'mysql://app:hunter2@db/x' });
    const line = await expectStartupFailure(service, 78);
    expect(line).toBe(
      'obligations: cannot start: invalid configuration: EVENT_STORE_URL: expected sqlite:<path>, postgres://user@host:port/db or esdb://host:2113?tls=false (kurrentdb:// too), got "mysql://app:***@db/x"',
    );
  });

  it('exits 65 when the SQLite file is not a database', async () => {
    const path = join(directory, 'events.db');
    writeFileSync(path, 'this is not a database, it is a shopping list\n'.repeat(100));
    const line = await expectStartupFailure(start({ EVENT_STORE_URL: `sqlite:${path}` }), 65);
    expect(line).toContain(`${path} is not a valid SQLite database`);
  });

  it('exits 75 while another process holds the SQLite write lock', async () => {
    const path = join(directory, 'events.db');
    await existingDatabase(path);
    const other = new Database(path);
    other.exec('BEGIN EXCLUSIVE');
    try {
      const service = start({ EVENT_STORE_URL: `sqlite:${path}`, SQLITE_BUSY_TIMEOUT_MS: '200' });
      const line = await expectStartupFailure(service, 75);
      expect(line).toContain('locked by another process');
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
  });

  // Running the service as another user needs root; elsewhere the test is skipped, visibly.
  const asRoot = process.getuid?.() === 0;
  (asRoot ? it : it.skip)('exits 73 when the SQLite file cannot be written (as root)', async () => {
    // Root ignores file permissions, so the service runs as nobody, like a service account.
    const dataDirectory = join(directory, 'data');
    mkdirSync(dataDirectory);
    const path = join(dataDirectory, 'events.db');
    await existingDatabase(path);
    chmodSync(directory, 0o755);
    chmodSync(path, 0o444);
    chmodSync(dataDirectory, 0o555);
    const service = start({ EVENT_STORE_URL: `sqlite:${path}` }, { uid: NOBODY, gid: NOBODY });
    const line = await expectStartupFailure(service, 73);
    expect(line).toContain(`${path} cannot be written`);
  });

  it('exits 69 when PostgreSQL cannot be reached', async () => {
    const service = start({
      EVENT_STORE_URL: 'postgres://postgres@127.0.0.1:1/x',
      STORE_CONNECT_TIMEOUT_MS: '300',
    });
    const line = await expectStartupFailure(service, 69);
    expect(line).toContain('cannot reach PostgreSQL at 127.0.0.1:1/x');
  });

  it('exits 71 when the port is taken', async () => {
    const taken = await occupyPort();
    try {
      const service = start({
        EVENT_STORE_URL: `sqlite:${join(directory, 'events.db')}`,
        PORT: String(taken.port),
      });
      const line = await expectStartupFailure(service, 71);
      expect(line).toBe(
        `obligations: cannot start: port ${taken.port} on 127.0.0.1 is already in use; stop the other process or set PORT to a free port`,
      );
    } finally {
      await new Promise((resolve) => taken.server.close(resolve));
    }
  });
});

async function occupyPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port };
}
