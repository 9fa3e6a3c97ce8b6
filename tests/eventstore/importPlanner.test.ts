import {
  ImportPlanner,
  ImportRefusedError,
  type ImportedEvent,
  type StoredIdentity,
} from '../../src/eventstore/bulkImport';

function event(
  eventId: string,
  streamId: string,
  streamVersion: number | null,
  contentHash = 'h',
): ImportedEvent {
  return {
    eventId,
    streamId,
    streamVersion,
    type: 'INDSubmitted',
    schemaVersion: 1,
    dataJson: '{}',
    occurredAt: '2008-01-22',
    actor: 'cli:test',
    source: null,
    correlationId: null,
    causationId: null,
    contentHash,
  };
}

function planner(
  stored: Record<string, StoredIdentity> = {},
  versions: Record<string, number> = {},
) {
  return new ImportPlanner({
    head: { position: 10, recordedAt: '2030-01-01T00:00:00.000Z' },
    now: new Date('2026-11-29T00:00:00.000Z'),
    streamVersions: new Map(Object.entries(versions)),
    stored: new Map(Object.entries(stored)),
  });
}

function refusal(plan: () => unknown): ImportRefusedError {
  try {
    plan();
  } catch (error) {
    if (error instanceof ImportRefusedError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('the import planner', () => {
  it('numbers new events after the head, each at the next version of its stream', () => {
    const plans = planner({}, { 'product-a': 2 });
    expect(plans.plan(event('e1', 'product-a', 3), 0)).toEqual({
      kind: 'insert',
      globalPosition: 11,
      streamVersion: 3,
    });
    expect(plans.plan(event('e2', 'product-b', null), 1)).toEqual({
      kind: 'insert',
      globalPosition: 12,
      streamVersion: 1,
    });
    expect(plans.plan(event('e3', 'product-a', null), 2)).toEqual({
      kind: 'insert',
      globalPosition: 13,
      streamVersion: 4,
    });
    expect(plans.headPosition).toBe(13);
  });

  it('never records before the head, even when the clock is behind it', () => {
    expect(planner().recordedAt).toBe('2030-01-01T00:00:00.000Z');
  });

  it('skips an event stored with the same stream, version and content, also one planned earlier in the batch', () => {
    const plans = planner(
      { e1: { streamId: 'product-a', streamVersion: 1, contentHash: 'h' } },
      { 'product-a': 1 },
    );
    expect(plans.plan(event('e1', 'product-a', 1), 0)).toEqual({ kind: 'skip' });
    expect(plans.plan(event('e2', 'product-a', 2), 1)).toMatchObject({ kind: 'insert' });
    expect(plans.plan(event('e2', 'product-a', 2), 2)).toEqual({ kind: 'skip' });
    expect(plans.headPosition).toBe(11);
  });

  it.each([
    ['other content', event('e1', 'product-a', 1, 'other'), /with different content/],
    ['another stream', event('e1', 'product-b', 1), /to stream product-a, not product-b/],
    ['another version', event('e1', 'product-a', 2), /at version 1 of its stream, not 2/],
  ])('refuses a stored id with %s at /eventId', (_what, imported, message) => {
    const plans = planner(
      { e1: { streamId: 'product-a', streamVersion: 1, contentHash: 'h' } },
      { 'product-a': 1 },
    );
    const error = refusal(() => plans.plan(imported, 4));
    expect(error).toMatchObject({ index: 4, pointer: '/eventId' });
    expect(error.message).toMatch(message);
  });

  it('refuses a new event whose stream is not at the version before it, at /streamVersion', () => {
    const plans = planner({}, { 'product-a': 2 });
    const error = refusal(() => plans.plan(event('e9', 'product-a', 2), 0));
    expect(error).toMatchObject({ index: 0, pointer: '/streamVersion' });
    expect(error.message).toBe('stream product-a is at version 2, expected 1');
  });
});
