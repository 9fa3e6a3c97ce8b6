import type { Server } from 'node:http';
import { connect } from 'node:net';
import { startServer } from '../src/server';

let server: Server;
let port: number;

beforeAll(async () => {
  server = await startServer({
    app: (_req, res) => res.end('ok'),
    port: 0,
    host: '127.0.0.1',
  });
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** Sends raw bytes and reads the whole answer until the server closes the connection. */
function exchange(raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(raw));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

function parsed(answer: string): { statusLine: string; headers: string; body: unknown } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  const [statusLine = '', ...headers] = head.split('\r\n');
  return { statusLine, headers: headers.join('\n'), body: JSON.parse(body) as unknown };
}

describe('requests Node refuses before any route', () => {
  it('answers headers too large with a 431 problem', async () => {
    const answer = parsed(
      await exchange(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'x'.repeat(20_000)}\r\n\r\n`),
    );
    expect(answer.statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(answer.headers).toMatch(/^Content-Type: application\/problem\+json$/m);
    expect(answer.body).toEqual({
      type: '/problems/headers-too-large',
      title: 'Request Header Fields Too Large',
      status: 431,
      detail: expect.stringContaining('16 KiB'),
    });
  });

  it('answers a request that is not HTTP with a 400 problem, and still serves the next client', async () => {
    const answer = parsed(await exchange('NOT HTTP AT ALL\r\n\r\n'));
    expect(answer.statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(answer.body).toMatchObject({ type: '/problems/malformed-request', status: 400 });
    expect(await exchange('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toMatch(
      /\r\n\r\nok$/,
    );
  });
});
