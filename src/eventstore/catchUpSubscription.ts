import { abortableSleep } from './abortableSleep';
import type { Logger } from 'pino';
import type { ReadAllOptions, RecordedEvent, SubscribeOptions, Subscription } from './eventStore';
import type { WakeSignal } from './wakeSignal';

export interface CatchUpSource {
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Fired after each commit that appended events. */
  readonly appended: WakeSignal;
  /** A safety net only (writers in other processes, notifications lost while reconnecting). */
  readonly pollIntervalMs: number;
  readonly logger: Logger;
}

const DEFAULT_BATCH_SIZE = 500;
const RETRY_INITIAL_MS = 50;
const RETRY_MAX_MS = 5_000;

/**
 * A catch-up subscription over any store that can read its global log in order: it reads history
 * from the checkpoint in batches, then sleeps until the store signals an append. When the store
 * cannot be read (a restarting server, a locked file) it retries with backoff from the same
 * position, so it never skips or repeats an event. A handler that throws ends the subscription:
 * the subscriber's checkpoint stays at the last batch it handled.
 */
export function catchUpSubscription(
  source: CatchUpSource,
  options: SubscribeOptions,
): Subscription {
  const abort = new AbortController();
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  let position = options.after;

  async function run(): Promise<void> {
    let retryMs = RETRY_INITIAL_MS;
    while (!abort.signal.aborted) {
      const generation = source.appended.generation;
      let batch: RecordedEvent[];
      try {
        batch = await source.readAll({ after: position, maxCount: batchSize });
        retryMs = RETRY_INITIAL_MS;
      } catch (error) {
        if (abort.signal.aborted) return;
        // Only an unreachable store is worth waiting for; anything else (a missing table, a
        // record that cannot be decoded, a closed store) would fail forever: end and say so.
        if (!isRetryable(error)) throw error;
        source.logger.warn(
          { err: error, position, retryMs },
          'subscription cannot read the log; retrying',
        );
        await abortableSleep(retryMs, abort.signal);
        retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
        continue;
      }
      if (abort.signal.aborted) return;
      if (batch.length === 0) {
        options.onCaughtUp?.(position);
        await source.appended.wait(generation, source.pollIntervalMs, abort.signal);
        continue;
      }
      await options.handle(batch);
      position = batch[batch.length - 1]!.globalPosition;
    }
  }

  const finished = run();
  // Observed here so that an unobserved failure is not an unhandled rejection; callers see it
  // through `finished`.
  finished.catch(() => undefined);
  return {
    get position() {
      return position;
    },
    finished,
    async stop() {
      abort.abort();
      await finished.catch(() => undefined);
    },
  };
}

function isRetryable(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'store-unavailable';
}
