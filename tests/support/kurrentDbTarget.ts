import { createServer } from 'node:net';

export const TEST_KURRENTDB_URL_ENV = 'TEST_KURRENTDB_URL';
// Set by globalSetup for the workers: where the KurrentDB tests get a server from, or why not.
export const KURRENTDB_TARGET_ENV = 'OBLIGATIONS_TEST_KURRENTDB';
export const KURRENTDB_SKIP_ENV = 'OBLIGATIONS_TEST_KURRENTDB_SKIP';
export const KURRENTDB_IMAGE = 'kurrentplatform/kurrentdb:25.0';
const KURRENTDB_PORT = 2113;
const RUNTIME_PROBE_TIMEOUT_MS = 5_000;

export type KurrentDbTarget =
  { readonly kind: 'url'; readonly url: string } | { readonly kind: 'container' };

export interface KurrentDbServer {
  readonly url: string;
  /** Restarts the server process, keeping its data (container only). */
  readonly restart?: () => Promise<void>;
  stop(): Promise<void>;
}

/**
 * Decides, once per run in globalSetup, where the KurrentDB tests get a server: the one named by
 * TEST_KURRENTDB_URL, else a container the test file starts itself (only that file pays for it),
 * else none. Without a URL only a quick probe for a container runtime runs here.
 */
export async function findKurrentDb(env: NodeJS.ProcessEnv): Promise<void> {
  const url = env[TEST_KURRENTDB_URL_ENV];
  if (url) {
    env[KURRENTDB_TARGET_ENV] = JSON.stringify({ kind: 'url', url } satisfies KurrentDbTarget);
    return;
  }
  const runtime = await probeContainerRuntime();
  if (runtime === null) {
    env[KURRENTDB_TARGET_ENV] = JSON.stringify({ kind: 'container' } satisfies KurrentDbTarget);
    return;
  }
  const reason = `KurrentDB tests skipped: no ${TEST_KURRENTDB_URL_ENV} and no container runtime (${runtime}); run with ${TEST_KURRENTDB_URL_ENV}=esdb://localhost:2113?tls=false or with Docker`;
  // For CI: KurrentDB tests can never pass by skipping.
  if (env.REQUIRE_KURRENTDB === '1') throw new Error(`REQUIRE_KURRENTDB=1 but ${reason}`);
  env[KURRENTDB_SKIP_ENV] = reason;
  console.log(`\n${reason}`);
}

/** null when a container runtime answers, else why not. */
async function probeContainerRuntime(): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${RUNTIME_PROBE_TIMEOUT_MS} ms`)),
          RUNTIME_PROBE_TIMEOUT_MS,
        );
      }),
    ]);
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return message.split('\n')[0] ?? message;
  } finally {
    clearTimeout(timer);
  }
}

function targetOf(env: NodeJS.ProcessEnv): KurrentDbTarget | null {
  const published = env[KURRENTDB_TARGET_ENV];
  return published ? (JSON.parse(published) as KurrentDbTarget) : null;
}

/** `describe` with the run's KurrentDB target, or `describe.skip` saying why there is none. */
export function describeWithKurrentDb(name: string, body: (target: KurrentDbTarget) => void): void {
  const target = targetOf(process.env);
  const skip = process.env[KURRENTDB_SKIP_ENV];
  if (skip !== undefined || target === null) {
    // The tests are declared, so that each shows as skipped; their hooks never run.
    describe.skip(`${name} (${skip ?? 'no KurrentDB: globalSetup did not run'})`, () =>
      body({ kind: 'container' }));
  } else describe(name, () => body(target));
}

/**
 * A server for one test file. The container runs in insecure mode without projections. Its data
 * lives in the container, not in memory (KURRENTDB_MEM_DB), so that a restart keeps the events as
 * a real server does, and its port is bound to a fixed host port, so that a restart does not move
 * it under the connection string of the stores already open.
 */
export async function startKurrentDb(target: KurrentDbTarget): Promise<KurrentDbServer> {
  if (target.kind === 'url') return { url: target.url, stop: async () => Promise.resolve() };
  const { GenericContainer, Wait } = await import('testcontainers');
  const hostPort = await freePort();
  const container = await new GenericContainer(KURRENTDB_IMAGE)
    .withEnvironment({
      KURRENTDB_INSECURE: 'true',
      KURRENTDB_RUN_PROJECTIONS: 'None',
      KURRENTDB_CLUSTER_SIZE: '1',
      // The contract appends 1.6 MB at once; the default limit is 1 MB.
      KURRENTDB_MAX_APPEND_SIZE: String(8 * 1024 * 1024),
    })
    .withExposedPorts({ container: KURRENTDB_PORT, host: hostPort })
    .withWaitStrategy(
      Wait.forHttp('/health/live', KURRENTDB_PORT).forStatusCodeMatching(
        (status) => status >= 200 && status < 300,
      ),
    )
    .withStartupTimeout(120_000)
    .start();
  return {
    url: `esdb://${container.getHost()}:${hostPort}?tls=false`,
    restart: async () => {
      await container.restart();
    },
    stop: async () => {
      await container.stop();
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no free port')),
      );
    });
  });
}
