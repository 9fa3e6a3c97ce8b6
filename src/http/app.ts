import express, { type Express, type Router } from 'express';
import type { Logger } from 'pino';
import type { EventStore } from '../eventstore/eventStore';
import type { ReadStore } from '../readstore/readStore';
import { healthRoutes } from './healthRoutes';
import { problemDetailsHandler, routeNotFound } from './problemDetails';
import { requestLogging } from './requestLogging';

export interface AppOptions {
  readonly store: EventStore;
  readonly readStore?: ReadStore;
  readonly logger: Logger;
  /** Aborted when shutdown begins: readiness turns 503 so load balancers stop sending traffic. */
  readonly shutdownSignal: AbortSignal;
  /**
   * Feature routes, mounted after the request id and logging and before the 404 and the error
   * mapping. Each router parses its own bodies (webhooks need the raw bytes for signatures).
   */
  readonly routers?: readonly Router[];
}

export function createApp({
  store,
  readStore,
  logger,
  shutdownSignal,
  routers = [],
}: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLogging(logger));
  app.use(healthRoutes({ store, ...(readStore && { readStore }), shutdownSignal }));
  for (const router of routers) app.use(router);
  app.use(routeNotFound());
  app.use(problemDetailsHandler());
  return app;
}
