import type { EventStore } from '../../src/eventstore/eventStore';
import { newEvent } from './eventStoreContract';

export interface FaultyStoreHarness {
  open(): Promise<EventStore>;
  /** Makes the database itself fail any insert of an event whose data contains `marker`. */
  failInsertsContaining(marker: string): Promise<void>;
  dispose(): Promise<void>;
}

/** An append that fails part-way leaves nothing behind, and does not take other appends down with it. */
export function atomicAppendContract(
  name: string,
  createHarness: () => Promise<FaultyStoreHarness>,
): void {
  describe(`${name}: appends are all or nothing`, () => {
    let harness: FaultyStoreHarness;
    let store: EventStore;

    beforeAll(async () => {
      harness = await createHarness();
      store = await harness.open();
      await harness.failInsertsContaining('disk-on-fire');
    });

    afterAll(async () => {
      await store?.close();
      await harness?.dispose();
    });

    it('writes none of an append whose second event the database refuses', async () => {
      const head = await store.headPosition();
      const append = store.append(
        'agreement-half',
        [newEvent({ n: 1 }), newEvent({ note: 'disk-on-fire' })],
        {
          expectedVersion: 'no-stream',
        },
      );
      // Matched by message: a native driver's error class may come from another jest realm.
      await expect(append).rejects.toMatchObject({
        message: expect.stringMatching(/refused: disk-on-fire/),
      });
      expect(await store.headPosition()).toBe(head);
      expect(await store.readStream('agreement-half')).toEqual([]);
    });

    it('still commits the other appends of the same group commit', async () => {
      const head = await store.headPosition();
      const outcomes = await Promise.allSettled([
        store.append('agreement-a', [newEvent({ n: 1 })], { expectedVersion: 'no-stream' }),
        store.append('agreement-b', [newEvent({ note: 'disk-on-fire' })], {
          expectedVersion: 'no-stream',
        }),
        store.append('agreement-c', [newEvent({ n: 1 }), newEvent({ n: 2 })], {
          expectedVersion: 'no-stream',
        }),
      ]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual([
        'fulfilled',
        'rejected',
        'fulfilled',
      ]);
      expect(await store.readStream('agreement-b')).toEqual([]);
      const log = await store.readAll({ after: head, maxCount: 10 });
      expect(log.map((event) => event.streamId)).toEqual([
        'agreement-a',
        'agreement-c',
        'agreement-c',
      ]);
      expect(log.map((event) => event.globalPosition)).toEqual([head + 1, head + 2, head + 3]);
    });
  });
}
