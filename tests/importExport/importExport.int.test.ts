import { Readable, Writable } from 'node:stream';
import { parseSigningKey } from '../../src/audit/signingKey';
import { verifyLog } from '../../src/audit/verifyLog';
import { domainEventOf } from '../../src/application/storedEvents';
import { EVENT_EXAMPLES } from '../../src/domain/events/examples';
import { parseEventData } from '../../src/domain/events/parseEventData';
import type { EventStore, RecordedEvent } from '../../src/eventstore/eventStore';
import { KurrentDbEventStore } from '../../src/eventstore/kurrentdb/kurrentDbEventStore';
import { prepareAppend } from '../../src/eventstore/preparedEvent';
import { exportEvents } from '../../src/importExport/exportEvents';
import {
  ImportStoppedError,
  importEvents,
  type ImportInput,
} from '../../src/importExport/importEvents';
import { FakeKurrentDb } from '../support/fakeKurrentDb';
import { describeWithPostgres } from '../support/postgresTarget';
import {
  openPostgresStores,
  openSqliteStores,
  startService,
  type Stores,
} from '../support/serviceHarness';
import { testLogger } from '../support/testLogger';
import { A, recordDeal, settled } from './dealLog';

jest.setTimeout(120_000);

const KEY = parseSigningKey(Buffer.alloc(32, 7).toString('base64'));

/** The log as an export writes it. */
async function exported(store: EventStore): Promise<string> {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  await exportEvents({ store, sink, pageSize: 7 });
  return text;
}

function importText(store: EventStore, text: string, options: Partial<ImportInput> = {}) {
  return importEvents({
    store,
    source: Readable.from([Buffer.from(text, 'utf8')]),
    totalBytes: Buffer.byteLength(text),
    threads: 0,
    ...options,
  });
}

async function readLog(store: EventStore): Promise<RecordedEvent[]> {
  return store.readAll({ after: 0, maxCount: 100_000 });
}

/** Everything that identifies an event in a log but its record time, and its content hash. */
function identity(event: RecordedEvent) {
  const { recordedAt: _recordedAt, ...metadata } = event.metadata;
  const [prepared] = prepareAppend(event.streamId, [
    {
      eventId: event.eventId,
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: event.data,
      metadata,
    },
  ]);
  return {
    globalPosition: event.globalPosition,
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata,
    contentHash: prepared!.contentHash,
  };
}

/** An INDSubmitted fact on a product of its own, as a line. */
function factLine(productId: string, version: number, eventNumber: number, change: object = {}) {
  return JSON.stringify({
    streamId: `product-${productId}`,
    streamVersion: version,
    eventId: `00000000-0000-4000-8000-${String(eventNumber).padStart(12, '0')}`,
    type: 'INDSubmitted',
    schemaVersion: 1,
    data: { ...EVENT_EXAMPLES.INDSubmitted, productId },
    metadata: { occurredAt: '2008-01-22', actor: 'cli:test' },
    ...change,
  });
}

async function stopped(promise: Promise<unknown>): Promise<ImportStoppedError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ImportStoppedError) return error;
    throw error;
  }
  throw new Error('the import did not stop');
}

function importSuite(open: () => Promise<Stores>): void {
  let source: Stores;
  let file: string;

  beforeAll(async () => {
    source = await open();
    // What the service records for a deal: its API key, the signing key it adopts, the
    // agreement, the product fact and the policies' derived events.
    const service = await startService(source, {
      signingKey: KEY,
      checkpointPolicy: { everyEvents: 1, everyMs: 100 },
    });
    await recordDeal(service);
    await service.stop();
    file = await exported(source.store);
  });

  afterAll(async () => {
    await source?.close();
  });

  it('exports the log in order, one event per line, and imports it into an empty store as the same log', async () => {
    const sourceLog = await readLog(source.store);
    const lines = file.trimEnd().split('\n');
    expect(lines).toHaveLength(sourceLog.length);
    expect(lines.map((line) => (JSON.parse(line) as { eventId: string }).eventId)).toEqual(
      sourceLog.map((event) => event.eventId),
    );
    // API keys and the agreement's and product's streams: not only the domain's events.
    expect(new Set(sourceLog.map((event) => event.streamId.split('-')[0]))).toEqual(
      new Set(['apikey', 'signing', 'agreement', 'product']),
    );

    const target = await open();
    try {
      const report = await importText(target.store, file, { batchSize: 4 });
      expect(report).toMatchObject({
        lines: sourceLog.length,
        imported: sourceLog.length,
        skipped: 0,
        headPosition: sourceLog.length,
      });
      expect((await readLog(target.store)).map(identity)).toEqual(sourceLog.map(identity));
      // And exported again, byte for byte the same file.
      expect(await exported(target.store)).toBe(file);
    } finally {
      await target.close();
    }
  });

  it('appends nothing when the same file is imported again', async () => {
    const target = await open();
    try {
      await importText(target.store, file);
      const before = await readLog(target.store);
      const again = await importText(target.store, file, { batchSize: 3 });
      expect(again).toMatchObject({ imported: 0, skipped: before.length });
      expect(await readLog(target.store)).toEqual(before);
    } finally {
      await target.close();
    }
  });

  it('stores a current-version event as its schema completes it (a default left out written in), in both import paths', async () => {
    const signed = EVENT_EXAMPLES.AgreementSigned;
    const {
      royalties: _royalties,
      rounding: _rounding,
      ...terms
    } = signed.terms as Record<string, unknown>;
    const agreementId = String(terms.agreementId);
    const line = JSON.stringify({
      streamId: `agreement-${agreementId}`,
      streamVersion: 1,
      eventId: '00000000-0000-4000-8000-00000000a001',
      type: 'AgreementSigned',
      schemaVersion: 1,
      data: { ...signed, terms },
      metadata: { occurredAt: '2004-10-01', actor: 'cli:test' },
    });
    const completed = parseEventData('AgreementSigned', 1, { ...signed, terms }).data as {
      terms: unknown;
    };
    expect(completed.terms).toMatchObject({ royalties: [], rounding: 'half-up' });
    for (const threads of [0, 1]) {
      const target = await open();
      try {
        await importText(target.store, `${line}\n`, { threads });
        const [stored] = await readLog(target.store);
        // Read back without a second parse, the data is what the parse gives.
        expect(stored!.data).toEqual(completed);
        expect(domainEventOf(stored!).data).toEqual(completed);
        // Imported again: the same content, nothing appended.
        expect(await importText(target.store, `${line}\n`, { threads })).toMatchObject({
          imported: 0,
          skipped: 1,
        });
      } finally {
        await target.close();
      }
    }
  });

  it('refuses an event id already stored with other content, naming the line, and writes nothing of its batch', async () => {
    const target = await open();
    try {
      await importText(target.store, file);
      const head = await target.store.headPosition();
      const [first] = file.split('\n');
      const changed = JSON.parse(first!) as { metadata: { actor: string } };
      changed.metadata.actor = 'someone-else';
      const conflicting = `${factLine('p-new', 1, 1)}\n${factLine('p-new', 2, 2)}\n${JSON.stringify(changed)}\n`;
      const error = await stopped(importText(target.store, conflicting));
      expect(error.lineNumber).toBe(3);
      expect(error.pointer).toBe('/eventId');
      expect(error.message).toMatch(
        /^line 3, \/eventId: event .* was already appended with different content$/,
      );
      expect(error.progress.committedThroughLine).toBe(0);
      expect(await target.store.headPosition()).toBe(head);
      expect(await target.store.readStream('product-p-new')).toEqual([]);
    } finally {
      await target.close();
    }
  });

  it('stops at a malformed line naming the line and the field: batches before it committed, nothing of its batch written', async () => {
    const target = await open();
    try {
      const lines = [
        factLine('p1', 1, 1),
        factLine('p1', 2, 2),
        factLine('p1', 3, 3),
        factLine('p1', 4, 4, {
          data: { ...EVENT_EXAMPLES.INDSubmitted, productId: 'p1', submittedOn: '2008-02-30' },
        }),
        factLine('p1', 5, 5),
      ];
      const error = await stopped(importText(target.store, lines.join('\n'), { batchSize: 2 }));
      expect(error.message).toBe(
        'line 4, /data/submittedOn: INDSubmitted v1: 2008-02-30 is not a day of the calendar',
      );
      expect(error.lineNumber).toBe(4);
      expect(error.progress).toMatchObject({ committedThroughLine: 2, imported: 2 });
      const stream = await target.store.readStream('product-p1');
      expect(stream.map((event) => event.streamVersion)).toEqual([1, 2]);

      // Fixed, the same file resumes: what is stored is skipped, the rest written.
      lines[3] = factLine('p1', 4, 4);
      const report = await importText(target.store, lines.join('\n'), { batchSize: 2 });
      expect(report).toMatchObject({ imported: 3, skipped: 2, headPosition: 5 });
    } finally {
      await target.close();
    }
  });

  it.each([
    ['not JSON', '{"streamId": ', '/', /not well-formed JSON/],
    ['not an object', '[1, 2]', '/', /a line is one JSON object/],
    [
      'an unknown type',
      factLine('p2', 1, 9, { type: 'INDWithdrawn' }),
      '/type',
      /not an event type/,
    ],
    [
      'a schema version the type does not have',
      factLine('p2', 1, 9, { schemaVersion: 7 }),
      '/schemaVersion',
      /versions 1 to 1, not 7/,
    ],
    [
      'data of another shape',
      factLine('p2', 1, 9, { data: { productId: 'p2' } }),
      '/data/jurisdiction',
      /INDSubmitted v1/,
    ],
    [
      'a stream of the wrong kind',
      factLine('p2', 1, 9, { streamId: 'agreement-p2' }),
      '/streamId',
      /product-<id> stream/,
    ],
    [
      'a stream that is not the data’s product',
      factLine('p2', 1, 9, { streamId: 'product-p3' }),
      '/streamId',
      /productId is p2/,
    ],
    [
      'a malformed stream id',
      factLine('p2', 1, 9, { streamId: 'product p2' }),
      '/streamId',
      /a stream id is/,
    ],
    ['a malformed event id', factLine('p2', 1, 9, { eventId: 'e-1' }), '/eventId', /UUID/i],
    [
      'no actor',
      factLine('p2', 1, 9, { metadata: { occurredAt: '2008-01-22' } }),
      '/metadata/actor',
      /./,
    ],
    [
      'a record time',
      factLine('p2', 1, 9, { recordedAt: '2020-01-01T00:00:00Z' }),
      '/recordedAt',
      /the importing store gives it/,
    ],
    [
      'a stream version that is not a count',
      factLine('p2', 0, 9),
      '/streamVersion',
      /whole number from 1/,
    ],
    [
      'a stream version the stream is not at',
      factLine('p2', 2, 9),
      '/streamVersion',
      /stream product-p2 is at version 0, expected 1/,
    ],
  ])('refuses %s, naming the field', async (_what, badLine, pointer, detail) => {
    const target = await open();
    try {
      const text = `${factLine('p9', 1, 8)}\n\n${badLine}\n`;
      const error = await stopped(importText(target.store, text));
      expect(error.lineNumber).toBe(3);
      expect(error.pointer || '/').toBe(pointer);
      expect(error.message).toMatch(detail);
      expect(await target.store.headPosition()).toBe(0);
    } finally {
      await target.close();
    }
  });

  it('refuses bytes that are not UTF-8, naming the line', async () => {
    const target = await open();
    try {
      const bytes = Buffer.concat([
        Buffer.from(`${factLine('p9', 1, 8)}\n`),
        Buffer.from([0x7b, 0xff, 0x7d, 0x0a]),
      ]);
      const error = await stopped(
        importEvents({
          store: target.store,
          source: Readable.from([bytes]),
          totalBytes: null,
          threads: 0,
        }),
      );
      expect(error.message).toBe('line 2, /: not valid UTF-8');
    } finally {
      await target.close();
    }
  });

  it('through the port alone (a store without a bulk path), imports the same log and re-runs as a no-op', async () => {
    const target = await open();
    try {
      const { store } = target;
      const portOnly: EventStore = {
        append: (streamId, events, options) => store.append(streamId, events, options),
        readStream: (streamId, options) => store.readStream(streamId, options),
        readAll: (options) => store.readAll(options),
        headPosition: () => store.headPosition(),
        subscribe: (options) => store.subscribe(options),
        ping: () => store.ping(),
        close: () => store.close(),
      };
      const sourceLog = await readLog(source.store);
      expect(await importText(portOnly, file)).toMatchObject({ imported: sourceLog.length });
      expect((await readLog(store)).map(identity)).toEqual(sourceLog.map(identity));
      expect(await importText(portOnly, file)).toMatchObject({
        imported: 0,
        skipped: sourceLog.length,
      });
      const error = await stopped(importText(portOnly, factLine('p2', 2, 9)));
      expect(error.pointer).toBe('/streamVersion');
    } finally {
      await target.close();
    }
  });

  it('imports into KurrentDB through the port (the in-memory model of the server), and re-runs as a no-op', async () => {
    const server = new FakeKurrentDb();
    const store = await KurrentDbEventStore.open({
      connectionString: 'esdb://fake-kurrentdb:2113?tls=false',
      logger: testLogger(),
      createClient: () => server.connect(),
    });
    try {
      const sourceLog = await readLog(source.store);
      expect(await importText(store, file)).toMatchObject({ imported: sourceLog.length });
      // KurrentDB's positions have gaps: the same events, streams and versions, in the same order.
      const withoutPositions = (event: RecordedEvent) => ({
        ...identity(event),
        globalPosition: 0,
      });
      expect((await readLog(store)).map(withoutPositions)).toEqual(sourceLog.map(withoutPositions));
      expect(await importText(store, file)).toMatchObject({
        imported: 0,
        skipped: sourceLog.length,
      });
    } finally {
      await store.close();
    }
  });

  it('is picked up by a running service: its read models catch up and the hash chain verifies', async () => {
    const target = await open();
    try {
      const service = await startService(target, {
        signingKey: KEY,
        checkpointPolicy: { everyEvents: 1, everyMs: 100 },
      });
      try {
        // The service has made its own first admin key and adopted its signing key; the file's
        // (another store's, the same event ids with other content) would be refused, so the
        // deal's streams alone are imported.
        const deal = file
          .split('\n')
          .filter((line) => line !== '' && !/^\{"streamId":"(apikey-|signing-keys")/.test(line));
        const report = await importText(target.store, deal.join('\n'));
        expect(report.imported).toBe(deal.length);
        const response = await fetch(
          `${service.baseUrl}/agreements/${A}?waitFor=${report.headPosition}`,
          { headers: { authorization: `Bearer ${service.adminKey}` } },
        );
        expect(response.status).toBe(200);
        expect(await settled(service)).toBeGreaterThanOrEqual(report.headPosition);
      } finally {
        await service.stop();
      }
      const verified = await verifyLog({
        store: target.store,
        readStore: target.readStore,
        publicKeyPem: KEY.publicKeyPem,
      });
      expect(verified).toMatchObject({ ok: true, failure: null });
      expect(verified.eventsChecked).toBe(await target.store.headPosition());
    } finally {
      await target.close();
    }
  });
}

describe('import and export on SQLite', () => importSuite(openSqliteStores));

describeWithPostgres('import and export on PostgreSQL', () => importSuite(openPostgresStores));
