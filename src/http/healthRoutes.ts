import { Router } from 'express';
import type { EventStore } from '../eventstore/eventStore';
import type { ReadStore } from '../readstore/readStore';
import { problemType, sendProblem } from './problemDetails';

export interface HealthRoutesOptions {
  readonly store: Pick<EventStore, 'ping'>;
  /** The read models' store, when this process has one. */
  readonly readStore?: Pick<ReadStore, 'ping'>;
  /** Aborted when shutdown begins. */
  readonly shutdownSignal: AbortSignal;
  /** What this instance cannot do although it is ready, known at startup (no signing key). */
  readonly readinessWarnings?: readonly ReadinessWarning[];
}

/** A degraded capability `/readyz` reports beside its 200: worth an alert, not a restart. */
export interface ReadinessWarning {
  readonly code: string;
  readonly detail: string;
}

/**
 * `/healthz` answers while the process can answer at all (restart me if not); `/readyz` answers
 * 200 only while the service can do its work (send me traffic), so a store outage or a shutdown
 * takes the instance out of the load balancer without restarting it.
 */
export function healthRoutes({
  store,
  readStore,
  shutdownSignal,
  readinessWarnings = [],
}: HealthRoutesOptions): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (req, res) => {
    if (shutdownSignal.aborted) {
      sendProblem(req, res, {
        type: problemType('shutting-down'),
        title: 'The service is shutting down',
        status: 503,
        detail: 'This instance finishes its requests in flight and takes no new work.',
      });
      return;
    }
    // A failed ping is the answer to this request, not an error of it.
    const ping = await store.ping().then(
      () => ({ ok: true as const }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    if (!ping.ok) {
      req.log.warn({ err: ping.error }, 'not ready: the event store does not answer');
      sendProblem(req, res, {
        type: problemType('store-unavailable'),
        title: 'The event store is unavailable',
        status: 503,
        detail: 'The event store does not answer; see the service log for the cause.',
      });
      return;
    }
    const readPing = await (readStore?.ping() ?? Promise.resolve()).then(
      () => ({ ok: true as const }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    if (!readPing.ok) {
      req.log.warn({ err: readPing.error }, 'not ready: the read store does not answer');
      sendProblem(req, res, {
        type: problemType('read-store-unavailable'),
        title: 'The read store is unavailable',
        status: 503,
        detail: 'The read models cannot be read; see the service log for the cause.',
      });
      return;
    }
    res.json({
      status: 'ok',
      ...(readinessWarnings.length > 0 && { warnings: readinessWarnings }),
    });
  });
  return router;
}
