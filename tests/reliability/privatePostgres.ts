import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A PostgreSQL 15 cluster of one test's own, in a temporary directory, on a free port, with its
 * socket in that directory: a test may stop and start it without touching the server everyone
 * else uses. PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.
 */

const BIN = process.env.TEST_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';
const OS_USER = 'postgres';

/** Why a private cluster cannot be started here, or null when it can. */
export function privatePostgresUnavailable(): string | null {
  for (const tool of ['initdb', 'pg_ctl'])
    if (!existsSync(join(BIN, tool))) return `no ${join(BIN, tool)} (set TEST_POSTGRES_BIN)`;
  if (isRoot()) {
    if (spawnSync('runuser', ['--help']).error !== undefined) return 'runuser is missing';
    if (spawnSync('id', ['-u', OS_USER]).status !== 0) return `there is no ${OS_USER} user`;
  }
  return null;
}

export interface PrivatePostgres {
  readonly port: number;
  /** A URL of a database on this cluster. */
  url(database: string): string;
  createDatabase(name: string): Promise<void>;
  /** `pg_ctl stop -m fast`: sessions are terminated, the server shuts down cleanly. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the cluster if it runs and deletes its directory; safe to call more than once. */
  remove(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const directory = mkdtempSync(join(tmpdir(), 'obligations-pg-'));
  const data = join(directory, 'data');
  const sockets = join(directory, 'sockets');
  mkdirSync(sockets);
  if (isRoot()) chownRecursively(directory);
  const port = await freePort();
  const pgCtl = (...args: string[]) =>
    run(join(BIN, 'pg_ctl'), ['-D', data, '-l', join(directory, 'server.log'), ...args]);
  let removed = false;
  const cluster: PrivatePostgres = {
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: cluster.url('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
    },
    stop: () => pgCtl('stop', '-m', 'fast', '-w'),
    start: () =>
      pgCtl(
        'start',
        '-w',
        '-t',
        '60',
        '-o',
        `-p ${port} -k ${sockets} -c listen_addresses=127.0.0.1 -c max_connections=100`,
      ),
    async remove() {
      if (removed) return;
      removed = true;
      if (existsSync(join(data, 'postmaster.pid'))) {
        try {
          await pgCtl('stop', '-m', 'immediate', '-w');
        } catch {
          // Already down: the directory goes all the same.
        }
      }
      rmSync(directory, { recursive: true, force: true });
    },
  };
  try {
    await run(join(BIN, 'initdb'), [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '--no-sync',
      '-E',
      'UTF8',
    ]);
    await cluster.start();
    return cluster;
  } catch (error) {
    await cluster.remove();
    throw error;
  }
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

function chownRecursively(directory: string): void {
  const uid = Number(spawnSync('id', ['-u', OS_USER], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', OS_USER], { encoding: 'utf8' }).stdout.trim());
  chownSync(directory, uid, gid);
  chownSync(join(directory, 'sockets'), uid, gid);
}

/**
 * A PostgreSQL tool, as the postgres user when we are root; rejects with its output on failure.
 * Never synchronous: the test's own clients keep sending while the server stops and starts.
 */
function run(tool: string, args: readonly string[]): Promise<void> {
  const [command, commandArgs] = isRoot()
    ? ['runuser', ['-u', OS_USER, '--', tool, ...args]]
    : [tool, [...args]];
  return new Promise((resolve, reject) => {
    execFile(command, commandArgs, { timeout: 90_000 }, (error, stdout, stderr) => {
      if (error === null) resolve();
      else
        reject(new Error(`${tool} ${args.join(' ')} failed: ${error.message}${stdout}${stderr}`));
    });
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
