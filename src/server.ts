import { createServer, type RequestListener, type Server } from 'node:http';

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
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
