import { createHash } from 'node:crypto';
import { CHAIN_START, chainHash, eventLeafEntry, eventLeafHash } from '../../src/audit/eventLeaf';
import type { RecordedEvent } from '../../src/eventstore/eventStore';

const event: RecordedEvent = {
  eventId: '0b6b2c43-4d1e-4c55-9a55-6f0c3f7a1e01',
  type: 'PaymentRecorded',
  schemaVersion: 1,
  streamId: 'agreement-a1',
  streamVersion: 3,
  globalPosition: 7,
  data: { amount: { currency: 'EUR', amountMinor: '150000' }, paidOn: '2025-02-03' },
  metadata: {
    occurredAt: '2025-02-03',
    recordedAt: '2025-02-04T09:30:00.123Z',
    actor: 'apikey:k1',
    correlationId: 'c-1',
  },
};

describe('the leaf of an event', () => {
  it('is the canonical JSON of the event with its envelope and metadata, absent fields left out', () => {
    expect(eventLeafEntry(event)).toBe(
      '{"data":{"amount":{"amountMinor":"150000","currency":"EUR"},"paidOn":"2025-02-03"},' +
        '"eventId":"0b6b2c43-4d1e-4c55-9a55-6f0c3f7a1e01","format":"obligations.event.v1",' +
        '"globalPosition":7,"metadata":{"actor":"apikey:k1","correlationId":"c-1",' +
        '"occurredAt":"2025-02-03","recordedAt":"2025-02-04T09:30:00.123Z"},"schemaVersion":1,' +
        '"streamId":"agreement-a1","streamVersion":3,"type":"PaymentRecorded"}',
    );
  });

  it('hashes as SHA-256(0x00 || entry), and the chain as SHA-256(0x02 || previous || leaf)', () => {
    const leaf = createHash('sha256')
      .update(Buffer.concat([Buffer.from([0]), Buffer.from(eventLeafEntry(event), 'utf8')]))
      .digest();
    expect(eventLeafHash(event)).toEqual(leaf);
    expect(chainHash(CHAIN_START, leaf)).toEqual(
      createHash('sha256')
        .update(Buffer.concat([Buffer.from([2]), Buffer.alloc(32), leaf]))
        .digest(),
    );
  });

  it.each([
    ['its position', { ...event, globalPosition: 8 }],
    ['its stream', { ...event, streamId: 'agreement-a2' }],
    ['its stream version', { ...event, streamVersion: 4 }],
    ['its schema version', { ...event, schemaVersion: 2 }],
    ['its data', { ...event, data: { ...event.data, paidOn: '2025-02-04' } }],
    [
      'when it was recorded',
      { ...event, metadata: { ...event.metadata, recordedAt: '2025-02-04T09:30:00.124Z' } },
    ],
    ['its actor', { ...event, metadata: { ...event.metadata, actor: 'apikey:k2' } }],
    ['a source added', { ...event, metadata: { ...event.metadata, source: 'req-1' } }],
  ])('changes with %s', (_, changed: RecordedEvent) => {
    expect(eventLeafHash(changed)).not.toEqual(eventLeafHash(event));
  });
});
