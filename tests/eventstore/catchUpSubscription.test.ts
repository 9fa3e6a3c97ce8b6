import { StoreUnavailableError } from '../../src/eventstore/errors';
import pino from 'pino';
import { catchUpSubscription, type CatchUpSource } from '../../src/eventstore/catchUpSubscription';
import type {
  ReadAllOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../../src/eventstore/eventStore';
import { WakeSignal } from '../../src/eventstore/wakeSignal';

const A_MINUTE_MS = 60_000;

function recorded(globalPosition: number): RecordedEvent {
  return {
    eventId: `event-${globalPosition}`,
    type: 'PaymentReceived',
    schemaVersion: 1,
    streamId: 'agreement-1',
    streamVersion: globalPosition,
    globalPosition,
    data: { amountMinor: globalPosition * 100 },
    metadata: {
      occurredAt: '2024-03-01',
      recordedAt: '2024-03-01T10:00:00.000Z',
      actor: 'api-key:finance',
    },
  };
}

/** An in-memory global log: what the loop reads, with knobs for failures and slow reads. */
class FakeLog implements CatchUpSource {
  readonly events: RecordedEvent[] = [];
  readonly appended = new WakeSignal();
  readonly logger = pino({ level: 'silent' });
  /** `after` of every read, failed ones included. */
  readonly reads: number[] = [];
  /** How many of the next reads throw, as a locked file or a restarting server would. */
  failingReads = 0;
  /** While set, reads wait for it before they answer. */
  hold: Promise<void> | null = null;
  /** Runs after a read took its snapshot, before it answers. */
  afterRead: ((batch: readonly RecordedEvent[]) => void) | null = null;

  constructor(
    history = 0,
    readonly pollIntervalMs = A_MINUTE_MS,
  ) {
    this.write(history);
  }

  /** Commits `count` events without signalling them. */
  write(count: number): void {
    const head = this.events.length;
    for (let i = 1; i <= count; i += 1) this.events.push(recorded(head + i));
  }

  /** Commits `count` events and signals them, as a store does after each commit. */
  append(count: number): void {
    this.write(count);
    this.appended.notify();
  }

  async readAll({ after, maxCount }: ReadAllOptions): Promise<RecordedEvent[]> {
    this.reads.push(after);
    if (this.hold) await this.hold;
    if (this.failingReads > 0) {
      this.failingReads -= 1;
      throw new StoreUnavailableError('database is locked');
    }
    const batch = this.events.filter((event) => event.globalPosition > after).slice(0, maxCount);
    this.afterRead?.(batch);
    return batch;
  }
}

/** Records what the subscription delivers, as global positions per batch. */
function subscriber() {
  const batches: number[][] = [];
  const caughtUpAt: number[] = [];
  return {
    batches,
    caughtUpAt,
    handle: (events: readonly RecordedEvent[]): Promise<void> => {
      batches.push(events.map((event) => event.globalPosition));
      return Promise.resolve();
    },
    onCaughtUp: (position: number): void => {
      caughtUpAt.push(position);
    },
  };
}

/** Waits, turn by turn of the event loop, until the condition holds; fails after a second. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 1_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

async function nextTurns(count = 20): Promise<void> {
  for (let i = 0; i < count; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

describe('catchUpSubscription', () => {
  const running: Subscription[] = [];

  function subscribe(log: FakeLog, options: SubscribeOptions): Subscription {
    const subscription = catchUpSubscription(log, options);
    running.push(subscription);
    return subscription;
  }

  afterEach(async () => {
    await Promise.all(running.splice(0).map((subscription) => subscription.stop()));
    jest.useRealTimers();
  });

  describe('history', () => {
    it('delivers the events after the checkpoint in batches, in global order', async () => {
      const log = new FakeLog(7);
      const reader = subscriber();
      const subscription = subscribe(log, { after: 2, batchSize: 2, ...reader });
      expect(subscription.position).toBe(2);

      await until(() => reader.caughtUpAt.length > 0, 'caught up');
      expect(reader.batches).toEqual([[3, 4], [5, 6], [7]]);
      expect(log.reads).toEqual([2, 4, 6, 7]);
      expect(reader.caughtUpAt).toEqual([7]);
      expect(subscription.position).toBe(7);
    });

    it('reads 500 events at a time unless told otherwise', async () => {
      const log = new FakeLog(501);
      const reader = subscriber();
      subscribe(log, { after: 0, ...reader });
      await until(() => reader.caughtUpAt.length > 0, 'caught up');
      expect(reader.batches.map((batch) => batch.length)).toEqual([500, 1]);
    });

    it('reports being caught up at once on an empty log', async () => {
      const log = new FakeLog(0);
      const reader = subscriber();
      subscribe(log, { after: 0, ...reader });
      await until(() => reader.caughtUpAt.length > 0, 'caught up');
      expect(reader.caughtUpAt).toEqual([0]);
      expect(reader.batches).toEqual([]);
    });
  });

  describe('live', () => {
    it('sleeps when caught up and delivers what is appended when the store signals it', async () => {
      const log = new FakeLog(3);
      const reader = subscriber();
      const subscription = subscribe(log, { after: 0, ...reader });
      await until(() => reader.caughtUpAt.length === 1, 'caught up');
      const readsWhenCaughtUp = log.reads.length;
      await nextTurns();
      expect(log.reads).toHaveLength(readsWhenCaughtUp);

      log.append(2);
      await until(() => reader.caughtUpAt.length === 2, 'caught up again');
      expect(reader.batches).toEqual([
        [1, 2, 3],
        [4, 5],
      ]);
      expect(reader.caughtUpAt).toEqual([3, 5]);
      expect(subscription.position).toBe(5);
    });

    it('does not miss an append that lands after its last read and before it sleeps', async () => {
      const log = new FakeLog(1);
      const reader = subscriber();
      log.afterRead = (batch) => {
        if (batch.length > 0) return;
        log.afterRead = null;
        log.append(1);
      };
      subscribe(log, { after: 0, ...reader });
      // The poll is a minute away: only the signal's generation can wake the reader in time.
      await until(() => reader.batches.length === 2, 'the late append is delivered');
      expect(reader.batches).toEqual([[1], [2]]);
    });

    it('polls the log after pollIntervalMs when no signal comes', async () => {
      const log = new FakeLog(1, 10);
      const reader = subscriber();
      subscribe(log, { after: 0, ...reader });
      await until(() => reader.caughtUpAt.length === 1, 'caught up');
      log.write(1);
      await until(() => reader.batches.length === 2, 'the unsignalled event is delivered');
      expect(reader.batches).toEqual([[1], [2]]);
    });
  });

  describe('when the log cannot be read for good', () => {
    it('ends with the error instead of retrying forever', async () => {
      const log = new FakeLog(3);
      const broken = new Error('relation "events" does not exist');
      log.readAll = async () => Promise.reject(broken);
      const subscription = catchUpSubscription(log, {
        after: 0,
        handle: async () => Promise.resolve(),
      });
      await expect(subscription.finished).rejects.toBe(broken);
      expect(subscription.position).toBe(0);
    });
  });

  describe('when the log cannot be read', () => {
    beforeEach(() => {
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask', 'Date'] });
    });

    it('retries from the same position, without skipping or repeating an event', async () => {
      const log = new FakeLog(6);
      const reader = subscriber();
      log.afterRead = () => {
        log.afterRead = null;
        log.failingReads = 2;
      };
      subscribe(log, { after: 0, batchSize: 2, ...reader });

      await until(() => log.reads.length === 2, 'the first failed read');
      await jest.advanceTimersByTimeAsync(49);
      expect(log.reads).toEqual([0, 2]);
      await jest.advanceTimersByTimeAsync(1);
      await until(() => log.reads.length === 3, 'the second failed read');
      await jest.advanceTimersByTimeAsync(99);
      expect(log.reads).toEqual([0, 2, 2]);
      await jest.advanceTimersByTimeAsync(1);

      await until(() => reader.caughtUpAt.length > 0, 'caught up');
      expect(log.reads).toEqual([0, 2, 2, 2, 4, 6]);
      expect(reader.batches).toEqual([
        [1, 2],
        [3, 4],
        [5, 6],
      ]);
    });

    it('doubles the wait after each failure up to five seconds, and logs each retry', async () => {
      const log = new FakeLog(1);
      const warn = jest.spyOn(log.logger, 'warn');
      const reader = subscriber();
      log.failingReads = 9;
      subscribe(log, { after: 0, ...reader });

      while (reader.caughtUpAt.length === 0) {
        await nextTurns(2);
        await jest.advanceTimersByTimeAsync(50);
      }
      const waits = warn.mock.calls.map(([fields]) => (fields as { retryMs: number }).retryMs);
      expect(waits).toEqual([50, 100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000]);
      expect(reader.batches).toEqual([[1]]);
    });

    it('starts again from the shortest wait after a successful read', async () => {
      const log = new FakeLog(1);
      const warn = jest.spyOn(log.logger, 'warn');
      const reader = subscriber();
      log.failingReads = 3;
      subscribe(log, { after: 0, ...reader });
      await jest.advanceTimersByTimeAsync(50 + 100 + 200);
      await until(() => reader.caughtUpAt.length === 1, 'caught up');

      log.failingReads = 1;
      log.append(1);
      await until(() => warn.mock.calls.length === 4, 'the next failure');
      expect(warn.mock.calls[3]?.[0]).toMatchObject({ retryMs: 50, position: 1 });
    });
  });

  describe('a handler that throws', () => {
    it('rejects finished with its error and keeps the position of the last handled batch', async () => {
      const log = new FakeLog(6);
      const rejected = new Error('projection cannot apply event 3');
      let calls = 0;
      const subscription = subscribe(log, {
        after: 0,
        batchSize: 2,
        handle: (events) => {
          calls += 1;
          return events[0]?.globalPosition === 3 ? Promise.reject(rejected) : Promise.resolve();
        },
      });

      await expect(subscription.finished).rejects.toBe(rejected);
      expect(subscription.position).toBe(2);
      const readsAtFailure = log.reads.length;
      log.append(1);
      await nextTurns();
      expect(calls).toBe(2);
      expect(log.reads).toHaveLength(readsAtFailure);
    });
  });

  describe('stop', () => {
    it('ends a subscription that sleeps, and no handler runs afterwards', async () => {
      const log = new FakeLog(2);
      const reader = subscriber();
      const subscription = subscribe(log, { after: 0, ...reader });
      await until(() => reader.caughtUpAt.length === 1, 'caught up');

      await subscription.stop();
      await expect(subscription.finished).resolves.toBeUndefined();
      const readsAtStop = log.reads.length;
      log.append(3);
      await nextTurns();
      expect(reader.batches).toEqual([[1, 2]]);
      expect(log.reads).toHaveLength(readsAtStop);
    });

    it('does not hand over a batch whose read was still running when it stopped', async () => {
      const log = new FakeLog(2);
      const reader = subscriber();
      const readRuns = deferred();
      log.hold = readRuns.promise;
      const subscription = subscribe(log, { after: 0, ...reader });
      await until(() => log.reads.length === 1, 'the read started');

      const stopped = subscription.stop();
      readRuns.resolve();
      await stopped;
      expect(reader.batches).toEqual([]);
      expect(subscription.position).toBe(0);
    });

    it('waits for the running handler, then hands over nothing more', async () => {
      const log = new FakeLog(4);
      const handlerRuns = deferred();
      const handled: number[][] = [];
      const subscription = subscribe(log, {
        after: 0,
        batchSize: 2,
        handle: async (events) => {
          handled.push(events.map((event) => event.globalPosition));
          await handlerRuns.promise;
        },
      });
      await until(() => handled.length === 1, 'the handler started');

      let stopped = false;
      void subscription.stop().then(() => {
        stopped = true;
      });
      await nextTurns();
      expect(stopped).toBe(false);

      handlerRuns.resolve();
      await until(() => stopped, 'stopped');
      expect(handled).toEqual([[1, 2]]);
      expect(subscription.position).toBe(2);
    });

    it('ends a subscription that is waiting to retry, and reads no more', async () => {
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask', 'Date'] });
      const log = new FakeLog(1);
      log.failingReads = Number.POSITIVE_INFINITY;
      const subscription = subscribe(log, { after: 0, ...subscriber() });
      await until(() => log.reads.length === 1, 'the first failed read');

      let stopped = false;
      void subscription.stop().then(() => {
        stopped = true;
      });
      await until(() => stopped, 'stopped without waiting for the retry');
      await jest.advanceTimersByTimeAsync(10_000);
      expect(log.reads).toEqual([0]);
      expect(jest.getTimerCount()).toBe(0);
    });
  });
});
