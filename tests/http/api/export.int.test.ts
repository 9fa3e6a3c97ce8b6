import express from 'express';
import { once } from 'node:events';
import http, { type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { streamCsv, type CsvColumn, type ExportOutcome } from '../../../src/http/api/export';
import { captureLogs } from '../../support/logCapture';

const ROWS = 100_000;
// About 600 bytes a row, 60 MB in all: far more than socket buffers can hide.
const PAYEE = 'Licensee Pharmaceuticals '.repeat(23);
const columns: CsvColumn[] = [{ key: 'id' }, { key: 'payee' }, { key: 'amount', kind: 'number' }];

/** The source and the response, as the route sees them while it streams. */
interface Observed {
  produced: number;
  maxWritableLength: number;
  closedSource: boolean;
  outcome?: ExportOutcome;
}

function exportServer(options: { failAt?: number } = {}) {
  const observed: Observed = { produced: 0, maxWritableLength: 0, closedSource: false };
  const logs = captureLogs('debug');
  const app = express();
  app.get('/export.csv', async (_req, res) => {
    async function* rows(): AsyncGenerator<Record<string, unknown>> {
      try {
        for (let id = 1; id <= ROWS; id++) {
          if (id === options.failAt) throw new Error('read store connection lost');
          observed.produced = id;
          observed.maxWritableLength = Math.max(observed.maxWritableLength, res.writableLength);
          yield { id, payee: PAYEE, amount: `-${id}.50` };
        }
      } finally {
        observed.closedSource = true;
      }
    }
    observed.outcome = await streamCsv(res, columns, rows(), {
      filename: 'obligations.csv',
      logger: logs.logger,
    });
  });
  return { app, observed, logs };
}

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function start(app: express.Express): Promise<string> {
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Starts a download and reads nothing: a client on a slow link, or paused. */
async function pausedDownload(url: string): Promise<IncomingMessage> {
  const request = http.get(url);
  const [response] = (await once(request, 'response')) as [IncomingMessage];
  return response;
}

/** Waits until the source stops being pulled (backpressure holds it). */
async function untilStalled(observed: Observed): Promise<void> {
  let last = -1;
  for (let waited = 0; waited < 20_000; waited += 300) {
    if (observed.produced === last) return;
    last = observed.produced;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error('the source was never held back');
}

const memoryInUse = (): number => {
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
};

describe('streamCsv over a real server', () => {
  it('pulls rows only as fast as a slow client reads them, and sends all of them in the end', async () => {
    const { app, observed } = exportServer();
    const url = await start(app);
    const before = memoryInUse();

    const response = await pausedDownload(`${url}/export.csv`);
    await untilStalled(observed);

    // Held back while the client reads nothing: socket buffers took a part, the rest waits.
    expect(observed.produced).toBeLessThan(ROWS / 2);
    expect(observed.maxWritableLength).toBeLessThanOrEqual(64 * 1024);
    expect(memoryInUse() - before).toBeLessThan(30 * 1024 * 1024);

    let lines = 0;
    let tail = '';
    response.setEncoding('utf8');
    for await (const chunk of response as AsyncIterable<string>) {
      const text = tail + chunk;
      const parts = text.split('\r\n');
      tail = parts.pop() ?? '';
      lines += parts.length;
      if (lines === 1) expect(parts[0]).toBe('id,payee,amount');
    }
    expect(tail).toBe('');
    expect(lines).toBe(ROWS + 1);
    expect(observed.produced).toBe(ROWS);
    expect(observed.maxWritableLength).toBeLessThanOrEqual(64 * 1024);
    expect(observed.outcome).toBe('completed');
  });

  it('stops the source when the client goes away', async () => {
    const { app, observed } = exportServer();
    const url = await start(app);
    const response = await pausedDownload(`${url}/export.csv`);
    await untilStalled(observed);
    response.destroy();

    for (let waited = 0; observed.outcome === undefined && waited < 5_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(observed.outcome).toBe('client-gone');
    expect(observed.closedSource).toBe(true);
    expect(observed.produced).toBeLessThan(ROWS);
  });

  it('cuts the response when the source fails midway, so the file cannot pass for complete', async () => {
    const { app, observed, logs } = exportServer({ failAt: 5_000 });
    const url = await start(app);
    const response = await pausedDownload(`${url}/export.csv`);
    expect(response.statusCode).toBe(200);

    let received = '';
    const ended = await new Promise<'complete' | 'cut'>((resolve) => {
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (received += chunk));
      response.on('end', () => resolve(response.complete ? 'complete' : 'cut'));
      response.on('error', () => resolve('cut'));
      response.on('aborted', () => resolve('cut'));
    });

    expect(ended).toBe('cut');
    expect(received.split('\r\n').length - 1).toBeLessThan(5_000);
    expect(observed.outcome).toBe('failed');
    expect(logs.lines).toContainEqual(
      expect.objectContaining({
        level: 50,
        msg: expect.stringContaining('export failed midway'),
        err: expect.objectContaining({ message: 'read store connection lost' }),
      }),
    );
  });
});
