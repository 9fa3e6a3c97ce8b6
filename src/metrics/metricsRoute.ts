import { createHash, timingSafeEqual } from 'node:crypto';
import type { Registry } from 'prom-client';
import { defineRoute, type AnyRoute } from '../http/api/route';
import { problemType, sendProblem } from '../http/problemDetails';

export interface MetricsRouteOptions {
  readonly registry: Registry;
  /** When set, a scrape must send `Authorization: Bearer <token>` (METRICS_TOKEN). */
  readonly token?: string;
}

/** `/metrics` in the Prometheus text format. */
export function metricsRoute({ registry, token }: MetricsRouteOptions): AnyRoute {
  return defineRoute({
    method: 'get',
    path: '/metrics',
    operationId: 'getMetrics',
    summary: 'Metrics in the Prometheus text format',
    description:
      'Requests by route and status, event store appends, projection positions and lag, and process metrics. Open unless the service has a METRICS_TOKEN; then send it as `Authorization: Bearer <token>` (it is not an API key).',
    tags: ['operations'],
    access: 'public',
    responses: {
      200: { description: 'The metrics.', contentTypes: ['text/plain; version=0.0.4'] },
      401: {
        description: 'METRICS_TOKEN is set and the request does not send it.',
        headers: { 'WWW-Authenticate': 'The authentication scheme: `Bearer`.' },
      },
    },
    handler: async ({ req, res }) => {
      if (token !== undefined && !sendsToken(req.headers.authorization, token)) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        sendProblem(req, res, {
          type: problemType('unauthenticated'),
          title: 'The metrics token is needed',
          status: 401,
          detail: 'Send the METRICS_TOKEN of the service as `Authorization: Bearer <token>`.',
        });
        return;
      }
      res.type(registry.contentType).send(await registry.metrics());
    },
  });
}

function sendsToken(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
  if (match?.[1] === undefined) return false;
  // Digests have one length, so the comparison takes the same time whatever was sent.
  return timingSafeEqual(digest(match[1]), digest(token));
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
