import type { Projection } from '../../projections/projection';
import { abortableSleep } from '../eventstore/abortableSleep';
import type { EventStore, RecordedEvent } from '../eventstore/eventStore';
import type { Lease, ReadStore } from '../readstore/readStore';
import { advanceCheckpoint } from './checkpoints';
import {
  DEFERRED_INDEXES_OWNER,
  createDeferredIndexes,
  deferSecondaryIndexes,
  deferredIndexMigrations,
} from './rebuildIndexes';

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
 * - Never the log in memory: 1000 events at a time, however many a transaction applies (1000 in
 *   the service, whose live requests share the writer; 10,000 from the CLI, see
 *   BULK_REBUILD_BATCH_SIZE).
 * - From the CLI, the tables' non-unique secondary indexes are dropped and built once at the end
 *   (`deferIndexes`, src/workers/rebuildIndexes.ts), written down so that a rebuild killed half way
 *   leaves them to the next start; the rows and the checkpoint are as above either way.
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
  /**
   * Events of the log passed so far: applied, or skipped as of no use to the read model (read and
   * ignored by its `apply`, or left unread in the store for one that declares its `eventTypes`).
   */
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
  /** Events per transaction (read 1000 at a time); 1000 by default. */
  readonly batchSize?: number;
  /**
   * Builds the tables' non-unique secondary indexes once, at the end, instead of row by row
   * (src/workers/rebuildIndexes.ts): for a bulk rebuild (the CLI's). Off by default: while it
   * runs, queries that need those indexes scan the table.
   */
  readonly deferIndexes?: boolean;
  /** Stops between batches (throws the signal's reason); what was committed stays. */
  readonly signal?: AbortSignal;
  readonly clock?: () => Date;
}

export const DEFAULT_REBUILD_BATCH_SIZE = 1_000;
/**
 * Events read (and held) at a time, however large the transaction: a batch of ten thousand held
 * at once outlived the young generation, and collecting it cost more than the batch saved.
 */
const READ_SIZE = 1_000;
/**
 * The CLI's batch: a rebuild's cost beside its inserts is a commit's rewrite of the pages the
 * batch touched (an index page holds keys from all over the log), paid per batch. Ten thousand
 * events (some 10 to 20 MB while applied, whatever the size of the log) write most pages once per
 * batch instead of once per thousand events. The service keeps the smaller default: its rebuild
 * shares the writer with live requests.
 */
export const BULK_REBUILD_BATCH_SIZE = 10_000;
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
  /** Needed to defer indexes (`options.deferIndexes`): how to find them. */
  dialect?: ReadStore['dialect'];
  options?: RebuildOptions;
}): Promise<RebuildProgress> {
  const { projection, store, lease, dialect, options = {} } = input;
  const deferIndexes = options.deferIndexes === true && dialect !== undefined;
  const tables = tablesToRebuild(projection);
  const clock = options.clock ?? (() => new Date());
  const batchSize = options.batchSize ?? DEFAULT_REBUILD_BATCH_SIZE;
  const readSize = Math.min(batchSize, READ_SIZE);
  // A read model that declares its types, on a store that can pass over the others itself.
  const { eventTypes } = projection;
  const readOfTypes = store.readAllOfTypes?.bind(store);
  const readTypes =
    eventTypes !== undefined && readOfTypes !== undefined
      ? (after: number, upTo: number) => readOfTypes({ after, upTo, types: eventTypes })
      : undefined;
  const signal = options.signal;
  const started = clock();
  let position = 0;
  let applied = 0;
  let head = await store.headPosition();
  const report = (done: boolean): RebuildProgress => {
    const seconds = (clock().getTime() - started.getTime()) / 1000;
    const eventsPerSecond = seconds > 0 ? applied / seconds : 0;
    // Not every position holds an event this read model applies (one that declares its types
    // reads only those; KurrentDB's positions have gaps): estimate the events left from how many
    // each position has held so far.
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
    if (deferIndexes)
      await deferSecondaryIndexes(tx, { dialect, projection: projection.name, tables });
  });
  report(false);
  const buildIndexes = async (): Promise<void> => {
    if (deferIndexes) await lease.transaction((tx) => createDeferredIndexes(tx, projection.name));
  };
  try {
    await applyLog();
  } catch (error) {
    // Stopped half way: the indexes are built over what was applied, for the worker that carries
    // on. Should that fail too (the lease is gone), the next start builds them
    // (restoreDeferredIndexes); the error to report is still the first one.
    await buildIndexes().catch(() => undefined);
    throw error;
  }
  await buildIndexes();
  return report(true);

  /**
   * The next events after `after`, at most `max` positions on: null when the log holds nothing
   * after it yet. `to` is the position read up to, `passed` how many events that passed over.
   */
  async function readChunk(after: number, max: number): Promise<LogChunk | null> {
    if (readTypes === undefined) {
      const events = await store.readAll({ after, maxCount: max });
      if (events.length === 0) return null;
      const to = events[events.length - 1]!.globalPosition;
      return { events, to, passed: events.length, more: events.length === max };
    }
    const known = await store.headPosition();
    if (known <= after) return null;
    const to = Math.min(known, after + max);
    const events = await readTypes(after, to);
    return { events, to, passed: to - after, more: to < known };
  }

  async function applyLog(): Promise<void> {
    let idleReads = 0;
    for (;;) {
      signal?.throwIfAborted();
      const first = await readChunk(position, readSize);
      if (first === null) {
        head = await store.headPosition();
        if (head <= position || idleReads >= IDLE_READS) return;
        idleReads += 1;
        await abortableSleep(IDLE_READ_MS, signal ?? new AbortController().signal);
        continue;
      }
      idleReads = 0;
      // One transaction of up to batchSize events, read and applied readSize at a time: the
      // commit (what costs) is shared by the whole batch, while only one read is in memory.
      let passed = 0;
      const to = await lease.transaction(async (tx) => {
        let chunk: LogChunk | null = first;
        let at = position;
        while (chunk !== null) {
          const moved = await advanceCheckpoint(tx, {
            name: projection.name,
            from: at,
            to: chunk.to,
            now: clock(),
          });
          if (!moved) throw new RebuildInterruptedError(projection.name, at);
          if (chunk.events.length > 0) await projection.apply(tx, chunk.events);
          at = chunk.to;
          passed += chunk.passed;
          if (!chunk.more || passed >= batchSize) break;
          chunk = await readChunk(at, Math.min(readSize, batchSize - passed));
        }
        return at;
      });
      position = to;
      applied += passed;
      head = Math.max(await store.headPosition(), position);
      report(false);
    }
  }
}

interface LogChunk {
  readonly events: readonly RecordedEvent[];
  readonly to: number;
  readonly passed: number;
  /** The read stopped at its limit: the log may go on. */
  readonly more: boolean;
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
  if (options.deferIndexes === true)
    await readStore.migrate(DEFERRED_INDEXES_OWNER, deferredIndexMigrations);
  const lease = await acquireLease(readStore, leaseNameOf(projection.name), {
    ...(options.leaseTimeoutMs !== undefined && { timeoutMs: options.leaseTimeoutMs }),
    ...(options.onWaiting !== undefined && { onWaiting: options.onWaiting }),
    ...(options.signal !== undefined && { signal: options.signal }),
  });
  try {
    return await rebuildProjection({
      projection,
      store,
      lease,
      dialect: readStore.dialect,
      options,
    });
  } finally {
    await lease.release();
  }
}
