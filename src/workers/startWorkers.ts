import type { Logger } from 'pino';
import type { Projection } from '../../projections/projection';
import type { EventStore } from '../eventstore/eventStore';
import type { ReadStore } from '../readstore/readStore';
import { CHECKPOINTS_OWNER, checkpointMigrations } from './checkpoints';
import { ProjectionWorker, type ProjectionStatus } from './projectionWorker';
import {
  UnknownProjectionError,
  rebuildWithLease,
  tablesToRebuild,
  type RebuildOptions,
  type RebuildProgress,
} from './rebuild';

export interface WorkerRebuildOptions extends RebuildOptions {
  /** How long to wait for the lease once this process's worker has let go of it (forever by default). */
  readonly leaseTimeoutMs?: number;
  readonly onWaiting?: (waitedMs: number) => void;
}

export interface Workers {
  /** Starts every worker (competing for its lease, then applying); a no-op once started. */
  start(): void;
  statuses(): ProjectionStatus[];
  /**
   * Rebuilds one read model from the start of the log (src/workers/rebuild.ts): pauses its worker
   * here, which releases the lease, takes the lease for the rebuild, then lets the worker lead
   * again from the rebuilt checkpoint. Refuses a policy. `stop` interrupts it between batches.
   */
  rebuild(name: string, options?: WorkerRebuildOptions): Promise<RebuildProgress>;
  stop(): Promise<void>;
}

/** Migrates the read models and starts one worker per projection, each competing for its lease. */
export async function startWorkers(input: {
  projections: readonly Projection[];
  store: EventStore;
  readStore: ReadStore;
  logger: Logger;
  leaseRetryMs?: number;
  /**
   * False: the workers wait for `start()`. The service starts them once it listens, so that a
   * backlog to catch up does not hold back its start and its first answers.
   */
  start?: boolean;
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
  const start = (): void => {
    for (const worker of workers) worker.start();
  };
  if (input.start !== false) start();
  const stopping = new AbortController();
  const rebuilding = new Set<Promise<unknown>>();
  return {
    start,
    statuses: () => workers.map((worker) => worker.status),
    rebuild: async (name, options = {}) => {
      const index = projections.findIndex((projection) => projection.name === name);
      const projection = projections[index];
      const worker = workers[index];
      if (projection === undefined || worker === undefined)
        throw new UnknownProjectionError(
          name,
          projections.filter((p) => p.tables !== undefined).map((p) => p.name),
        );
      tablesToRebuild(projection);
      const signal =
        options.signal === undefined
          ? stopping.signal
          : AbortSignal.any([options.signal, stopping.signal]);
      const done = worker.whilePaused(() =>
        rebuildWithLease({ projection, store, readStore, options: { ...options, signal } }),
      );
      rebuilding.add(done);
      try {
        return await done;
      } finally {
        rebuilding.delete(done);
      }
    },
    stop: async () => {
      // A rebuild stops between batches; what it committed stays, and the next start goes on.
      stopping.abort(new Error('the workers are stopping'));
      await Promise.allSettled(rebuilding);
      await Promise.all(workers.map((worker) => worker.stop()));
    },
  };
}
