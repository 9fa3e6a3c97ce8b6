import type { AppendRequest, StoredEventIdentity } from '../../../src/eventstore/appendPlanner';
import { EventIdConflictError, WrongExpectedVersionError } from '../../../src/eventstore/errors';
import type { ExpectedVersion } from '../../../src/eventstore/eventStore';
import { planKurrentAppend } from '../../../src/eventstore/kurrentdb/kurrentAppendPlanner';
import { StreamState } from '../../../src/eventstore/kurrentdb/streamIdentityCache';
import type { PreparedEvent } from '../../../src/eventstore/preparedEvent';

const NOW = '2024-03-01T10:00:00.000Z';

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

function append(expectedVersion: ExpectedVersion, ...events: PreparedEvent[]): AppendRequest {
  return { streamId: 'agreement-1', expectedVersion, events };
}

/** A stream whose events e1..eN sit at global positions 1000, 2000, ... */
function streamOf(count: number, lastRecordedAt: string | null = null): StreamState {
  const state = new StreamState();
  const stored: StoredEventIdentity[] = Array.from({ length: count }, (_, i) => ({
    eventId: `e${i + 1}`,
    streamId: 'agreement-1',
    streamVersion: i + 1,
    globalPosition: (i + 1) * 1_000,
    contentHash: `hash-of-e${i + 1}`,
  }));
  state.extend(stored, lastRecordedAt === null ? [] : [lastRecordedAt]);
  state.loaded = true;
  return state;
}

function plan(
  state: StreamState,
  request: AppendRequest,
  floorRecordedAt: string | null = null,
): ReturnType<typeof planKurrentAppend> {
  return planKurrentAppend({ state, request, now: new Date(NOW), floorRecordedAt });
}

describe('planning an append to KurrentDB', () => {
  it('conditions an append on the exact version read, whatever the caller expected', () => {
    for (const expected of ['any', 'exists', 3] as const) {
      expect(plan(streamOf(3), append(expected, event('e4')))).toEqual({
        kind: 'append',
        expectedVersion: 3,
        recordedAt: NOW,
      });
    }
    expect(plan(streamOf(0), append('no-stream', event('e1')))).toMatchObject({
      expectedVersion: 0,
    });
  });

  it('answers a retry with the original versions and positions, whatever came after', () => {
    expect(plan(streamOf(5), append('no-stream', event('e2'), event('e3')))).toEqual({
      kind: 'already-appended',
      result: {
        streamVersion: 3,
        globalPosition: 3_000,
        events: [
          { eventId: 'e2', streamVersion: 2, globalPosition: 2_000 },
          { eventId: 'e3', streamVersion: 3, globalPosition: 3_000 },
        ],
        alreadyAppended: true,
      },
    });
  });

  it('refuses an event id appended before with other content', () => {
    expect(() => plan(streamOf(2), append('any', event('e2', 'other')))).toThrow(
      EventIdConflictError,
    );
  });

  it('refuses an append that mixes stored and new events', () => {
    expect(() => plan(streamOf(2), append('any', event('e2'), event('e9')))).toThrow(
      EventIdConflictError,
    );
  });

  it('refuses a wrong expected version with the version read', () => {
    const refusal = (() => {
      try {
        plan(streamOf(3), append(2, event('e4')));
      } catch (error) {
        return error;
      }
      return null;
    })();
    expect(refusal).toBeInstanceOf(WrongExpectedVersionError);
    expect(refusal).toMatchObject({ streamId: 'agreement-1', expected: 2, actual: 3 });
  });

  it('refuses no-stream for a stream with events and exists for one without', () => {
    expect(() => plan(streamOf(1), append('no-stream', event('e9')))).toThrow(
      WrongExpectedVersionError,
    );
    expect(() => plan(streamOf(0), append('exists', event('e9')))).toThrow(
      WrongExpectedVersionError,
    );
  });

  it('never records an event earlier than the stream’s last one, even when the clock steps back', () => {
    const later = '2024-03-01T10:00:05.000Z';
    expect(plan(streamOf(1, later), append(1, event('e2')))).toMatchObject({ recordedAt: later });
  });

  it('never records an event earlier than anything this process wrote or read', () => {
    const later = '2024-03-01T10:00:07.000Z';
    expect(plan(streamOf(1), append(1, event('e2')), later)).toMatchObject({ recordedAt: later });
  });
});
