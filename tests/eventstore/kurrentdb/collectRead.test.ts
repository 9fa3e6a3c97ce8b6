import { Readable } from 'node:stream';
import { StoreUnavailableError } from '../../../src/eventstore/errors';
import { collectRead, readToEnd } from '../../../src/eventstore/kurrentdb/collectRead';
import { ReadTimeoutError } from '../../../src/eventstore/kurrentdb/kurrentDbErrors';

type Read = Parameters<typeof collectRead<number>>[0];

/** A streaming read that answers what the test pushes, and records a cancel. */
class ScriptedRead extends Readable {
  cancelled = false;

  constructor() {
    super({ objectMode: true, read: () => undefined });
  }

  async cancel(): Promise<void> {
    this.cancelled = true;
    return Promise.resolve();
  }
}

const asRead = (read: ScriptedRead): Read => read;

describe('collectRead', () => {
  it('collects a read to its end', async () => {
    const read = new ScriptedRead();
    const collected = collectRead(asRead(read), 1_000);
    read.push(1);
    read.push(2);
    read.push(null);
    await expect(collected).resolves.toEqual([1, 2]);
  });

  it('fails with the read’s error', async () => {
    const read = new ScriptedRead();
    const collected = collectRead(asRead(read), 1_000);
    read.destroy(Object.assign(new Error('boom'), { type: 'unknown' }));
    await expect(collected).rejects.toThrow('boom');
  });

  it('gives up on a read that does not end in time, and cancels it', async () => {
    const read = new ScriptedRead();
    const collected = collectRead(asRead(read), 20);
    read.push(1);
    await expect(collected).rejects.toBeInstanceOf(ReadTimeoutError);
    expect(read.cancelled).toBe(true);
    expect(read.destroyed).toBe(true);
  });

  it('ignores what an abandoned read reports later', async () => {
    const read = new ScriptedRead();
    await expect(collectRead(asRead(read), 10)).rejects.toBeInstanceOf(ReadTimeoutError);
    expect(() => read.emit('error', new Error('late'))).not.toThrow();
  });
});

describe('readToEnd', () => {
  it('reads a stream that does not exist as empty', async () => {
    const read = new ScriptedRead();
    setImmediate(() =>
      read.destroy(Object.assign(new Error('x not found'), { type: 'stream-not-found' })),
    );
    await expect(
      readToEnd(() => asRead(read), { server: 'db:2113', timeoutMs: 1_000 }),
    ).resolves.toEqual([]);
  });

  it('answers store unavailable when the server cannot be reached', async () => {
    const read = new ScriptedRead();
    setImmediate(() =>
      read.destroy(Object.assign(new Error('14 UNAVAILABLE'), { type: 'unavailable' })),
    );
    await expect(
      readToEnd(() => asRead(read), { server: 'db:2113', timeoutMs: 1_000 }),
    ).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('answers store unavailable when a read hangs', async () => {
    await expect(
      readToEnd(() => asRead(new ScriptedRead()), { server: 'db:2113', timeoutMs: 10 }),
    ).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
