import fc from 'fast-check';
import { InvalidAppendError } from '../../src/eventstore/errors';
import type { NewEvent } from '../../src/eventstore/eventStore';
import type { JsonObject } from '../../src/eventstore/json';
import { prepareAppend } from '../../src/eventstore/preparedEvent';

const STREAM = 'agreement-7f1c';
const EVENT_ID = '0e1b5e8c-6d0f-4a6b-9c1a-2b3c4d5e6f70';
const OTHER_EVENT_ID = '5b7c3a8e-2f4d-4c1b-8a9e-1d2c3b4a5f60';

function paymentReceived(overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    eventId: EVENT_ID,
    type: 'PaymentReceived',
    schemaVersion: 1,
    data: { amountMinor: 125_000, currency: 'EUR' },
    metadata: { occurredAt: '2024-03-01', actor: 'api-key:finance' },
    ...overrides,
  };
}

const anyJsonObject = fc.dictionary(fc.string(), fc.jsonValue()) as fc.Arbitrary<JsonObject>;

function prepareOne(event: NewEvent, streamId = STREAM) {
  const [prepared] = prepareAppend(streamId, [event]);
  if (!prepared) throw new Error('prepareAppend returned no event');
  return prepared;
}

function hashOf(event: NewEvent, streamId = STREAM): string {
  return prepareOne(event, streamId).contentHash;
}

/** The pointer of the InvalidAppendError that prepareAppend throws. */
function rejection(streamId: string, events: readonly unknown[]): string {
  try {
    prepareAppend(streamId, events as NewEvent[]);
  } catch (error) {
    if (error instanceof InvalidAppendError) return error.pointer;
    throw error;
  }
  throw new Error('prepareAppend accepted an invalid append');
}

describe('prepareAppend', () => {
  describe('a valid append', () => {
    it('prepares one event per new event, in order, with canonical data', () => {
      const prepared = prepareAppend(STREAM, [
        paymentReceived({ data: { currency: 'EUR', amountMinor: 125_000 } }),
        paymentReceived({ eventId: OTHER_EVENT_ID, type: 'RoyaltyAccrued', schemaVersion: 2 }),
      ]);
      expect(prepared).toHaveLength(2);
      expect(prepared[0]).toEqual({
        eventId: EVENT_ID,
        type: 'PaymentReceived',
        schemaVersion: 1,
        dataJson: '{"amountMinor":125000,"currency":"EUR"}',
        occurredAt: '2024-03-01',
        actor: 'api-key:finance',
        source: null,
        correlationId: null,
        causationId: null,
        contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
      });
      expect(prepared[1]).toMatchObject({
        eventId: OTHER_EVENT_ID,
        type: 'RoyaltyAccrued',
        schemaVersion: 2,
      });
    });

    it('keeps the optional metadata the writer supplied', () => {
      const prepared = prepareOne(
        paymentReceived({
          metadata: {
            occurredAt: '2024-03-01T09:30:00+01:00',
            actor: 'system:royalty-policy',
            source: 'webhook:bank-42',
            correlationId: 'corr-1',
            causationId: OTHER_EVENT_ID,
          },
        }),
      );
      expect(prepared).toMatchObject({
        occurredAt: '2024-03-01T09:30:00+01:00',
        actor: 'system:royalty-policy',
        source: 'webhook:bank-42',
        correlationId: 'corr-1',
        causationId: OTHER_EVENT_ID,
      });
    });

    it('lowercases event ids so that a retry in upper case is the same event', () => {
      const upper = prepareOne(paymentReceived({ eventId: EVENT_ID.toUpperCase() }));
      const lower = prepareOne(paymentReceived());
      expect(upper.eventId).toBe(EVENT_ID);
      expect(upper.contentHash).toBe(lower.contentHash);
    });

    it.each([
      ['every documented character', '0.:_@+=-AZaz9', 'Payment.Received_v2-b'],
      ['200 characters', `a${'b'.repeat(199)}`, `P${'x'.repeat(199)}`],
    ])('accepts stream ids and event types of %s', (_what, streamId, type) => {
      expect(prepareAppend(streamId, [paymentReceived({ type })])[0]?.type).toBe(type);
    });
  });

  describe('validation, reported with a JSON pointer', () => {
    it.each([
      ['an empty stream id', ''],
      ['a stream id starting with a symbol', '-agreement'],
      ['a stream id reserved by KurrentDB', '$all'],
      ['a stream id with a slash', 'agreement/1'],
      ['a stream id longer than 200 characters', `a${'b'.repeat(200)}`],
    ])('rejects %s at /streamId', (_what, streamId) => {
      expect(rejection(streamId, [paymentReceived()])).toBe('/streamId');
    });

    it('rejects an append without events at /events', () => {
      expect(rejection(STREAM, [])).toBe('/events');
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['an event id that is not a UUID', { eventId: 'payment-1' }, '/events/1/eventId'],
      ['an event type starting with a digit', { type: '1Paid' }, '/events/1/type'],
      ['an event type with a space', { type: 'Payment Received' }, '/events/1/type'],
      ['schema version 0', { schemaVersion: 0 }, '/events/1/schemaVersion'],
      ['a fractional schema version', { schemaVersion: 1.5 }, '/events/1/schemaVersion'],
      ['data that is an array', { data: [1, 2] }, '/events/1/data'],
      ['data that is a Date', { data: new Date(0) }, '/events/1/data'],
      ['a property the event does not have', { priority: 'high' }, '/events/1/priority'],
      ['an unknown property with a slash in its name', { 'x/y~z': 1 }, '/events/1/x~1y~0z'],
      [
        'an occurredAt that is neither a date nor an instant',
        { metadata: { occurredAt: 'yesterday', actor: 'a' } },
        '/events/1/metadata/occurredAt',
      ],
      [
        'an instant without an offset',
        { metadata: { occurredAt: '2024-03-01T10:00:00', actor: 'a' } },
        '/events/1/metadata/occurredAt',
      ],
      [
        'an empty actor',
        { metadata: { occurredAt: '2024-03-01', actor: '' } },
        '/events/1/metadata/actor',
      ],
      [
        'an empty source',
        { metadata: { occurredAt: '2024-03-01', actor: 'a', source: '' } },
        '/events/1/metadata/source',
      ],
      [
        'a recordedAt supplied by the writer',
        { metadata: { occurredAt: '2024-03-01', actor: 'a', recordedAt: '2024-03-01' } },
        '/events/1/metadata/recordedAt',
      ],
    ])('rejects %s', (_what, overrides, pointer) => {
      const events = [
        paymentReceived({ eventId: OTHER_EVENT_ID }),
        { ...paymentReceived(), ...overrides },
      ];
      expect(rejection(STREAM, events)).toBe(pointer);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['NaN in an array', { amounts: [1, NaN] }, '/events/0/data/amounts/1'],
      ['undefined in a member', { terms: { cap: undefined } }, '/events/0/data/terms/cap'],
      ['a Date', { paidOn: new Date(0) }, '/events/0/data/paidOn'],
      ['a bigint under an escaped key', { 'a/b~c': 1n }, '/events/0/data/a~1b~0c'],
    ])('rejects data containing %s at its pointer inside the data', (_what, data, pointer) => {
      expect(rejection(STREAM, [paymentReceived({ data: data as JsonObject })])).toBe(pointer);
    });

    it('rejects the same event id twice in one append, even in another case', () => {
      const events = [paymentReceived(), paymentReceived({ eventId: EVENT_ID.toUpperCase() })];
      expect(rejection(STREAM, events)).toBe('/events/1/eventId');
      expect(() => prepareAppend(STREAM, events)).toThrow(`event id ${EVENT_ID} appears twice`);
    });

    it('throws an error with the invalid-append code', () => {
      expect(() => prepareAppend('', [paymentReceived()])).toThrow(
        expect.objectContaining({ code: 'invalid-append' }) as Error,
      );
    });
  });

  describe('content hash', () => {
    it('ignores the key order of the data', () => {
      const a = paymentReceived({ data: { amountMinor: 1, terms: { capMinor: 2, rateBps: 3 } } });
      const b = paymentReceived({ data: { terms: { rateBps: 3, capMinor: 2 }, amountMinor: 1 } });
      expect(hashOf(a)).toBe(hashOf(b));
    });

    it('ignores the key order of any JSON data', () => {
      fc.assert(
        fc.property(anyJsonObject, (data) => {
          const reversed = Object.fromEntries(Object.entries(data).reverse());
          expect(hashOf(paymentReceived({ data: reversed }))).toBe(
            hashOf(paymentReceived({ data })),
          );
        }),
        { numRuns: 50 },
      );
    });

    it('treats absent optional metadata and metadata set to undefined alike', () => {
      const absent = paymentReceived();
      const undefinedSource = paymentReceived({
        metadata: { ...absent.metadata, source: undefined },
      });
      expect(hashOf(undefinedSource)).toBe(hashOf(absent));
    });

    const original = paymentReceived({
      metadata: { occurredAt: '2024-03-01', actor: 'api-key:finance', correlationId: 'corr-1' },
    });
    it.each<[string, NewEvent, string?]>([
      ['the type', { ...original, type: 'PaymentRefunded' }],
      ['the schema version', { ...original, schemaVersion: 2 }],
      ['a data value', { ...original, data: { amountMinor: 125_001, currency: 'EUR' } }],
      [
        'a data value of another JSON type',
        { ...original, data: { amountMinor: '125000', currency: 'EUR' } },
      ],
      ['occurredAt', { ...original, metadata: { ...original.metadata, occurredAt: '2024-03-02' } }],
      ['the actor', { ...original, metadata: { ...original.metadata, actor: 'api-key:ops' } }],
      ['the source', { ...original, metadata: { ...original.metadata, source: 'cli' } }],
      [
        'the correlation id',
        { ...original, metadata: { ...original.metadata, correlationId: 'corr-2' } },
      ],
      [
        'the causation id',
        { ...original, metadata: { ...original.metadata, causationId: OTHER_EVENT_ID } },
      ],
      ['the stream', original, 'agreement-other'],
    ])('changes when %s changes', (_what, changed, streamId = STREAM) => {
      expect(hashOf(changed, streamId)).not.toBe(hashOf(original));
    });

    it('does not mistake a metadata value for a data value', () => {
      const inMetadata = paymentReceived({
        data: {},
        metadata: { occurredAt: '2024-03-01', actor: 'a', source: 'x' },
      });
      const inData = paymentReceived({
        data: { source: 'x' },
        metadata: { occurredAt: '2024-03-01', actor: 'a' },
      });
      expect(hashOf(inMetadata)).not.toBe(hashOf(inData));
    });
  });
});
