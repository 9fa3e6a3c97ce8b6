import express, { type Express, type Router } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { EventStore } from '../eventstore/eventStore';
import type { ReadStore } from '../readstore/readStore';
import { httpMetrics } from '../metrics/httpMetrics';
import { createMetricsRegistry } from '../metrics/metricsRegistry';
import { metricsRoute } from '../metrics/metricsRoute';
import { apiRouter, type AnyRoute } from './api/route';
import { healthRoutes, type ReadinessWarning } from './healthRoutes';
import { refuseNulInPath } from './nulInPath';
import { API_INFO } from './openapi/apiInfo';
import { docsRoutes } from './openapi/docsRoutes';
import { openApiDocument, type OperationSpec } from './openapi/openApiDocument';
import { PROBE_OPERATIONS } from './openapi/probeOperations';
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
  /** The route table mounted in `routers`: /openapi.json and /docs describe it. */
  readonly routes?: readonly AnyRoute[];
  /** Operations a router serves outside the route table (webhooks read raw bodies), described too. */
  readonly operations?: readonly OperationSpec[];
  /**
   * Where this app's metrics go (a registry of its own by default), served at /metrics; with a
   * token, /metrics asks for `Authorization: Bearer <token>`.
   */
  readonly metrics?: { readonly registry: Registry; readonly token?: string };
  /** Degraded capabilities `/readyz` reports with its 200 (src/http/healthRoutes.ts). */
  readonly readinessWarnings?: readonly ReadinessWarning[];
}

export function createApp({
  store,
  readStore,
  logger,
  shutdownSignal,
  routers = [],
  routes = [],
  operations = [],
  metrics = { registry: createMetricsRegistry() },
  readinessWarnings = [],
}: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(httpMetrics(metrics.registry));
  app.use(requestLogging(logger));
  app.use(
    healthRoutes({ store, ...(readStore && { readStore }), shutdownSignal, readinessWarnings }),
  );
  const ownRoutes = [...docsRoutes(() => document), metricsRoute(metrics)];
  // Generated at start, so that a route the document cannot describe stops the service at once.
  const document = openApiDocument(
    [...PROBE_OPERATIONS, ...ownRoutes, ...routes, ...operations],
    API_INFO,
  );
  // Public routes only: the authenticator is never asked.
  app.use(apiRouter({ routes: ownRoutes, authenticate: async () => null }));
  app.use(refuseNulInPath());
  for (const router of routers) app.use(router);
  app.use(routeNotFound());
  app.use(problemDetailsHandler());
  return app;
}
