import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/http/app';
import { migrateReadSide } from '../../src/readstore/migrateReadSide';
import { startServer } from '../../src/server';
import { createWebhooks, type Webhooks } from '../../src/webhooks/webhooks';
import type { Stores } from '../support/serviceHarness';
import { testLogger } from '../support/testLogger';

export interface WebhookServer {
  readonly webhooks: Webhooks;
  readonly baseUrl: string;
  close(): Promise<void>;
}

/**
 * The webhook routes alone, on a real HTTP server on a free port, over `stores` (migrated first),
 * with one integration registered: what a sender posts to. `close` stops the server, not the
 * stores.
 */
export async function startWebhookServer(
  stores: Stores,
  options: {
    readonly clock: () => Date;
    readonly unauthenticatedKept?: number;
    readonly integration: { readonly integrationId: string; readonly name: string };
    readonly secret: string;
  },
): Promise<WebhookServer> {
  await migrateReadSide(stores.store, stores.readStore);
  const webhooks = createWebhooks({
    ...stores,
    logger: testLogger(),
    clock: options.clock,
    ...(options.unauthenticatedKept !== undefined && {
      unauthenticatedKept: options.unauthenticatedKept,
    }),
  });
  await webhooks.integrations.register({
    ...options.integration,
    eventTypes: ['INDSubmitted'],
    secret: options.secret,
    actor: 'test',
  });
  const app = createApp({
    ...stores,
    logger: testLogger(),
    shutdownSignal: new AbortController().signal,
    routers: [webhooks.router],
    operations: webhooks.operations,
  });
  const server = await startServer({ app, port: 0, host: '127.0.0.1' });
  return {
    webhooks,
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
