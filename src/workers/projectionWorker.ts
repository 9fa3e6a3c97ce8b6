import { abortableSleep } from '../eventstore/abortableSleep';
import type { Logger } from 'pino';
import type { Projection } from '../../projections/projection';
import type { EventStore, RecordedEvent, Subscription } from '../eventstore/eventStore';
import type { Lease, ReadStore } from '../readstore/readStore';
import { advanceCheckpoint, readCheckpoint } from './checkpoints';
import { LeaseLostError } from '../readstore/leaseLostError';

export interface ProjectionWorkerOptions {
  readonly projection: Projection;
  readonly store: EventStore;
  readonly readStore: ReadStore;
  readonly logger: Logger;
  readonly clock?: () => Date;
  /** How often a process that does not lead asks again. */
  readonly leaseRetryMs?: number;
  readonly batchSize?: number;
}

export interface ProjectionStatus {
  readonly name: string;
  readonly leading: boolean;
  /** The checkpoint: the global position of the last event applied (as far as this process knows). */
  readonly position: number;
}

/** Another process moved the checkpoint under us: it leads now, and this batch must not be applied. */
class CheckpointMovedError extends Error {
  constructor(name: string, from: number) {
    super(
      `the checkpoint of ${name} is no longer at ${from}: another process applied these events`,
    );
    this.name = 'CheckpointMovedError';
  }
}

/**
 * Keeps one projection up to date. In every process that runs it, the worker competes for the
 * projection's lease; the leader subscribes from the stored checkpoint and applies each batch in
 * one transaction with the checkpoint (compare and set, fenced by the lease). When the leader
 * dies, its lease goes with it and another process takes over from the checkpoint it left.
 */
export class ProjectionWorker {
  private readonly clock: () => Date;
  private readonly leaseRetryMs: number;
  private readonly stopping = new AbortController();
  private leading = false;
  private position = 0;
  private running: Promise<void> | null = null;
  private failureBackoffMs = 0;
  /**
   * Ends the current term (asking for the lease, leading, or waiting to ask again): aborted by
   * `stop` and by `whilePaused`. A fresh one per term, created in the same turn as the loop
   * checks `stopping` and `pause`, so neither can slip between the check and the term.
   */
  private term = new AbortController();
  private pause: { resumed: Promise<void>; parked: () => void } | null = null;

  constructor(private readonly options: ProjectionWorkerOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.leaseRetryMs = options.leaseRetryMs ?? 1_000;
  }

  get status(): ProjectionStatus {
    return { name: this.options.projection.name, leading: this.leading, position: this.position };
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.term.abort();
    await this.running;
  }

  /**
   * Ends this worker's term (it stops applying and releases the lease), runs `work`, then lets
   * it compete for the lease again, from whatever checkpoint `work` left. How a rebuild in this
   * process takes the lease its own worker holds. One pause at a time.
   */
  async whilePaused<T>(work: () => Promise<T>): Promise<T> {
    if (this.pause !== null)
      throw new Error(`the worker of ${this.options.projection.name} is paused already`);
    let resume!: () => void;
    let parked!: () => void;
    const resumed = new Promise<void>((resolve) => (resume = resolve));
    const isParked = new Promise<void>((resolve) => (parked = resolve));
    this.pause = { resumed, parked };
    this.term.abort();
    try {
      // A worker that never started or has stopped holds nothing: nothing to wait for.
      await Promise.race([isParked, this.running ?? Promise.resolve()]);
      return await work();
    } finally {
      this.pause = null;
      resume();
    }
  }

  private async run(): Promise<void> {
    const { projection, readStore, logger } = this.options;
    const log = logger.child({ projection: projection.name });
    while (!this.stopping.signal.aborted) {
      if (this.pause !== null) {
        const { resumed, parked } = this.pause;
        log.info('paused');
        parked();
        await Promise.race([resumed, abortedPromise(this.stopping.signal)]);
        continue;
      }
      this.term = new AbortController();
      const ending = this.term.signal;
      let lease: Lease | null = null;
      try {
        lease = await readStore.tryAcquireLease(`projection:${projection.name}`);
      } catch (error) {
        log.warn({ err: error }, 'cannot ask for the projection lease');
      }
      if (lease === null) {
        await abortableSleep(this.leaseRetryMs, ending);
        continue;
      }
      let failed = false;
      try {
        await this.lead(lease, log, ending);
      } catch (error) {
        if (error instanceof LeaseLostError || error instanceof CheckpointMovedError) {
          // Another process leads now: the normal end of this one's term, not a failure.
          log.warn({ err: error }, 'another process leads the projection now');
        } else {
          failed = true;
          log.error(
            { err: error, retryMs: this.failureBackoffMs },
            'projection stopped; it resumes from its checkpoint',
          );
        }
      } finally {
        this.leading = false;
        await lease.release();
      }
      // A batch that fails will likely fail again: back off (up to a minute) instead of spinning.
      this.failureBackoffMs = failed
        ? Math.min(Math.max(this.failureBackoffMs * 2, this.leaseRetryMs), 60_000)
        : 0;
      if (!ending.aborted)
        await abortableSleep(Math.max(this.leaseRetryMs, this.failureBackoffMs), ending);
    }
  }

  /** Applies batches while this process holds the lease; returns when it stops or loses it. */
  private async lead(lease: Lease, log: Logger, termEnding: AbortSignal): Promise<void> {
    const { projection, store } = this.options;
    if (termEnding.aborted) return;
    this.position = await lease.transaction((tx) => readCheckpoint(tx, projection.name));
    this.leading = true;
    log.info({ position: this.position }, 'leading the projection');
    const subscription: Subscription = store.subscribe({
      after: this.position,
      ...(this.options.batchSize !== undefined && { batchSize: this.options.batchSize }),
      handle: (events) => this.applyBatch(lease, events),
    });
    // One signal for this term: its listener goes away with it.
    const ending = AbortSignal.any([lease.lost, termEnding]);
    const ended = new Promise<void>((resolve) => {
      if (ending.aborted) resolve();
      ending.addEventListener('abort', () => resolve(), { once: true });
    });
    try {
      await Promise.race([subscription.finished, ended]);
      if (lease.lost.aborted) log.warn('lost the projection lease');
    } finally {
      await subscription.stop();
    }
  }

  private async applyBatch(lease: Lease, events: readonly RecordedEvent[]): Promise<void> {
    const { projection } = this.options;
    const from = this.position;
    const to = events[events.length - 1]!.globalPosition;
    await lease.transaction(async (tx) => {
      if (!(await advanceCheckpoint(tx, { name: projection.name, from, to, now: this.clock() }))) {
        throw new CheckpointMovedError(projection.name, from);
      }
      await projection.apply(tx, events);
    });
    this.position = to;
  }
}

function abortedPromise(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
