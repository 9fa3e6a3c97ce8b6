import type { Logger } from 'pino';
import { readModels } from '../../../projections/catalogue';
import { auditRoutes } from '../../audit/auditRoutes';
import type { SigningKey } from '../../audit/signingKey';
import type { ApiKeyRegistry } from '../../auth/apiKeyRegistry';
import { apiKeyRoutes } from '../../auth/apiKeyRoutes';
import type { EventStore } from '../../eventstore/eventStore';
import type { ReadStore } from '../../readstore/readStore';
import { createWebhooks, type Webhooks } from '../../webhooks/webhooks';
import type { Workers } from '../../workers/startWorkers';
import { IdempotencyStore } from '../api/idempotency';
import type { AnyRoute } from '../api/route';
import { adminRoutes } from './adminRoutes';
import { commandRoutes } from './commandRoutes';
import { correctionRoutes } from './correctionRoutes';
import { queryRoutes } from './queryRoutes';

export interface ServiceRoutesDeps {
  readonly store: EventStore;
  readonly readStore: ReadStore;
  readonly apiKeys: ApiKeyRegistry;
  readonly logger: Logger;
  readonly clock?: () => Date;
  /** The idempotency records; one of the routes' own when absent. */
  readonly idempotency?: IdempotencyStore;
  /** This process's projection workers, for rebuilds; absent when it runs none (SERVICE_ROLE=api). */
  readonly workers?: Workers | null;
  /** Webhook ingestion, whose router the app mounts beside the route table; its own when absent. */
  readonly webhooks?: Webhooks;
  /** The key checkpoints are signed with; none (null or absent): GET /audit/public-key answers 503. */
  readonly signingKey?: SigningKey | null;
}

/** Every operation of the REST API, in the order /openapi.json lists them. */
export function serviceRoutes(deps: ServiceRoutesDeps): AnyRoute[] {
  const { store, readStore, apiKeys, logger, clock, workers } = deps;
  const [first, ...rest] = readModels(store).map((projection) => projection.name);
  const idempotency =
    deps.idempotency ??
    new IdempotencyStore({ readStore, logger, ...(clock !== undefined && { clock }) });
  return [
    ...commandRoutes({ store, idempotency, ...(clock !== undefined && { clock }) }),
    ...queryRoutes({ readStore }),
    ...correctionRoutes({ store }),
    ...apiKeyRoutes({ registry: apiKeys, readStore }),
    ...(
      deps.webhooks ??
      createWebhooks({ store, readStore, logger, ...(clock !== undefined && { clock }) })
    ).adminRoutes,
    ...auditRoutes({ store, readStore, signingKey: deps.signingKey ?? null, logger }),
    ...adminRoutes({
      workers,
      readModels: [first!, ...rest],
      logger,
      ...(clock !== undefined && { clock }),
    }),
  ];
}

const PURGE_EVERY_MS = 60 * 60 * 1000;

/**
 * Deletes expired idempotency records every hour (expired ones already count as absent; this only
 * keeps the table small). The timer never holds the process open; stop it on shutdown.
 */
export function purgeIdempotencyRecords(
  idempotency: IdempotencyStore,
  logger: Logger,
): { close(): Promise<void> } {
  const timer = setInterval(() => {
    idempotency.purgeExpired().then(
      (purged) => {
        if (purged > 0) logger.info({ purged }, 'purged expired idempotency records');
      },
      (error: unknown) => logger.warn({ err: error }, 'cannot purge idempotency records'),
    );
  }, PURGE_EVERY_MS);
  timer.unref();
  return {
    close: () => {
      clearInterval(timer);
      return Promise.resolve();
    },
  };
}
