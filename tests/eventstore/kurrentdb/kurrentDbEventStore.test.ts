import { randomUUID } from 'node:crypto';
import {
  EventIdConflictError,
  InvalidAppendError,
  StoreStartupError,
  StoreUnavailableError,
} from '../../../src/eventstore/errors';
import type { EventStore } from '../../../src/eventstore/eventStore';
import type { KurrentDbClient } from '../../../src/eventstore/kurrentdb/kurrentDbClient';
import {
  KurrentDbEventStore,
  type KurrentDbEventStoreOptions,
} from '../../../src/eventstore/kurrentdb/kurrentDbEventStore';
import { newEvent } from '../../support/eventStoreContract';
import { FakeKurrentDb } from '../../support/fakeKurrentDb';
import { testLogger } from '../../support/testLogger';

const CONNECTION_STRING = 'esdb://admin:s3cr3t@kurrentdb.internal:2113?tls=false';

/** Each store is another process: its own client, the same server. */
function storeOn(
  server: FakeKurrentDb,
  options: Partial<KurrentDbEventStoreOptions> = {},
  wrap: (client: KurrentDbClient) => KurrentDbClient = (client) => client,
): Promise<KurrentDbEventStore> {
  return KurrentDbEventStore.open({
    connectionString: CONNECTION_STRING,
    logger: testLogger(),
    connectTimeoutMs: 2_000,
    createClient: () => wrap(server.connect()),
    ...options,
  });
}

/** The client with some of its methods replaced. */
function withClient(
  overrides: (client: KurrentDbClient) => Partial<KurrentDbClient>,
): (client: KurrentDbClient) => KurrentDbClient {
  return (client) => ({
    appendToStream: client.appendToStream.bind(client),
    readStream: client.readStream.bind(client),
    readAll: client.readAll.bind(client),
    subscribeToAll: client.subscribeToAll.bind(client),
    dispose: client.dispose.bind(client),
    ...overrides(client),
  });
}

type AppendArguments = Parameters<KurrentDbClient['appendToStream']>;

/** A client whose first append to `streamId` runs `before` first. */
function beforeFirstAppendTo(streamId: string, before: () => Promise<unknown>) {
  let done = false;
  return withClient((client) => ({
    appendToStream: async (...args: AppendArguments) => {
      if (args[0] === streamId && !done) {
        done = true;
        await before();
      }
      return client.appendToStream(...args);
    },
  }));
}

describe('KurrentDbEventStore', () => {
  let server: FakeKurrentDb;
  const stores: EventStore[] = [];

  beforeEach(() => {
    server = new FakeKurrentDb();
  });

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });

  async function open(
    options: Partial<KurrentDbEventStoreOptions> = {},
    wrap?: (client: KurrentDbClient) => KurrentDbClient,
  ): Promise<KurrentDbEventStore> {
    const store = await storeOn(server, options, wrap);
    stores.push(store);
    return store;
  }

  describe('appending from several processes', () => {
    it('answers a retry from another process that had not read the stream yet as a retry', async () => {
      const [first, second] = [await open(), await open()];
      const events = [newEvent({ n: 1 }), newEvent({ n: 2 })];
      const [a, b] = await Promise.all([
        first.append('agreement-1', events, { expectedVersion: 'any' }),
        second.append('agreement-1', events, { expectedVersion: 'any' }),
      ]);
      expect([a.alreadyAppended, b.alreadyAppended].sort()).toEqual([false, true]);
      expect(b.events).toEqual(a.events);
      expect(server.eventCount('agreement-1')).toBe(2);
    });

    it('reads the stream again before refusing an expected version on what it knew', async () => {
      const [first, second] = [await open(), await open()];
      await first.append('agreement-1', [newEvent()], { expectedVersion: 'no-stream' });
      await second.append('agreement-1', [newEvent()], { expectedVersion: 1 });
      await expect(
        first.append('agreement-1', [newEvent()], { expectedVersion: 2 }),
      ).resolves.toMatchObject({ streamVersion: 3 });
    });

    it('appends after the events of a writer that got there first when any version will do', async () => {
      const other = await open();
      const store = await open(
        {},
        beforeFirstAppendTo('agreement-1', () =>
          other.append('agreement-1', [newEvent()], { expectedVersion: 'any' }),
        ),
      );
      const result = await store.append('agreement-1', [newEvent()], { expectedVersion: 'any' });
      expect(result.streamVersion).toBe(2);
    });

    it('refuses an event id another process appended to another stream', async () => {
      const [first, second] = [await open(), await open()];
      const event = newEvent();
      await first.append('agreement-1', [event], { expectedVersion: 'no-stream' });
      await expect(
        second.append('agreement-2', [event], { expectedVersion: 'no-stream' }),
      ).rejects.toBeInstanceOf(EventIdConflictError);
      expect(server.eventCount('agreement-2')).toBe(0);
    });
  });

  describe('faults', () => {
    it('answers a retry of an append whose answer was lost with the original positions', async () => {
      let loseAnswer = true;
      const store = await open(
        {},
        withClient((client) => ({
          appendToStream: async (...args: AppendArguments) => {
            const result = await client.appendToStream(...args);
            if (args[0] === 'agreement-1' && loseAnswer) {
              loseAnswer = false;
              throw Object.assign(new Error('14 UNAVAILABLE: Connection dropped'), {
                type: 'unavailable',
              });
            }
            return result;
          },
        })),
      );
      const events = [newEvent()];
      await expect(
        store.append('agreement-1', events, { expectedVersion: 'no-stream' }),
      ).rejects.toBeInstanceOf(StoreUnavailableError);
      const retry = await store.append('agreement-1', events, { expectedVersion: 'no-stream' });
      expect(retry).toMatchObject({ alreadyAppended: true, streamVersion: 1 });
      expect(server.eventCount('agreement-1')).toBe(1);
    });

    it('answers store unavailable while the server is down, and recovers by itself', async () => {
      const store = await open();
      server.restart(200);
      await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(
        store.append('agreement-1', [newEvent()], { expectedVersion: 'any' }),
      ).rejects.toBeInstanceOf(StoreUnavailableError);
      await new Promise((resolve) => setTimeout(resolve, 250));
      await expect(store.ping()).resolves.toBeUndefined();
      await expect(
        store.append('agreement-1', [newEvent()], { expectedVersion: 'any' }),
      ).resolves.toMatchObject({ streamVersion: 1 });
    });

    it('refuses an append larger than the server accepts as a bad append', async () => {
      server = new FakeKurrentDb(1_000);
      const store = await open();
      const failure = store.append('agreement-1', [newEvent({ blob: 'x'.repeat(2_000) })], {
        expectedVersion: 'any',
      });
      await expect(failure).rejects.toBeInstanceOf(InvalidAppendError);
      await expect(failure).rejects.toMatchObject({ pointer: '/events' });
    });
  });

  describe('opening', () => {
    it('waits for a server that is still starting', async () => {
      server.restart(300);
      await expect(open()).resolves.toBeInstanceOf(KurrentDbEventStore);
    });

    it('gives up on a server that does not answer in time, naming it without the password', async () => {
      server.restart(5_000);
      const failure = open({ connectTimeoutMs: 300 });
      await expect(failure).rejects.toBeInstanceOf(StoreStartupError);
      await expect(failure).rejects.toMatchObject({
        reason: 'unreachable',
        message: expect.stringContaining('kurrentdb.internal:2113'),
      });
      await expect(failure).rejects.not.toMatchObject({
        message: expect.stringContaining('s3cr3t'),
      });
    });

    it('calls refused credentials rejected', async () => {
      const failure = open(
        {},
        withClient(() => ({
          readAll: () => {
            throw Object.assign(new Error('Access denied'), { type: 'access-denied' });
          },
        })),
      );
      await expect(failure).rejects.toMatchObject({ reason: 'rejected' });
    });

    it('calls a malformed connection string rejected, without quoting it', async () => {
      const failure = KurrentDbEventStore.open({
        connectionString: 'esdb://admin:s3cr3t@kurrentdb.internal:2113?tls=maybe',
        logger: testLogger(),
      });
      await expect(failure).rejects.toMatchObject({ reason: 'rejected' });
      await expect(failure).rejects.not.toMatchObject({
        message: expect.stringContaining('s3cr3t'),
      });
    });

    it('continues record time from the newest event in the log', async () => {
      const ahead = await open({ clock: () => new Date('2031-05-05T05:05:05.000Z') });
      await ahead.append('agreement-1', [newEvent()], { expectedVersion: 'no-stream' });
      const behind = await open({ clock: () => new Date('2030-01-01T00:00:00.000Z') });
      await behind.append('agreement-2', [newEvent()], { expectedVersion: 'no-stream' });
      const [event] = await behind.readStream('agreement-2');
      expect(event?.metadata.recordedAt).toBe('2031-05-05T05:05:05.000Z');
    });
  });

  describe('reading', () => {
    it('skips events another application wrote to the same server', async () => {
      const store = await open();
      await server.connect().appendToStream('billing-7', {
        id: randomUUID(),
        contentType: 'application/json',
        type: 'InvoiceSent',
        data: { total: 1 },
        metadata: undefined,
      });
      await store.append('agreement-1', [newEvent()], { expectedVersion: 'no-stream' });
      const log = await store.readAll({ after: 0, maxCount: 100 });
      expect(log.map((event) => event.streamId)).toEqual(['agreement-1']);
      expect(await store.headPosition()).toBe(log[0]!.globalPosition);
    });

    it('reads an empty log as position 0', async () => {
      const store = await open();
      expect(await store.headPosition()).toBe(0);
      expect(await store.readAll({ after: 0, maxCount: 10 })).toEqual([]);
    });
  });
});
