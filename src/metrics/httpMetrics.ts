import type { Request, RequestHandler } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';

/** The route label of requests no route matched (404s), so random URLs add no series. */
export const UNMATCHED_ROUTE = 'unmatched';

const LABELS = ['method', 'route', 'status'] as const;

/**
 * Counts and times every request by method, route template (`/agreements/:agreementId`, never the
 * URL: one series per route, however many ids) and status; `aborted` when the client left before
 * the answer was sent. Mount it first, so that it times the whole request.
 */
export function httpMetrics(registry: Registry): RequestHandler {
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route template and status.',
    labelNames: LABELS,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving an HTTP request to the end of its answer, by method, route template and status.',
    labelNames: LABELS,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return (req, res, next) => {
    const stopTimer = duration.startTimer();
    const routeOf = recordRouteTemplate(req);
    res.once('close', () => {
      const labels = {
        method: req.method,
        route: routeOf() ?? UNMATCHED_ROUTE,
        status: res.writableFinished ? String(res.statusCode) : 'aborted',
      };
      requests.inc(labels);
      stopTimer(labels);
    });
    next();
  };
}

/**
 * The template of the route that handled the request, with the path its router is mounted at.
 * Read when express sets `req.route`: a router hands an error on with its mount path already
 * removed from `req.baseUrl`, and the error handler answers after that.
 */
function recordRouteTemplate(req: Request): () => string | undefined {
  let route: unknown;
  let template: string | undefined;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set: (value: { path?: unknown } | undefined) => {
      route = value;
      if (value !== undefined) template = `${req.baseUrl}${String(value.path)}`;
    },
  });
  return () => template;
}
