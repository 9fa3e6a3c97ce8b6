import type { Projection } from '../../projections/projection';
import { abortableSleep } from '../eventstore/abortableSleep';
import type { EventStore } from '../eventstore/eventStore';
import type { Lease, ReadStore } from '../readstore/readStore';
import { advanceCheckpoint } from './checkpoints';

/**
 * Rebuilding a read model: empty its tables, reset its checkpoint, and apply the whole global
 * log again from position 0, batch by batch, exactly as its live worker does (the projection's
 * own `apply`, the checkpoint moved by compare and set in the same transaction). Since `apply` is
 * a function of the events alone, the rows come out identical to the live ones.
 *
 * - No race with the live worker: the rebuild holds the projection's lease
 *   (`projection:<name>`, the very one the worker leads with), so no worker, in this process or
 *   another, applies anything meanwhile. In the service's own process the worker is paused first
 *   (`Workers.rebuild`, `ProjectionWorker.whilePaused`); from the CLI it waits for the lease.
 * - Resumable: every batch commits its rows and its checkpoint together. A rebuild that stops
 *   half way (a crash, Ctrl-C, a shutdown) leaves a consistent prefix of the read model, and its
 *   live worker simply continues from that checkpoint: nothing needs to start over.
 * - Never the log in memory: one batch (default 1000 events) at a time.
 * - The price of the simple way: from the first (emptying) transaction until the rebuild has
 *   caught up, readers see the read model as of the rebuild's position, not the log's head.
 *   `?waitFor=` reads wait (up to their limit) as they would for a lagging worker, since the
 *   checkpoint tells the truth. Building beside the live tables and swapping them in would hide
 *   this; it is not done yet.
 * - Policies (the milestone policy) are never rebuilt: what they appended stays appended. Only a
 *   projection that declares its `tables` can be rebuilt.
 */

/** Where a rebuild of one projection stands. */
export interface RebuildProgress {
  readonly projection: string;
  /** The global position of the last event applied (0 before the first batch). */
  readonly position: number;
  /** The head of the log when last asked (it moves if events are appended meanwhile). */
  readonly head: number;
  /** Events read from the log and applied so far (a projection skips those it has no use for). */
  readonly applied: number;
  /** Events applied per second since the rebuild started. */
  readonly eventsPerSecond: number;
  /** Seconds left at that rate; null until there is a rate. */
  readonly etaSeconds: number | null;
  readonly startedAt: string;
  /** True once, on the last report: the rebuild has applied the log up to `position`. */
  readonly done: boolean;
}

export interface RebuildOptions {
  /** Called once at the start, after every batch, and once at the end (`done`). */
  readonly onProgress?: (progress: RebuildProgress) => void;
  /** Events per transaction; 1000 by default. */
  readonly batchSize?: number;
  /** Stops between batches (throws the signal's reason); what was committed stays. */
  readonly signal?: AbortSignal;
  readonly clock?: () => Date;
}

export const DEFAULT_REBUILD_BATCH_SIZE = 1_000;
/** How long a rebuild that read nothing waits for events the head promises (PostgreSQL shows a
 * committed event only once no earlier transaction is still in flight). */
const IDLE_READ_MS = 20;
const IDLE_READS = 50;

export class NotRebuildableError extends Error {
  constructor(name: string) {
    super(
      `${name} cannot be rebuilt: it declares no tables (a policy is never rebuilt: what it appended stays appended)`,
    );
    this.name = 'NotRebuildableError';
  }
}

export class UnknownProjectionError extends Error {
  constructor(
    name: string,
    readonly known: readonly string[],
  ) {
    super(`there is no read model ${name}; the read models are ${known.join(', ')}`);
    this.name = 'UnknownProjectionError';
  }
}

/** The lease stayed with another holder for the whole wait. */
export class LeaseUnavailableError extends Error {
  constructor(
    readonly leaseName: string,
    waitedMs: number,
  ) {
    super(
      `${leaseName} is still held by another process after ${Math.round(waitedMs / 1000)} s: a running service's worker leads it. Stop that worker, or rebuild through that service (POST /admin/rebuilds), or wait longer`,
    );
    this.name = 'LeaseUnavailableError';
  }
}

/** The checkpoint moved although the rebuild held the lease: someone wrote around the lease. */
export class RebuildInterruptedError extends Error {
  constructor(name: string, from: number) {
    super(`the checkpoint of ${name} is no longer at ${from}: another writer applied events`);
    this.name = 'RebuildInterruptedError';
  }
}

export const leaseNameOf = (projection: string): string => `projection:${projection}`;

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** The tables to empty; throws for a projection that cannot be rebuilt. */
export function tablesToRebuild(projection: Projection): readonly string[] {
  const { tables } = projection;
  if (tables === undefined || tables.length === 0) throw new NotRebuildableError(projection.name);
  for (const table of tables)
    if (!IDENTIFIER.test(table))
      throw new Error(`${projection.name} declares a table named ${table}: not an identifier`);
  return tables;
}

/**
 * Rebuilds one projection through a lease its caller holds (and releases). Answers the last
 * progress report.
 */
export async function rebuildProjection(input: {
  projection: Projection;
  store: EventStore;
  lease: Lease;
  options?: RebuildOptions;
}): Promise<RebuildProgress> {
  const { projection, store, lease, options = {} } = input;
  const tables = tablesToRebuild(projection);
  const clock = options.clock ?? (() => new Date());
  const batchSize = options.batchSize ?? DEFAULT_REBUILD_BATCH_SIZE;
  const signal = options.signal;
  const started = clock();
  let position = 0;
  let applied = 0;
  let head = await store.headPosition();
  const report = (done: boolean): RebuildProgress => {
    const seconds = (clock().getTime() - started.getTime()) / 1000;
    const eventsPerSecond = seconds > 0 ? applied / seconds : 0;
    // Positions may skip numbers (a rolled back append on PostgreSQL): estimate the events left
    // from how many events each position has held so far.
    const left = position > 0 ? ((head - position) * applied) / position : null;
    const progress: RebuildProgress = {
      projection: projection.name,
      position,
      head,
      applied,
      eventsPerSecond: Math.round(eventsPerSecond * 10) / 10,
      etaSeconds:
        done || head <= position
          ? 0
          : left === null || eventsPerSecond === 0
            ? null
            : Math.ceil(left / eventsPerSecond),
      startedAt: started.toISOString(),
      done,
    };
    options.onProgress?.(progress);
    return progress;
  };

  signal?.throwIfAborted();
  projection.reset?.();
  await lease.transaction(async (tx) => {
    for (const table of tables) await tx.execute(`DELETE FROM ${table}`);
    await tx.execute('DELETE FROM checkpoints WHERE name = ?', [projection.name]);
  });
  report(false);

  let idleReads = 0;
  for (;;) {
    signal?.throwIfAborted();
    const events = await store.readAll({ after: position, maxCount: batchSize });
    if (events.length === 0) {
      head = await store.headPosition();
      if (head <= position || idleReads >= IDLE_READS) break;
      idleReads += 1;
      await abortableSleep(IDLE_READ_MS, signal ?? new AbortController().signal);
      continue;
    }
    idleReads = 0;
    const from = position;
    const to = events[events.length - 1]!.globalPosition;
    await lease.transaction(async (tx) => {
      if (!(await advanceCheckpoint(tx, { name: projection.name, from, to, now: clock() })))
        throw new RebuildInterruptedError(projection.name, from);
      await projection.apply(tx, events);
    });
    position = to;
    applied += events.length;
    head = Math.max(await store.headPosition(), position);
    report(false);
  }
  return report(true);
}

/**
 * Takes `name` as soon as no one else holds it. `onWaiting` hears of each refusal (with how long
 * it has waited); after `timeoutMs` (if given) it gives up with a LeaseUnavailableError.
 */
export async function acquireLease(
  readStore: ReadStore,
  name: string,
  options: {
    timeoutMs?: number;
    retryMs?: number;
    onWaiting?: (waitedMs: number) => void;
    signal?: AbortSignal;
  } = {},
): Promise<Lease> {
  const { timeoutMs, retryMs = 500, signal } = options;
  const started = Date.now();
  for (;;) {
    signal?.throwIfAborted();
    const lease = await readStore.tryAcquireLease(name);
    if (lease !== null) return lease;
    const waited = Date.now() - started;
    if (timeoutMs !== undefined && waited >= timeoutMs)
      throw new LeaseUnavailableError(name, waited);
    options.onWaiting?.(waited);
    const nap =
      timeoutMs === undefined ? retryMs : Math.max(0, Math.min(retryMs, timeoutMs - waited));
    await abortableSleep(nap, signal ?? new AbortController().signal);
  }
}

/** Takes the projection's lease (waiting as `acquireLease` does), rebuilds, releases. */
export async function rebuildWithLease(input: {
  projection: Projection;
  store: EventStore;
  readStore: ReadStore;
  options?: RebuildOptions & {
    leaseTimeoutMs?: number;
    onWaiting?: (waitedMs: number) => void;
  };
}): Promise<RebuildProgress> {
  const { projection, store, readStore, options = {} } = input;
  tablesToRebuild(projection);
  const lease = await acquireLease(readStore, leaseNameOf(projection.name), {
    ...(options.leaseTimeoutMs !== undefined && { timeoutMs: options.leaseTimeoutMs }),
    ...(options.onWaiting !== undefined && { onWaiting: options.onWaiting }),
    ...(options.signal !== undefined && { signal: options.signal }),
  });
  try {
    return await rebuildProjection({ projection, store, lease, options });
  } finally {
    await lease.release();
  }
}
