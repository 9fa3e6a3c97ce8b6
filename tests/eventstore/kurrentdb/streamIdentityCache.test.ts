import type { StoredEventIdentity } from '../../../src/eventstore/appendPlanner';
import {
  StreamIdentityCache,
  StreamState,
} from '../../../src/eventstore/kurrentdb/streamIdentityCache';

function stored(streamId: string, from: number, count: number): StoredEventIdentity[] {
  return Array.from({ length: count }, (_, i) => ({
    eventId: `${streamId}-e${from + i}`,
    streamId,
    streamVersion: from + i,
    globalPosition: (from + i) * 100,
    contentHash: 'hash',
  }));
}

describe('what the store knows of a stream', () => {
  it('grows by the events that follow what it knows', () => {
    const state = new StreamState();
    state.extend(stored('s', 1, 2), ['2024-03-01T10:00:02.000Z']);
    state.extend(stored('s', 3, 1), ['2024-03-01T10:00:01.000Z']);
    expect(state.version).toBe(3);
    expect([...state.identities.keys()]).toEqual(['s-e1', 's-e2', 's-e3']);
    expect(state.lastRecordedAt).toBe('2024-03-01T10:00:02.000Z');
  });

  it('refuses events that do not follow what it knows', () => {
    const state = new StreamState();
    state.extend(stored('s', 1, 2));
    expect(() => state.extend(stored('s', 4, 1))).toThrow(/jumped from version 2 to 4/);
    expect(() => state.extend(stored('s', 2, 1))).toThrow(/jumped/);
  });
});

describe('StreamIdentityCache', () => {
  it('starts a stream it has not seen cold', () => {
    const state = new StreamIdentityCache().stateOf('s');
    expect(state).toMatchObject({ version: 0, loaded: false, lastRecordedAt: null });
  });

  it('keeps a stream’s state between appends', () => {
    const cache = new StreamIdentityCache();
    const state = cache.stateOf('s');
    state.extend(stored('s', 1, 3));
    cache.updated('s', state);
    expect(cache.stateOf('s')).toBe(state);
    expect(cache.eventCount).toBe(3);
  });

  it('drops the least recently used streams once it holds too many event ids', () => {
    const cache = new StreamIdentityCache(10);
    for (const streamId of ['a', 'b', 'c']) {
      const state = cache.stateOf(streamId);
      state.extend(stored(streamId, 1, 4));
      cache.updated(streamId, state);
    }
    // 12 ids held for a budget of 10: `a`, the least recently used, went.
    expect(cache.streamCount).toBe(2);
    expect(cache.eventCount).toBe(8);
    expect(cache.stateOf('a').version).toBe(0);
  });

  it('counts a stream as used when it is read, not only when it grows', () => {
    const cache = new StreamIdentityCache(10);
    for (const streamId of ['a', 'b']) {
      const state = cache.stateOf(streamId);
      state.extend(stored(streamId, 1, 4));
      cache.updated(streamId, state);
    }
    cache.stateOf('a');
    const c = cache.stateOf('c');
    c.extend(stored('c', 1, 4));
    cache.updated('c', c);
    expect(cache.stateOf('a').version).toBe(4);
    expect(cache.stateOf('b').version).toBe(0);
  });

  it('keeps the stream in use even when it alone is over the budget', () => {
    const cache = new StreamIdentityCache(10);
    const state = cache.stateOf('big');
    state.extend(stored('big', 1, 25));
    cache.updated('big', state);
    expect(cache.stateOf('big')).toBe(state);
  });

  it('forgets a stream on request, to read it again', () => {
    const cache = new StreamIdentityCache();
    const state = cache.stateOf('s');
    state.extend(stored('s', 1, 3));
    cache.updated('s', state);
    const fresh = cache.forget('s');
    expect(fresh).not.toBe(state);
    expect(fresh.version).toBe(0);
    expect(cache.eventCount).toBe(0);
  });
});
