import fc from 'fast-check';
import { domainEventOf } from '../../src/application/storedEvents';
import { NET_SALES_REPORTED_V1_EXAMPLE } from '../../src/domain/events/examples';
import { parseEventData } from '../../src/domain/events/parseEventData';
import type { RecordedEvent } from '../../src/eventstore/eventStore';
import { historyArbitrary, writeAndReadGeneratedLog } from '../support/generatedHistories';
import { openSqliteStores } from '../support/serviceHarness';

jest.setTimeout(120_000);

const stored = (type: string, schemaVersion: number, data: unknown): RecordedEvent =>
  ({
    eventId: '00000000-0000-4000-8000-000000000001',
    type,
    schemaVersion,
    data,
  }) as unknown as RecordedEvent;

/**
 * The log is validated once, when it is written (every event the service appends went through
 * its schema: the deciders' `emit`, the webhook and import edges). Reading an event of the current
 * schema version back takes its data as stored; these show that changes nothing the domain sees,
 * and that what reading still checks (the type, the version, an older version's upcast) is checked.
 */
describe('reading an event back from the log', () => {
  it('gives, for every event of generated histories, what parsing it again against its schema gives', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(historyArbitrary, async (steps) => {
        const stores = await openSqliteStores();
        try {
          const events = await writeAndReadGeneratedLog(stores.store, stores.readStore, steps);
          for (const event of events) {
            if (!/^(agreement|product)-/.test(event.streamId)) continue;
            expect(domainEventOf(event)).toEqual({
              eventId: event.eventId,
              ...parseEventData(event.type, event.schemaVersion, event.data),
            });
            compared += 1;
          }
        } finally {
          await stores.close();
        }
      }),
      { numRuns: 8 },
    );
    expect(compared).toBeGreaterThan(100);
  });

  it('still refuses an unknown type and a version newer than the code, and upcasts and checks an older one', () => {
    expect(() => domainEventOf(stored('NoSuchEvent', 1, {}))).toThrow(
      expect.objectContaining({ code: 'unknown-event-type' }),
    );
    expect(() => domainEventOf(stored('NetSalesReported', 3, {}))).toThrow(
      expect.objectContaining({ code: 'unsupported-schema-version' }),
    );
    expect(domainEventOf(stored('NetSalesReported', 1, NET_SALES_REPORTED_V1_EXAMPLE))).toEqual({
      eventId: '00000000-0000-4000-8000-000000000001',
      ...parseEventData('NetSalesReported', 1, NET_SALES_REPORTED_V1_EXAMPLE),
    });
    expect(() =>
      domainEventOf(
        stored('NetSalesReported', 1, { ...NET_SALES_REPORTED_V1_EXAMPLE, quarter: 5 }),
      ),
    ).toThrow(expect.objectContaining({ code: 'invalid-event-data' }));
  });
});
