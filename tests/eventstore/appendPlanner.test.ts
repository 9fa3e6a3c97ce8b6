import fc from 'fast-check';
import {
  AppendPlanner,
  type AppendPlan,
  type AppendRequest,
  type EventRow,
  type StoredEventIdentity,
} from '../../src/eventstore/appendPlanner';
import { EventIdConflictError, WrongExpectedVersionError } from '../../src/eventstore/errors';
import type { AppendResult, ExpectedVersion } from '../../src/eventstore/eventStore';
import type { PreparedEvent } from '../../src/eventstore/preparedEvent';

const NOW = '2024-03-01T10:00:00.000Z';

/** What the store looked up before planning a grouped commit. */
interface Log {
  readonly head?: number;
  readonly headRecordedAt?: string | null;
  readonly now?: string;
  /** Event counts of the streams the batch refers to. */
  readonly streams?: Readonly<Record<string, number>>;
  readonly stored?: readonly StoredEventIdentity[];
}

/** A planner for one grouped commit; `when` plans the appends of the batch one after another. */
function given(log: Log = {}): { when(request: AppendRequest): AppendPlan } {
  const planner = new AppendPlanner({
    head: { position: log.head ?? 0, recordedAt: log.headRecordedAt ?? null },
    now: new Date(log.now ?? NOW),
    streamVersions: new Map(Object.entries(log.streams ?? {})),
    storedEvents: log.stored ?? [],
  });
  return { when: (request) => planner.plan(request) };
}

function event(eventId: string, contentHash = `hash-of-${eventId}`): PreparedEvent {
  return {
    eventId,
    type: 'PaymentReceived',
    schemaVersion: 1,
    dataJson: '{"amountMinor":100}',
    occurredAt: '2024-02-29',
    actor: 'api-key:finance',
    source: null,
    correlationId: null,
    causationId: null,
    contentHash,
  };
}

function append(
  streamId: string,
  expectedVersion: ExpectedVersion,
  ...eventIds: string[]
): AppendRequest {
  return { streamId, expectedVersion, events: eventIds.map((id) => event(id)) };
}

function storedAs(
  eventId: string,
  streamId: string,
  streamVersion: number,
  globalPosition: number,
): StoredEventIdentity {
  return { eventId, streamId, streamVersion, globalPosition, contentHash: `hash-of-${eventId}` };
}

/** The rows a plan writes, reduced to where each event lands. */
function placements(
  plan: AppendPlan,
): Pick<EventRow, 'eventId' | 'streamId' | 'streamVersion' | 'globalPosition'>[] {
  if (plan.kind !== 'append') throw new Error(`expected rows to write, got ${plan.kind}`);
  return plan.rows.map(({ eventId, streamId, streamVersion, globalPosition }) => ({
    eventId,
    streamId,
    streamVersion,
    globalPosition,
  }));
}

function rejectionOf(plan: () => unknown): unknown {
  try {
    plan();
  } catch (error) {
    return error;
  }
  throw new Error('the append was planned, expected a rejection');
}

describe('AppendPlanner', () => {
  describe('expected versions', () => {
    it('starts a new stream at version 1 when no stream is expected', () => {
      const plan = given({ head: 4 }).when(append('agreement-1', 'no-stream', 'e1', 'e2'));
      expect(placements(plan)).toEqual([
        { eventId: 'e1', streamId: 'agreement-1', streamVersion: 1, globalPosition: 5 },
        { eventId: 'e2', streamId: 'agreement-1', streamVersion: 2, globalPosition: 6 },
      ]);
      expect(plan.result).toEqual({
        streamVersion: 2,
        globalPosition: 6,
        events: [
          { eventId: 'e1', streamVersion: 1, globalPosition: 5 },
          { eventId: 'e2', streamVersion: 2, globalPosition: 6 },
        ],
        alreadyAppended: false,
      });
    });

    it('refuses to start a stream that already has events', () => {
      const error = rejectionOf(() =>
        given({ head: 9, streams: { 'agreement-1': 3 } }).when(
          append('agreement-1', 'no-stream', 'e1'),
        ),
      );
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamId: 'agreement-1', expected: 'no-stream', actual: 3 });
    });

    it('appends to a stream that exists when the stream is expected to exist', () => {
      const plan = given({ head: 9, streams: { 'agreement-1': 3 } }).when(
        append('agreement-1', 'exists', 'e1'),
      );
      expect(placements(plan)).toEqual([
        { eventId: 'e1', streamId: 'agreement-1', streamVersion: 4, globalPosition: 10 },
      ]);
    });

    it('refuses to append to a missing stream that is expected to exist', () => {
      const error = rejectionOf(() => given().when(append('agreement-1', 'exists', 'e1')));
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ expected: 'exists', actual: 0 });
    });

    it.each([
      ['a new stream', 0, 1],
      ['an existing stream', 3, 4],
    ])('appends to %s without a check when any version is expected', (_what, current, next) => {
      const plan = given({ head: 9, streams: { 'agreement-1': current } }).when(
        append('agreement-1', 'any', 'e1'),
      );
      expect(placements(plan)[0]?.streamVersion).toBe(next);
    });

    it('appends when the stream is at exactly the expected version', () => {
      const plan = given({ head: 9, streams: { 'agreement-1': 3 } }).when(
        append('agreement-1', 3, 'e1'),
      );
      expect(plan.result.streamVersion).toBe(4);
    });

    it('treats expected version 0 as a stream without events', () => {
      const plan = given().when(append('agreement-1', 0, 'e1'));
      expect(plan.result.streamVersion).toBe(1);
    });

    it.each([2, 4])(
      'refuses an append expecting version %i of a stream at version 3',
      (expected) => {
        const error = rejectionOf(() =>
          given({ head: 9, streams: { 'agreement-1': 3 } }).when(
            append('agreement-1', expected, 'e1'),
          ),
        );
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect(error).toMatchObject({ streamId: 'agreement-1', expected, actual: 3 });
      },
    );
  });

  describe('idempotent retries', () => {
    const alreadyStored = {
      head: 12,
      streams: { 'agreement-1': 5 },
      stored: [storedAs('e1', 'agreement-1', 4, 11), storedAs('e2', 'agreement-1', 5, 12)],
    };

    it('reports the original positions when the same events are appended again', () => {
      const plan = given(alreadyStored).when(append('agreement-1', 3, 'e1', 'e2'));
      expect(plan).toEqual({
        kind: 'already-appended',
        result: {
          streamVersion: 5,
          globalPosition: 12,
          events: [
            { eventId: 'e1', streamVersion: 4, globalPosition: 11 },
            { eventId: 'e2', streamVersion: 5, globalPosition: 12 },
          ],
          alreadyAppended: true,
        },
      });
    });

    it('accepts a retry whatever version it expects, since the stream moved on because of it', () => {
      for (const expected of ['no-stream', 'exists', 'any', 0, 3, 99] as const) {
        const plan = given(alreadyStored).when(append('agreement-1', expected, 'e1', 'e2'));
        expect(plan.kind).toBe('already-appended');
      }
    });

    it('does not use up positions or versions for a retry', () => {
      const batch = given(alreadyStored);
      batch.when(append('agreement-1', 3, 'e1', 'e2'));
      const next = batch.when(append('agreement-1', 5, 'e3'));
      expect(placements(next)).toEqual([
        { eventId: 'e3', streamId: 'agreement-1', streamVersion: 6, globalPosition: 13 },
      ]);
    });

    it('refuses an event id that was appended before with different content', () => {
      const changed: AppendRequest = {
        streamId: 'agreement-1',
        expectedVersion: 'any',
        events: [event('e1'), event('e2', 'hash-of-a-different-amount')],
      };
      const error = rejectionOf(() => given(alreadyStored).when(changed));
      expect(error).toBeInstanceOf(EventIdConflictError);
      expect(error).toMatchObject({ eventId: 'e2', code: 'event-id-conflict' });
      expect((error as Error).message).toContain('with different content');
    });

    it('refuses an event id that was appended before to another stream', () => {
      const error = rejectionOf(() =>
        given(alreadyStored).when(append('agreement-2', 'any', 'e1', 'e2')),
      );
      expect(error).toBeInstanceOf(EventIdConflictError);
      expect((error as Error).message).toContain('to stream agreement-1, not agreement-2');
    });

    it('refuses an append that repeats some earlier events and adds new ones', () => {
      const error = rejectionOf(() =>
        given(alreadyStored).when(append('agreement-1', 5, 'e2', 'e3')),
      );
      expect(error).toBeInstanceOf(EventIdConflictError);
      expect(error).toMatchObject({ eventId: 'e2' });
      expect((error as Error).message).toContain(
        'either all new events or a retry of events already appended',
      );
    });

    it('recognises a retry of an append planned earlier in the same batch', () => {
      const batch = given({ head: 2 });
      const first = batch.when(append('agreement-1', 'no-stream', 'e1', 'e2'));
      const retry = batch.when(append('agreement-1', 'no-stream', 'e1', 'e2'));
      expect(retry).toEqual({
        kind: 'already-appended',
        result: { ...first.result, alreadyAppended: true },
      });
    });
  });

  describe('positions within one grouped commit', () => {
    it('continues the global log densely from the head', () => {
      const batch = given({ head: 41, streams: { 'agreement-1': 7 } });
      const first = batch.when(append('agreement-1', 7, 'e1', 'e2'));
      const second = batch.when(append('agreement-2', 'no-stream', 'e3'));
      const third = batch.when(append('agreement-1', 'any', 'e4'));
      expect([...placements(first), ...placements(second), ...placements(third)]).toEqual([
        { eventId: 'e1', streamId: 'agreement-1', streamVersion: 8, globalPosition: 42 },
        { eventId: 'e2', streamId: 'agreement-1', streamVersion: 9, globalPosition: 43 },
        { eventId: 'e3', streamId: 'agreement-2', streamVersion: 1, globalPosition: 44 },
        { eventId: 'e4', streamId: 'agreement-1', streamVersion: 10, globalPosition: 45 },
      ]);
    });

    it('checks a later append against the stream as the earlier appends of the batch left it', () => {
      const batch = given();
      batch.when(append('agreement-1', 'no-stream', 'e1'));
      expect(batch.when(append('agreement-1', 1, 'e2')).result.streamVersion).toBe(2);
      const error = rejectionOf(() => batch.when(append('agreement-1', 'no-stream', 'e3')));
      expect(error).toMatchObject({ expected: 'no-stream', actual: 2 });
    });

    it('does not use up positions for a rejected append', () => {
      const batch = given({ head: 10, streams: { 'agreement-1': 1 } });
      rejectionOf(() => batch.when(append('agreement-1', 'no-stream', 'e1')));
      const plan = batch.when(append('agreement-1', 1, 'e2'));
      expect(placements(plan)).toEqual([
        { eventId: 'e2', streamId: 'agreement-1', streamVersion: 2, globalPosition: 11 },
      ]);
    });

    it('writes every field of the prepared events into the rows', () => {
      const plan = given().when(append('agreement-1', 'any', 'e1'));
      expect(plan.kind === 'append' ? plan.rows : []).toEqual([
        {
          ...event('e1'),
          streamId: 'agreement-1',
          streamVersion: 1,
          globalPosition: 1,
          recordedAt: NOW,
        },
      ]);
    });
  });

  describe('record time', () => {
    function recordTimes(plan: AppendPlan): string[] {
      return plan.kind === 'append' ? plan.rows.map((row) => row.recordedAt) : [];
    }

    it('records the clock time when it is later than the head of the log', () => {
      const plan = given({ head: 3, headRecordedAt: '2024-03-01T09:59:59.999Z', now: NOW }).when(
        append('agreement-1', 'any', 'e1'),
      );
      expect(recordTimes(plan)).toEqual([NOW]);
    });

    it('keeps the head of the log’s record time when the clock stepped back', () => {
      const later = '2024-03-01T10:00:00.500Z';
      const plan = given({ head: 3, headRecordedAt: later, now: NOW }).when(
        append('agreement-1', 'any', 'e1', 'e2'),
      );
      expect(recordTimes(plan)).toEqual([later, later]);
    });

    it('records the clock time on an empty log', () => {
      const plan = given({ headRecordedAt: null }).when(append('agreement-1', 'any', 'e1'));
      expect(recordTimes(plan)).toEqual([NOW]);
    });

    it('records one time for every append of a grouped commit', () => {
      const batch = given({ head: 3, now: NOW });
      const first = batch.when(append('agreement-1', 'any', 'e1'));
      const second = batch.when(append('agreement-2', 'any', 'e2', 'e3'));
      expect([...recordTimes(first), ...recordTimes(second)]).toEqual([NOW, NOW, NOW]);
    });
  });

  describe('any sequence of appends and retries, over several grouped commits', () => {
    const STREAMS = ['agreement-1', 'agreement-2', 'agreement-3'] as const;

    type Expectation =
      | { readonly kind: 'named'; readonly version: 'no-stream' | 'any' | 'exists' }
      | { readonly kind: 'exact'; readonly offset: number };
    type Step =
      | {
          readonly kind: 'append';
          readonly streamId: string;
          readonly count: number;
          readonly expectation: Expectation;
          readonly commitsAfter: boolean;
        }
      | { readonly kind: 'retry'; readonly pick: number; readonly commitsAfter: boolean };

    const expectation = fc.oneof(
      fc.record({
        kind: fc.constant('named' as const),
        version: fc.constantFrom('no-stream' as const, 'any' as const, 'exists' as const),
      }),
      // Exact versions near the stream's real version, so that most of them match.
      fc.record({ kind: fc.constant('exact' as const), offset: fc.constantFrom(0, 0, 0, -1, 1) }),
    );
    const step: fc.Arbitrary<Step> = fc.oneof(
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('append' as const),
          streamId: fc.constantFrom(...STREAMS),
          count: fc.integer({ min: 1, max: 3 }),
          expectation,
          commitsAfter: fc.boolean(),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('retry' as const),
          pick: fc.nat(),
          commitsAfter: fc.boolean(),
        }),
      },
    );

    /** Plays the steps the way a SQL store does: one planner per grouped commit over a table. */
    function play(steps: readonly Step[]) {
      const table: EventRow[] = [];
      const succeeded: { request: AppendRequest; result: AppendResult }[] = [];
      const retries: { original: AppendResult; retry: AppendResult }[] = [];
      const rejections: { error: unknown; actual: number }[] = [];
      const eventsOf = (streamId: string) => table.filter((row) => row.streamId === streamId);
      let nextEventId = 1;
      let batch: (AppendRequest | { retryOf: number })[] = [];

      const commit = (): void => {
        const requests = batch.map((entry) =>
          'retryOf' in entry ? succeeded[entry.retryOf]!.request : entry,
        );
        const last = table[table.length - 1];
        const planner = new AppendPlanner({
          head: { position: last?.globalPosition ?? 0, recordedAt: last?.recordedAt ?? null },
          now: new Date(NOW),
          streamVersions: new Map(
            requests.map((request) => [request.streamId, eventsOf(request.streamId).length]),
          ),
          storedEvents: table.filter((row) =>
            requests.some((request) => request.events.some((e) => e.eventId === row.eventId)),
          ),
        });
        batch.forEach((entry, index) => {
          const request = requests[index]!;
          const countBefore = eventsOf(request.streamId).length;
          let plan: AppendPlan;
          try {
            plan = planner.plan(request);
          } catch (error) {
            rejections.push({ error, actual: countBefore });
            return;
          }
          if ('retryOf' in entry)
            retries.push({ original: succeeded[entry.retryOf]!.result, retry: plan.result });
          else succeeded.push({ request, result: plan.result });
          if (plan.kind === 'append') table.push(...plan.rows);
        });
        batch = [];
      };

      for (const s of steps) {
        if (s.kind === 'retry') {
          if (succeeded.length > 0) batch.push({ retryOf: s.pick % succeeded.length });
        } else {
          // Versions move within a batch too; the model only needs them to be near the truth.
          const current = eventsOf(s.streamId).length;
          const expectedVersion =
            s.expectation.kind === 'named'
              ? s.expectation.version
              : Math.max(0, current + s.expectation.offset);
          const ids = Array.from({ length: s.count }, () => `event-${nextEventId++}`);
          batch.push(append(s.streamId, expectedVersion, ...ids));
        }
        if (s.commitsAfter) commit();
      }
      commit();
      return { table, retries, rejections };
    }

    it('writes dense positions and versions, and answers every retry with the original result', () => {
      fc.assert(
        fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
          const { table, retries, rejections } = play(steps);

          expect(table.map((row) => row.globalPosition)).toEqual(
            Array.from({ length: table.length }, (_, i) => i + 1),
          );
          expect(new Set(table.map((row) => row.eventId)).size).toBe(table.length);
          for (const streamId of STREAMS) {
            const versions = table
              .filter((row) => row.streamId === streamId)
              .map((row) => row.streamVersion);
            expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1));
          }
          for (const { original, retry } of retries)
            expect(retry).toEqual({ ...original, alreadyAppended: true });
          for (const { error, actual } of rejections) {
            expect(error).toBeInstanceOf(WrongExpectedVersionError);
            expect(error).toMatchObject({ actual });
          }
        }),
        { numRuns: 300 },
      );
    });
  });
});
