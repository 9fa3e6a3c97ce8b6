import type { Logger } from 'pino';
import type { Projection } from '../../projections/projection';
import type { EventStore } from '../eventstore/eventStore';
import type { ReadStore } from '../readstore/readStore';
import { CHECKPOINTS_OWNER, checkpointMigrations } from './checkpoints';
import { ProjectionWorker, type ProjectionStatus } from './projectionWorker';

export interface Workers {
  statuses(): ProjectionStatus[];
  stop(): Promise<void>;
}

/** Migrates the read models and starts one worker per projection, each competing for its lease. */
export async function startWorkers(input: {
  projections: readonly Projection[];
  store: EventStore;
  readStore: ReadStore;
  logger: Logger;
  leaseRetryMs?: number;
}): Promise<Workers> {
  const { projections, store, readStore, logger } = input;
  await readStore.migrate(CHECKPOINTS_OWNER, checkpointMigrations);
  for (const projection of projections)
    await readStore.migrate(projection.name, projection.migrations);
  const workers = projections.map(
    (projection) =>
      new ProjectionWorker({
        projection,
        store,
        readStore,
        logger,
        ...(input.leaseRetryMs !== undefined && { leaseRetryMs: input.leaseRetryMs }),
      }),
  );
  for (const worker of workers) worker.start();
  return {
    statuses: () => workers.map((worker) => worker.status),
    stop: async () => {
      await Promise.all(workers.map((worker) => worker.stop()));
    },
  };
}
