import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreStartupError } from '../../../src/eventstore/errors';
import { KurrentDbEventStore } from '../../../src/eventstore/kurrentdb/kurrentDbEventStore';
import { startupFailureOf } from '../../../src/startupFailure';
import { startService } from '../../support/serviceProcess';
import { testLogger } from '../../support/testLogger';

// The real client against servers that are not KurrentDB: what start-up reports when the
// configured server is missing or silent. No KurrentDB is needed.

async function listen(onConnection: (socket: Socket) => void = () => undefined): Promise<Server> {
  const server = createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function portOf(server: Server): number {
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('not listening');
  return address.port;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = await listen();
  const port = portOf(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function openFailure(connectionString: string, connectTimeoutMs = 1_000): Promise<unknown> {
  return KurrentDbEventStore.open({
    connectionString,
    logger: testLogger(),
    connectTimeoutMs,
  }).then(
    async (store) => {
      await store.close();
      throw new Error('expected the store not to open');
    },
    (error: unknown) => error,
  );
}

describe('opening the KurrentDB store when the server is not there', () => {
  it('reports a refused connection as unreachable, naming host and port but not the password', async () => {
    const port = await closedPort();
    const error = await openFailure(`esdb://admin:s3cr3t@127.0.0.1:${port}?tls=false`);
    expect(error).toBeInstanceOf(StoreStartupError);
    expect(error).toMatchObject({ reason: 'unreachable' });
    const { message } = error as Error;
    expect(message).toContain(`cannot reach KurrentDB at 127.0.0.1:${port}`);
    expect(message).not.toContain('s3cr3t');
    expect(startupFailureOf(error).exitCode).toBe(69);
  });

  it('accepts the kurrentdb:// scheme the client itself does not know', async () => {
    const port = await closedPort();
    await expect(openFailure(`kurrentdb://127.0.0.1:${port}?tls=false`)).resolves.toMatchObject({
      reason: 'unreachable',
    });
  });

  it('gives up on a server that accepts connections but never answers, in about the time allowed', async () => {
    const sockets: Socket[] = [];
    const silent = await listen((socket) => sockets.push(socket));
    try {
      const started = Date.now();
      const error = await openFailure(`esdb://127.0.0.1:${portOf(silent)}?tls=false`, 1_500);
      expect(error).toMatchObject({ reason: 'unreachable' });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('reports a malformed connection string as rejected, without quoting it', async () => {
    const error = await openFailure('esdb://admin:s3cr3t@127.0.0.1:2113?tls=sometimes');
    expect(error).toMatchObject({ reason: 'rejected' });
    expect((error as Error).message).toContain('malformed');
    expect((error as Error).message).not.toContain('s3cr3t');
  });
});

describe('the service, when its KurrentDB is not there', () => {
  it('exits 69 (EX_UNAVAILABLE) with one line naming the server, not the password', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'obligations-kurrentdb-'));
    try {
      const port = await closedPort();
      const service = startService({
        env: {
          EVENT_STORE_URL: `esdb://admin:s3cr3t@127.0.0.1:${port}?tls=false`,
          READ_STORE_URL: `sqlite:${join(directory, 'read-models.db')}`,
          STORE_CONNECT_TIMEOUT_MS: '1000',
          PORT: '0',
        },
      });
      expect(await service.exited).toEqual({ code: 69, signal: null });
      const lines = service.stderrLines();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(
          `^obligations: cannot start: cannot reach KurrentDB at 127\\.0\\.0\\.1:${port}: `,
        ),
      );
      expect(lines[0]).not.toContain('s3cr3t');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
