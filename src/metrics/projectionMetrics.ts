import { Gauge, type Registry } from 'prom-client';
import type { EventStore } from '../eventstore/eventStore';
import type { ProjectionStatus } from '../workers/projectionWorker';

export interface ProjectionMetricsOptions {
  /** The projections this process runs (none in an `api` process). */
  readonly statuses: () => readonly ProjectionStatus[];
  readonly store: Pick<EventStore, 'headPosition'>;
}

/**
 * Projection progress, read when scraped: whether this process leads each projection, and for
 * those it leads the checkpoint and the lag behind the head of the log (events not yet applied).
 * Only the leader's checkpoint is current, so only leaders report one: across processes,
 * `max by (projection) (projection_lag_events)` is the lag, and a projection no process leads
 * shows as `sum by (projection) (projection_leading) == 0`.
 */
export function registerProjectionMetrics(
  registry: Registry,
  { statuses, store }: ProjectionMetricsOptions,
): void {
  // One head read per scrape, shared by the gauges that need it (they are collected together).
  let pendingHead: Promise<number | null> | null = null;
  const head = (): Promise<number | null> =>
    (pendingHead ??= store
      .headPosition()
      // An unreadable store leaves the head and the lags out of this scrape rather than failing
      // it: the process metrics still matter then, and /readyz reports the store.
      .catch(() => null)
      .finally(() => {
        pendingHead = null;
      }));
  const leaders = (): ProjectionStatus[] => statuses().filter((status) => status.leading);

  new Gauge({
    name: 'projection_leading',
    help: '1 if this process leads the projection (applies its events), 0 if it waits for the lease.',
    labelNames: ['projection'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const status of statuses())
        this.set({ projection: status.name }, status.leading ? 1 : 0);
    },
  });
  new Gauge({
    name: 'projection_position',
    help: 'Global position of the last event the projection applied (its checkpoint), from its leader.',
    labelNames: ['projection'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const status of leaders()) this.set({ projection: status.name }, status.position);
    },
  });
  new Gauge({
    name: 'projection_lag_events',
    help: 'Head position of the event log minus the projection checkpoint, from its leader.',
    labelNames: ['projection'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const headPosition = await head();
      if (headPosition === null) return;
      for (const status of leaders()) {
        this.set({ projection: status.name }, Math.max(0, headPosition - status.position));
      }
    },
  });
  new Gauge({
    name: 'event_store_head_position',
    help: 'Global position of the last event committed to the event log.',
    registers: [registry],
    async collect() {
      // A gauge without labels always has a value: NaN, not a misleading 0, when unknown.
      this.set((await head()) ?? Number.NaN);
    },
  });
}
