import {
  decodeRecordedEvent,
  decodeStreamEvent,
  isSystemRecord,
  toEventData,
} from '../../../src/eventstore/kurrentdb/eventEnvelope';
import type { NewEvent } from '../../../src/eventstore/eventStore';
import { prepareAppend } from '../../../src/eventstore/preparedEvent';

type ClientRecord = Parameters<typeof decodeRecordedEvent>[0];

const milestone: NewEvent = {
  eventId: 'A4C8F1D2-3B5E-4F60-9A7B-8C9D0E1F2A3B',
  type: 'MilestoneTriggered',
  schemaVersion: 2,
  data: { amountMinor: 150_000_000, currency: 'USD' },
  metadata: {
    occurredAt: '2008-02-01T14:30:00Z',
    actor: 'integration:biogen-erp',
    source: 'webhook:msg_1',
    correlationId: 'corr-1',
    causationId: '0b7e6f8a-1c2d-4e3f-8a9b-0c1d2e3f4a5b',
  },
};

/** What the server stores and the client gives back: the body and metadata as JSON text. */
function throughTheServer(
  event: NewEvent,
  place: { revision: bigint; position: bigint } = { revision: 3n, position: 98_765n },
): ClientRecord {
  const [prepared] = prepareAppend('agreement-1', [event]);
  const sent = toEventData(prepared!, {
    recordedAt: '2024-03-01T10:00:00.000Z',
    appendId: 'append-1',
  });
  return {
    streamId: 'agreement-1',
    id: sent.id,
    isJson: true,
    revision: place.revision,
    type: sent.type,
    created: new Date(),
    data: JSON.parse(JSON.stringify(sent.data)) as never,
    metadata: JSON.parse(JSON.stringify(sent.metadata)) as never,
    position: { commit: place.position, prepare: place.position },
  };
}

describe('the envelope of an event in KurrentDB', () => {
  it('gives back the event as appended, with its stream version, position and record time', () => {
    const decoded = decodeRecordedEvent(throughTheServer(milestone));
    expect(decoded?.event).toEqual({
      eventId: milestone.eventId.toLowerCase(),
      type: 'MilestoneTriggered',
      schemaVersion: 2,
      streamId: 'agreement-1',
      streamVersion: 4,
      globalPosition: 98_765,
      data: { amountMinor: 150_000_000, currency: 'USD' },
      metadata: { ...milestone.metadata, recordedAt: '2024-03-01T10:00:00.000Z' },
    });
    expect(decoded?.appendId).toBe('append-1');
    expect(decoded?.contentHash).toBe(prepareAppend('agreement-1', [milestone])[0]!.contentHash);
  });

  it('keeps a member named __proto__ as data', () => {
    const data = JSON.parse('{"__proto__":{"polluted":true},"amount":"1.00"}') as never;
    const decoded = decodeRecordedEvent(throughTheServer({ ...milestone, data }));
    expect(JSON.stringify(decoded?.event.data)).toBe(
      '{"__proto__":{"polluted":true},"amount":"1.00"}',
    );
  });

  it('leaves out optional metadata the writer did not give', () => {
    const bare = { ...milestone, metadata: { occurredAt: '2008-02-01', actor: 'api-key:finance' } };
    const decoded = decodeRecordedEvent(throughTheServer(bare));
    expect(decoded?.event.metadata).toEqual({
      occurredAt: '2008-02-01',
      actor: 'api-key:finance',
      recordedAt: '2024-03-01T10:00:00.000Z',
    });
  });

  it("repeats the correlation and causation ids under the names KurrentDB's tooling reads", () => {
    const [prepared] = prepareAppend('agreement-1', [milestone]);
    const sent = toEventData(prepared!, { recordedAt: '2024-03-01T10:00:00.000Z', appendId: 'a' });
    expect(sent.metadata).toMatchObject({
      $correlationId: 'corr-1',
      $causationId: '0b7e6f8a-1c2d-4e3f-8a9b-0c1d2e3f4a5b',
    });
    expect(sent.contentType).toBe('application/json');
  });

  it.each<[string, Partial<ClientRecord>]>([
    ['a system event type', { type: '$statistics-collected' }],
    ['a system stream', { streamId: '$settings' }],
    ['a metadata stream', { streamId: '$$agreement-1' }],
  ])('recognises %s as KurrentDB’s own', (_what, change) => {
    const record = { ...throughTheServer(milestone), ...change } as ClientRecord;
    expect(isSystemRecord(record)).toBe(true);
    expect(decodeRecordedEvent(record)).toBeNull();
  });

  it('does not take an event of another application for one of ours', () => {
    const foreign = {
      ...throughTheServer(milestone),
      metadata: { $correlationId: 'x' },
    } as ClientRecord;
    expect(isSystemRecord(foreign)).toBe(false);
    expect(decodeRecordedEvent(foreign)).toBeNull();
    expect(decodeRecordedEvent({ ...foreign, isJson: false } as ClientRecord)).toBeNull();
  });

  it('refuses an event of another application in one of our streams', () => {
    const foreign = { ...throughTheServer(milestone), metadata: undefined } as ClientRecord;
    expect(() => decodeStreamEvent('agreement-1', foreign)).toThrow(
      /agreement-1 holds an event this service did not write/,
    );
  });
});
