import { randomUUID } from 'node:crypto';
import {
  EventIdConflictError,
  InvalidAppendError,
  StoreClosedError,
  WrongExpectedVersionError,
} from '../../src/eventstore/errors';
import type { EventStore, NewEvent, RecordedEvent } from '../../src/eventstore/eventStore';
import type { JsonObject } from '../../src/eventstore/json';

export interface HarnessOpenOptions {
  readonly clock?: () => Date;
  /** The safety-net poll; the contract sets it to a minute to prove that notifications wake readers. */
  readonly pollIntervalMs?: number;
}

/** What each adapter's test file provides so that the one contract runs unchanged against it. */
export interface EventStoreHarness {
  /** Opens a store on the shared storage, as another process would (its own connections). */
  open(options?: HarnessOpenOptions): Promise<EventStore>;
  /** Drops every connection to the server, as a server restart does. Absent for embedded stores. */
  readonly restartServer?: () => Promise<void>;
  dispose(): Promise<void>;
}

const A_MINUTE_MS = 60_000;

export function newEvent(data: JsonObject = {}, overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'PaymentReceived',
    schemaVersion: 1,
    data,
    metadata: { occurredAt: '2008-02-01', actor: 'test:contract', correlationId: 'c-1' },
    ...overrides,
  };
}

function streamName(prefix = 'agreement'): string {
  return `${prefix}-${randomUUID()}`;
}

function numbered(count: number, from = 1): NewEvent[] {
  return Array.from({ length: count }, (_, i) => newEvent({ n: from + i }));
}

/** Collects what a subscription delivers and lets a test wait for a condition on it. */
class Collector {
  readonly events: RecordedEvent[] = [];
  private waiters: (() => void)[] = [];

  readonly handle = async (batch: readonly RecordedEvent[]): Promise<void> => {
    this.events.push(...batch);
    for (const wake of this.waiters.splice(0)) wake();
    return Promise.resolve();
  };

  async waitFor(
    predicate: (events: RecordedEvent[]) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.events)) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what} (have ${this.events.length})`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

export interface ContractCapabilities {
  /** The store talks to a server that the harness can restart (restartServer is given). */
  readonly serverRestart: boolean;
}

export function eventStoreContract(
  name: string,
  createHarness: () => Promise<EventStoreHarness>,
  capabilities: ContractCapabilities,
): void {
  describe(`${name}: event store contract`, () => {
    let harness: EventStoreHarness;
    let store: EventStore;

    beforeAll(async () => {
      harness = await createHarness();
      store = await harness.open({ pollIntervalMs: A_MINUTE_MS });
    });

    afterAll(async () => {
      await store?.close();
      await harness?.dispose();
    });

    async function logSince(position: number): Promise<RecordedEvent[]> {
      const events: RecordedEvent[] = [];
      for (let after = position; ;) {
        const page = await store.readAll({ after, maxCount: 1_000 });
        if (page.length === 0) return events;
        events.push(...page);
        after = page[page.length - 1]!.globalPosition;
      }
    }

    describe('appending', () => {
      it('stores the full envelope and numbers a new stream from version 1', async () => {
        const stream = streamName();
        const event = newEvent(
          { amount: '1500000.00', currency: 'USD' },
          {
            type: 'MilestoneTriggered',
            schemaVersion: 2,
            metadata: {
              occurredAt: '2008-02-01T14:30:00Z',
              actor: 'integration:biogen-erp',
              source: 'webhook:msg_p5jXN8AQM9LWM0D4loKWxJek',
              correlationId: 'corr-1',
              causationId: randomUUID(),
            },
          },
        );
        const before = await store.headPosition();
        const result = await store.append(stream, [event], { expectedVersion: 'no-stream' });

        expect(result.streamVersion).toBe(1);
        expect(result.alreadyAppended).toBe(false);
        expect(result.globalPosition).toBeGreaterThan(before);
        expect(await store.headPosition()).toBe(result.globalPosition);
        const [stored] = await store.readStream(stream);
        expect(stored).toEqual({
          eventId: event.eventId,
          type: 'MilestoneTriggered',
          schemaVersion: 2,
          streamId: stream,
          streamVersion: 1,
          globalPosition: result.globalPosition,
          data: { amount: '1500000.00', currency: 'USD' },
          metadata: {
            ...event.metadata,
            recordedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
          },
        });
      });

      it('reports each event of an append with its stream version and global position', async () => {
        const stream = streamName();
        await store.append(stream, numbered(2), { expectedVersion: 'no-stream' });
        const result = await store.append(stream, numbered(3, 3), { expectedVersion: 2 });
        expect(result.streamVersion).toBe(5);
        expect(result.events.map((event) => event.streamVersion)).toEqual([3, 4, 5]);
        const positions = result.events.map((event) => event.globalPosition);
        expect(positions).toEqual([...positions].sort((a, b) => a - b));
        expect(result.globalPosition).toBe(positions[2]);
        const stored = await store.readStream(stream, { fromVersion: 3 });
        expect(stored.map((event) => [event.eventId, event.globalPosition])).toEqual(
          result.events.map((event) => [event.eventId, event.globalPosition]),
        );
      });

      it('sets the record time itself, never earlier than the event before it, even when the clock steps back', async () => {
        let now = new Date('2030-01-01T00:00:05.000Z');
        const clocked = await harness.open({ clock: () => now, pollIntervalMs: A_MINUTE_MS });
        try {
          const stream = streamName();
          await clocked.append(stream, [newEvent()], { expectedVersion: 'no-stream' });
          now = new Date('2030-01-01T00:00:01.000Z');
          await clocked.append(stream, [newEvent()], { expectedVersion: 1 });
          const events = await clocked.readStream(stream);
          expect(events.map((event) => event.metadata.recordedAt)).toEqual([
            '2030-01-01T00:00:05.000Z',
            '2030-01-01T00:00:05.000Z',
          ]);
        } finally {
          await clocked.close();
        }
      });
    });

    describe('expected versions', () => {
      it('accepts no-stream only for a stream that has no events', async () => {
        const stream = streamName();
        await store.append(stream, [newEvent()], { expectedVersion: 'no-stream' });
        await expect(
          store.append(stream, [newEvent()], { expectedVersion: 'no-stream' }),
        ).rejects.toMatchObject({
          code: 'wrong-expected-version',
          streamId: stream,
          expected: 'no-stream',
          actual: 1,
        });
      });

      it('accepts exists only for a stream that has events', async () => {
        const stream = streamName();
        await expect(
          store.append(stream, [newEvent()], { expectedVersion: 'exists' }),
        ).rejects.toBeInstanceOf(WrongExpectedVersionError);
        await store.append(stream, [newEvent()], { expectedVersion: 'any' });
        await expect(
          store.append(stream, [newEvent()], { expectedVersion: 'exists' }),
        ).resolves.toMatchObject({
          streamVersion: 2,
        });
      });

      it('accepts an exact version only when it is the current one', async () => {
        const stream = streamName();
        await store.append(stream, numbered(3), { expectedVersion: 0 });
        await expect(
          store.append(stream, [newEvent()], { expectedVersion: 2 }),
        ).rejects.toMatchObject({
          code: 'wrong-expected-version',
          actual: 3,
        });
        await expect(
          store.append(stream, [newEvent()], { expectedVersion: 4 }),
        ).rejects.toBeInstanceOf(WrongExpectedVersionError);
        await expect(
          store.append(stream, [newEvent()], { expectedVersion: 3 }),
        ).resolves.toMatchObject({
          streamVersion: 4,
        });
      });

      it('writes nothing when the expected version is wrong', async () => {
        const stream = streamName();
        await store.append(stream, [newEvent()], { expectedVersion: 'no-stream' });
        const head = await store.headPosition();
        await expect(
          store.append(stream, numbered(3), { expectedVersion: 5 }),
        ).rejects.toBeInstanceOf(WrongExpectedVersionError);
        expect(await store.headPosition()).toBe(head);
        expect(await store.readStream(stream)).toHaveLength(1);
      });

      it('lets exactly one of many concurrent writers with the same expected version win', async () => {
        const stream = streamName();
        await store.append(stream, [newEvent()], { expectedVersion: 'no-stream' });
        const other = await harness.open({ pollIntervalMs: A_MINUTE_MS });
        try {
          const attempts = Array.from({ length: 20 }, (_, i) =>
            (i % 2 === 0 ? store : other).append(stream, [newEvent({ writer: i })], {
              expectedVersion: 1,
            }),
          );
          const outcomes = await Promise.allSettled(attempts);
          const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
          const lost = outcomes.filter((outcome) => outcome.status === 'rejected');
          expect(won).toHaveLength(1);
          for (const outcome of lost)
            expect(outcome.reason).toBeInstanceOf(WrongExpectedVersionError);
          expect(await store.readStream(stream)).toHaveLength(2);
        } finally {
          await other.close();
        }
      });
    });

    describe('idempotency on event ids', () => {
      it('treats the same events appended again as a no-op that reports the original positions', async () => {
        const stream = streamName();
        const events = numbered(3);
        const first = await store.append(stream, events, { expectedVersion: 'no-stream' });
        await store.append(stream, [newEvent()], { expectedVersion: 3 });
        const head = await store.headPosition();

        const retry = await store.append(stream, events, { expectedVersion: 'no-stream' });

        expect(retry).toEqual({ ...first, alreadyAppended: true });
        expect(await store.headPosition()).toBe(head);
        expect(await store.readStream(stream)).toHaveLength(4);
      });

      it('answers many concurrent retries of one append with one write', async () => {
        const stream = streamName();
        const events = numbered(2);
        const other = await harness.open({ pollIntervalMs: A_MINUTE_MS });
        try {
          const results = await Promise.all(
            Array.from({ length: 12 }, (_, i) =>
              (i % 2 ? store : other).append(stream, events, { expectedVersion: 'any' }),
            ),
          );
          expect(results.filter((result) => !result.alreadyAppended)).toHaveLength(1);
          expect(new Set(results.map((result) => result.globalPosition)).size).toBe(1);
          expect(await store.readStream(stream)).toHaveLength(2);
        } finally {
          await other.close();
        }
      });

      it('rejects an event id appended again with different data', async () => {
        const stream = streamName();
        const event = newEvent({ amount: '100.00' });
        await store.append(stream, [event], { expectedVersion: 'no-stream' });
        await expect(
          store.append(stream, [{ ...event, data: { amount: '100.01' } }], {
            expectedVersion: 'any',
          }),
        ).rejects.toMatchObject({ code: 'event-id-conflict', eventId: event.eventId });
      });

      it('rejects an event id appended again with a different type, schema version or metadata', async () => {
        const stream = streamName();
        const event = newEvent();
        await store.append(stream, [event], { expectedVersion: 'no-stream' });
        for (const changed of [
          { ...event, type: 'PaymentApplied' },
          { ...event, schemaVersion: 2 },
          { ...event, metadata: { ...event.metadata, actor: 'someone-else' } },
        ]) {
          await expect(
            store.append(stream, [changed], { expectedVersion: 'any' }),
          ).rejects.toBeInstanceOf(EventIdConflictError);
        }
      });

      it('rejects an event id that was appended to another stream', async () => {
        const event = newEvent();
        await store.append(streamName(), [event], { expectedVersion: 'no-stream' });
        await expect(
          store.append(streamName(), [event], { expectedVersion: 'no-stream' }),
        ).rejects.toBeInstanceOf(EventIdConflictError);
      });

      it('rejects an append that repeats only some events of an earlier one, writing none of it', async () => {
        const stream = streamName();
        const [first, second] = numbered(2);
        await store.append(stream, [first!], { expectedVersion: 'no-stream' });
        await expect(
          store.append(stream, [first!, second!], { expectedVersion: 'any' }),
        ).rejects.toBeInstanceOf(EventIdConflictError);
        expect(await store.readStream(stream)).toHaveLength(1);
      });

      it('treats event ids case-insensitively, as UUIDs', async () => {
        const stream = streamName();
        const event = newEvent();
        await store.append(stream, [event], { expectedVersion: 'no-stream' });
        const retry = await store.append(
          stream,
          [{ ...event, eventId: event.eventId.toUpperCase() }],
          {
            expectedVersion: 'any',
          },
        );
        expect(retry.alreadyAppended).toBe(true);
      });
    });

    describe('bad input', () => {
      it.each<[string, () => [string, NewEvent[]], string]>([
        ['an empty append', () => [streamName(), []], '/events'],
        ['an invalid stream id', () => ['$all', [newEvent()]], '/streamId'],
        [
          'an event id that is not a UUID',
          () => [streamName(), [newEvent({}, { eventId: 'evt-1' })]],
          '/events/0/eventId',
        ],
        ['an empty type', () => [streamName(), [newEvent({}, { type: '' })]], '/events/0/type'],
        [
          'a schema version of 0',
          () => [streamName(), [newEvent({}, { schemaVersion: 0 })]],
          '/events/0/schemaVersion',
        ],
        [
          'a malformed occurredAt',
          () => [
            streamName(),
            [newEvent({}, { metadata: { occurredAt: '1 Feb 2008', actor: 'a' } })],
          ],
          '/events/0/metadata/occurredAt',
        ],
        [
          'an empty actor',
          () => [
            streamName(),
            [newEvent({}, { metadata: { occurredAt: '2008-02-01', actor: '' } })],
          ],
          '/events/0/metadata/actor',
        ],
        [
          'an unknown metadata member',
          () => [
            streamName(),
            [
              newEvent(
                {},
                {
                  metadata: {
                    occurredAt: '2008-02-01',
                    actor: 'a',
                    reviewer: 'b',
                  } as NewEvent['metadata'],
                },
              ),
            ],
          ],
          '/events/0/metadata/reviewer',
        ],
        [
          'data with an unpaired surrogate',
          () => [streamName(), [newEvent({ name: 'x\ud800' })]],
          '/events/0/data/name',
        ],
        [
          'data with a hole in an array',
          // eslint-disable-next-line no-sparse-arrays
          () => [streamName(), [newEvent({ lines: [1, , 3] as number[] })]],
          '/events/0/data/lines/1',
        ],
        [
          'data with NaN',
          () => [streamName(), [newEvent({ amount: Number.NaN })]],
          '/events/0/data/amount',
        ],
        [
          'data with a Date',
          () => [streamName(), [newEvent({ on: new Date() as unknown as string })]],
          '/events/0/data/on',
        ],
        [
          'data with undefined in an array',
          () => [streamName(), [newEvent({ lines: [1, undefined as unknown as number] })]],
          '/events/0/data/lines/1',
        ],
        [
          'the same event id twice',
          () => {
            const event = newEvent();
            return [streamName(), [event, { ...event }]];
          },
          '/events/1/eventId',
        ],
      ])(
        'rejects %s with the pointer to the bad field and writes nothing',
        async (_, input, pointer) => {
          const head = await store.headPosition();
          const [stream, events] = input();
          const failure = store.append(stream, events, { expectedVersion: 'any' });
          await expect(failure).rejects.toBeInstanceOf(InvalidAppendError);
          await expect(failure).rejects.toMatchObject({ pointer });
          expect(await store.headPosition()).toBe(head);
        },
      );
    });

    describe('reading', () => {
      it('reads a stream forwards and backwards from a version, with a maximum count', async () => {
        const stream = streamName();
        await store.append(stream, numbered(10), { expectedVersion: 'no-stream' });
        const versions = (events: RecordedEvent[]): number[] =>
          events.map((event) => event.streamVersion);

        expect(versions(await store.readStream(stream))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        expect(versions(await store.readStream(stream, { fromVersion: 4, maxCount: 3 }))).toEqual([
          4, 5, 6,
        ]);
        expect(
          versions(await store.readStream(stream, { direction: 'backwards', maxCount: 3 })),
        ).toEqual([10, 9, 8]);
        expect(
          versions(await store.readStream(stream, { direction: 'backwards', fromVersion: 2 })),
        ).toEqual([2, 1]);
        expect(await store.readStream(stream, { fromVersion: 11 })).toEqual([]);
        expect(await store.readStream(streamName())).toEqual([]);
      });

      it('reads the global log in append order, page by page, across streams', async () => {
        const before = await store.headPosition();
        const streams = [streamName(), streamName(), streamName()];
        const appended: string[] = [];
        for (let round = 0; round < 5; round++) {
          for (const stream of streams) {
            const events = numbered(2, round * 2);
            await store.append(stream, events, { expectedVersion: round * 2 });
            appended.push(...events.map((event) => event.eventId));
          }
        }
        const paged: RecordedEvent[] = [];
        for (let after = before; ;) {
          const page = await store.readAll({ after, maxCount: 4 });
          if (page.length === 0) break;
          expect(page.length).toBeLessThanOrEqual(4);
          paged.push(...page);
          after = page[page.length - 1]!.globalPosition;
        }
        expect(paged.map((event) => event.eventId)).toEqual(appended);
        const positions = paged.map((event) => event.globalPosition);
        for (let i = 1; i < positions.length; i++)
          expect(positions[i]).toBeGreaterThan(positions[i - 1]!);
      });

      it('gives every one of many concurrent appends to different streams its own place in one total order', async () => {
        const before = await store.headPosition();
        const other = await harness.open({ pollIntervalMs: A_MINUTE_MS });
        try {
          const results = await Promise.all(
            Array.from({ length: 60 }, (_, i) =>
              (i % 3 === 0 ? other : store).append(streamName('product'), numbered(1 + (i % 3)), {
                expectedVersion: 'no-stream',
              }),
            ),
          );
          const positions = results.flatMap((result) =>
            result.events.map((event) => event.globalPosition),
          );
          expect(new Set(positions).size).toBe(positions.length);
          const log = await logSince(before);
          expect(log.map((event) => event.globalPosition).sort((a, b) => a - b)).toEqual(
            [...positions].sort((a, b) => a - b),
          );
          expect(log.map((event) => event.globalPosition)).toEqual(
            [...positions].sort((a, b) => a - b),
          );
        } finally {
          await other.close();
        }
      });

      it('keeps a long stream of 10,000 events in order, forwards and backwards', async () => {
        const stream = streamName();
        for (let from = 1; from <= 10_000; from += 500) {
          await store.append(stream, numbered(500, from), { expectedVersion: from - 1 });
        }
        const forwards = await store.readStream(stream);
        expect(forwards).toHaveLength(10_000);
        forwards.forEach((event, i) => {
          expect(event.streamVersion).toBe(i + 1);
          expect(event.data).toEqual({ n: i + 1 });
        });
        const backwards = await store.readStream(stream, { direction: 'backwards' });
        expect(backwards.map((event) => event.eventId)).toEqual(
          forwards.map((event) => event.eventId).reverse(),
        );
        const middle = await store.readStream(stream, { fromVersion: 7_777, maxCount: 2 });
        expect(middle.map((event) => event.data)).toEqual([{ n: 7_777 }, { n: 7_778 }]);
        await expect(
          store.append(stream, [newEvent()], { expectedVersion: 10_000 }),
        ).resolves.toMatchObject({
          streamVersion: 10_001,
        });
      }, 120_000);

      it('keeps a member named __proto__ as data, as JSON.parse gave it', async () => {
        const stream = streamName();
        const data = JSON.parse('{"__proto__":{"polluted":true},"amount":"1.00"}') as JsonObject;
        await store.append(stream, [newEvent(data)], { expectedVersion: 'no-stream' });
        const [stored] = await store.readStream(stream);
        expect(Object.keys(stored!.data)).toEqual(['__proto__', 'amount']);
        expect(JSON.stringify(stored!.data)).toBe(
          '{"__proto__":{"polluted":true},"amount":"1.00"}',
        );
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      });

      it('gives back large and unicode payloads exactly', async () => {
        const stream = streamName();
        const unicode = {
          'clé 🔑': 'Ünïcödé ✓ 日本語 العربية עברית 🇯🇵👩‍🔬 e\u0301',
          nul: 'before\u0000after',
          quotes: '"\'\\/\n\t\r\b\f',
          nested: {
            deep: [1, -0.5, 1e21, 123456789012345, true, false, null, { ключ: 'значение' }],
          },
        };
        const large = {
          blob: 'x'.repeat(1_500_000),
          lines: Array.from({ length: 5_000 }, (_, i) => ({ country: 'JP', n: i })),
        };
        await store.append(stream, [newEvent(unicode), newEvent(large)], {
          expectedVersion: 'no-stream',
        });
        const [first, second] = await store.readStream(stream);
        expect(first!.data).toEqual(unicode);
        expect(second!.data).toEqual(large);
        const viaLog = await store.readAll({ after: first!.globalPosition - 1, maxCount: 2 });
        expect(viaLog.map((event) => event.data)).toEqual([unicode, large]);
      });
    });

    describe('reading by event type', () => {
      const TYPES = ['PaymentReceived', 'RoyaltyAccrued', 'MilestoneTriggered'];

      /** Twelve events, three types in turn, across two streams: the first at `before` + 1. */
      async function appendMixed(): Promise<number> {
        const before = await store.headPosition();
        const streams = [streamName(), streamName()];
        for (let i = 0; i < 12; i++)
          await store.append(streams[i % 2]!, [newEvent({ n: i }, { type: TYPES[i % 3]! })], {
            expectedVersion: 'any',
          });
        return before;
      }

      it('reads only the events of the types asked for, after a position and up to another, as readAll gives them', async () => {
        const readAllOfTypes = store.readAllOfTypes?.bind(store);
        if (readAllOfTypes === undefined) {
          // Optional in the port: a rebuild reads such a store whole, with readAll.
          process.stderr.write(`${name} has no readAllOfTypes: its reading by type is skipped\n`);
          return;
        }
        const before = await appendMixed();
        const log = await logSince(before);
        const head = before + 12;
        expect(log.map((event) => event.globalPosition)).toEqual(
          Array.from({ length: 12 }, (_, i) => before + 1 + i),
        );
        const expected = (after: number, upTo: number, types: readonly string[]) =>
          log.filter(
            (event) =>
              event.globalPosition > after &&
              event.globalPosition <= upTo &&
              types.includes(event.type),
          );

        // `after` is excluded and `upTo` included: both fall on a RoyaltyAccrued here.
        const bounded = await readAllOfTypes({
          after: before + 2,
          upTo: before + 8,
          types: ['RoyaltyAccrued'],
        });
        expect(bounded.map((event) => event.globalPosition)).toEqual([before + 5, before + 8]);
        expect(bounded).toEqual(expected(before + 2, before + 8, ['RoyaltyAccrued']));

        const cases: [after: number, upTo: number, types: string[]][] = [
          [before, head, ['PaymentReceived']],
          [before, head, ['MilestoneTriggered', 'PaymentReceived']],
          [before + 1, head - 1, TYPES],
          [before + 9, head + 100, TYPES],
          [before + 4, before + 4, TYPES],
          [before, head, []],
          [before, head, ['NoSuchType']],
        ];
        for (const [after, upTo, types] of cases)
          expect([after, upTo, types, await readAllOfTypes({ after, upTo, types })]).toEqual([
            after,
            upTo,
            types,
            expected(after, upTo, types),
          ]);
        expect(expected(before, head, ['PaymentReceived'])).toHaveLength(4);
      });
    });

    describe('catch-up subscriptions', () => {
      it('reads history from a checkpoint, then follows live appends without polling', async () => {
        const stream = streamName();
        const start = await store.headPosition();
        await store.append(stream, numbered(5), { expectedVersion: 'no-stream' });
        const collector = new Collector();
        let caughtUp = -1;
        const subscription = store.subscribe({
          after: start,
          handle: collector.handle,
          onCaughtUp: (position) => (caughtUp = position),
          batchSize: 2,
        });
        try {
          await collector.waitFor((events) => events.length >= 5, 10_000, 'history');
          expect(collector.events.map((event) => event.data)).toEqual([
            { n: 1 },
            { n: 2 },
            { n: 3 },
            { n: 4 },
            { n: 5 },
          ]);

          // The safety-net poll is a minute here: only a notification can deliver within seconds.
          // The writer is another store instance with its own connections, as another process.
          const writer = await harness.open({ pollIntervalMs: A_MINUTE_MS });
          try {
            await writer.append(stream, numbered(2, 6), { expectedVersion: 5 });
            await collector.waitFor(
              (events) => events.length >= 7,
              5_000,
              "another writer's live events",
            );
            await store.append(stream, numbered(1, 8), { expectedVersion: 7 });
            await collector.waitFor(
              (events) => events.length >= 8,
              5_000,
              'a live event of this store',
            );
          } finally {
            await writer.close();
          }
          expect(collector.events.map((event) => event.streamVersion)).toEqual([
            1, 2, 3, 4, 5, 6, 7, 8,
          ]);
          expect(caughtUp).toBeGreaterThanOrEqual(collector.events[4]!.globalPosition);
          expect(subscription.position).toBe(collector.events[7]!.globalPosition);
        } finally {
          await subscription.stop();
        }
      });

      it('resumes from a checkpoint without repeating or skipping an event', async () => {
        const start = await store.headPosition();
        const stream = streamName();
        await store.append(stream, numbered(6), { expectedVersion: 'no-stream' });
        const first = new Collector();
        const subscription = store.subscribe({ after: start, handle: first.handle });
        await first.waitFor((events) => events.length >= 6, 10_000, 'six events');
        await subscription.stop();
        const checkpoint = first.events[2]!.globalPosition;

        const resumed = new Collector();
        const again = store.subscribe({ after: checkpoint, handle: resumed.handle });
        try {
          await resumed.waitFor((events) => events.length >= 3, 10_000, 'the rest');
          await store.append(stream, numbered(1, 7), { expectedVersion: 6 });
          await resumed.waitFor((events) => events.length >= 4, 10_000, 'a live event');
          expect(
            resumed.events.filter((event) => event.streamId === stream).map((event) => event.data),
          ).toEqual([{ n: 4 }, { n: 5 }, { n: 6 }, { n: 7 }]);
        } finally {
          await again.stop();
        }
      });

      it('ends with the handler error and stays at the last batch handled', async () => {
        const start = await store.headPosition();
        await store.append(streamName(), numbered(3), { expectedVersion: 'no-stream' });
        let calls = 0;
        const subscription = store.subscribe({
          after: start,
          batchSize: 1,
          handle: async () => {
            calls += 1;
            if (calls === 2) throw new Error('projection failed');
            return Promise.resolve();
          },
        });
        await expect(subscription.finished).rejects.toThrow('projection failed');
        const [firstEvent] = await store.readAll({ after: start, maxCount: 1 });
        expect(subscription.position).toBe(firstEvent!.globalPosition);
      });

      // Embedded stores have no server to restart; resuming after reopening is tested above.
      if (capabilities.serverRestart) {
        it('survives a restart of the store server', async () => {
          const stream = streamName();
          const start = await store.headPosition();
          const collector = new Collector();
          const subscription = store.subscribe({ after: start, handle: collector.handle });
          try {
            await store.append(stream, numbered(2), { expectedVersion: 'no-stream' });
            await collector.waitFor(
              (events) => events.length >= 2,
              10_000,
              'events before the restart',
            );
            await harness.restartServer!();
            // Written by another instance so that only the re-established notification connection
            // (or a minute-long poll) can wake the subscriber. A retry after a lost connection
            // resends the same event ids: idempotent, never doubled.
            const writer = await retry(() => harness.open({ pollIntervalMs: A_MINUTE_MS }));
            try {
              const afterRestart = numbered(2, 3);
              await retry(() => writer.append(stream, afterRestart, { expectedVersion: 2 }));
              await collector.waitFor(
                (events) => events.length >= 4,
                15_000,
                'events after the restart',
              );
            } finally {
              await writer.close();
            }
            expect(collector.events.map((event) => event.streamVersion)).toEqual([1, 2, 3, 4]);
          } finally {
            await subscription.stop();
          }
        }, 30_000);
      }
    });

    describe('closing', () => {
      it('lets a subscriber that appends, as a policy does, finish before appends are refused', async () => {
        const closing = await harness.open({ pollIntervalMs: A_MINUTE_MS });
        const source = streamName('product');
        const derived = streamName();
        let reacting!: () => void;
        const handlerStarted = new Promise<void>((resolve) => (reacting = resolve));
        const subscription = closing.subscribe({
          after: await closing.headPosition(),
          handle: async (batch) => {
            for (const event of batch.filter((recorded) => recorded.streamId === source)) {
              reacting();
              await new Promise((resolve) => setTimeout(resolve, 50));
              await closing.append(derived, [newEvent({ causedBy: event.eventId })], {
                expectedVersion: 'any',
              });
            }
          },
        });
        await closing.append(source, [newEvent()], { expectedVersion: 'no-stream' });
        await handlerStarted;
        await closing.close();
        await expect(subscription.finished).resolves.toBeUndefined();
        expect(await store.readStream(derived)).toHaveLength(1);
      });

      it('finishes pending appends, stops subscriptions and refuses further work', async () => {
        const closing = await harness.open({ pollIntervalMs: A_MINUTE_MS });
        const stream = streamName();
        const subscription = closing.subscribe({
          after: await closing.headPosition(),
          handle: async () => Promise.resolve(),
        });
        const pending = closing.append(stream, numbered(2), { expectedVersion: 'no-stream' });
        await closing.close();
        await expect(pending).resolves.toMatchObject({ streamVersion: 2 });
        await expect(subscription.finished).resolves.toBeUndefined();
        await expect(
          closing.append(stream, [newEvent()], { expectedVersion: 2 }),
        ).rejects.toBeInstanceOf(StoreClosedError);
        expect(await store.readStream(stream)).toHaveLength(2);
      });
    });
  });
}

/** Retries an operation that may fail while a server comes back, with a deadline. */
async function retry<T>(operation: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await operation();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
