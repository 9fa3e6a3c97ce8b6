import { STATUS_CODES, createServer, type RequestListener, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_CONTENT_TYPE, problemType } from './http/problemDetails';

export interface StartServerOptions {
  readonly app: RequestListener;
  /** 0 lets the OS choose; read the port back from `server.address()`. */
  readonly port: number;
  readonly host: string;
}

/**
 * Listens and resolves once the port is bound (rejects with the OS error, e.g. EADDRINUSE).
 * Once `server.close()` has been called, keep-alive connections are not allowed to hold shutdown
 * up: each response is sent with `Connection: close` or its socket is closed as soon as it is idle.
 */
export async function startServer({ app, port, host }: StartServerOptions): Promise<Server> {
  const server = createServer();
  // Registered before the app, which may answer synchronously, so headers can still be set.
  server.on('request', (_req, res) => {
    if (!server.listening) res.setHeader('Connection', 'close');
    res.once('finish', () => {
      if (!server.listening) server.closeIdleConnections();
    });
  });
  server.on('request', app);
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/** Requests Node refuses before any route sees them, by the parser's error code. */
const CLIENT_ERRORS: Readonly<Record<string, { status: number; code: string; detail: string }>> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'headers-too-large',
    detail: 'the request headers are larger than the server takes (16 KiB in all)',
  },
  HPE_REQUEST_TIMEOUT: {
    status: 408,
    code: 'request-timeout',
    detail: 'the request was not received in time',
  },
};

/**
 * A request that cannot even be parsed (headers too large, a malformed request line) is answered
 * as a problem like every other refusal, instead of Node's bare status line; a socket already
 * gone is simply closed.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const known = CLIENT_ERRORS[error.code ?? ''] ?? {
    status: 400,
    code: 'malformed-request',
    detail: 'the request is not valid HTTP/1.1',
  };
  const body = JSON.stringify({
    type: problemType(known.code),
    title: STATUS_CODES[known.status],
    status: known.status,
    detail: known.detail,
  });
  socket.end(
    `HTTP/1.1 ${known.status} ${STATUS_CODES[known.status]}\r\n` +
      `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
