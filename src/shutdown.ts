import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { EventStore } from './eventstore/eventStore';

export interface ShutDownOptions {
  readonly server: Server;
  /** Closed in this order after the server drained: workers first, then the stores they use. */
  readonly resources: readonly Pick<EventStore, 'close'>[];
  readonly logger: Logger;
  /** How long requests in flight may take to finish before their connections are cut. */
  readonly shutdownTimeoutMs: number;
  /** The controller behind the app's shutdown signal; aborted first, to fail readiness. */
  readonly shutdownController: AbortController;
}

/**
 * Graceful shutdown: stop being ready, stop accepting connections, let requests in flight finish
 * (for at most `shutdownTimeoutMs`), then close the store, which commits the appends it holds.
 * Readiness fails first so that a request arriving on a kept-alive connection while the server
 * drains is told why the instance is leaving.
 */
export async function shutDown(options: ShutDownOptions): Promise<void> {
  const { server, resources, logger, shutdownTimeoutMs, shutdownController } = options;
  shutdownController.abort();
  logger.info({ shutdownTimeoutMs }, 'shutting down: finishing requests in flight');
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timed-out'>((resolve) => {
    timer = setTimeout(() => resolve('timed-out'), shutdownTimeoutMs);
  });
  const outcome = await Promise.race([closed.then(() => 'drained' as const), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timed-out') {
    logger.warn(
      { shutdownTimeoutMs },
      'requests still in flight after SHUTDOWN_TIMEOUT_MS; closing their connections',
    );
    server.closeAllConnections();
    await closed;
  }
  for (const resource of resources) await resource.close();
  logger.info('shutdown completed');
}
