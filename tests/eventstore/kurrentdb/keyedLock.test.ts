import { KeyedLock } from '../../../src/eventstore/kurrentdb/keyedLock';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('KeyedLock', () => {
  it('runs work on one key one at a time, in call order', async () => {
    const lock = new KeyedLock();
    const order: string[] = [];
    const gate = deferred();
    const first = lock.run('s', async () => {
      order.push('first starts');
      await gate.promise;
      order.push('first ends');
    });
    const second = lock.run('s', async () => {
      order.push('second');
      return Promise.resolve();
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['first starts']);
    gate.resolve();
    await Promise.all([first, second]);
    expect(order).toEqual(['first starts', 'first ends', 'second']);
  });

  it('runs work on different keys side by side', async () => {
    const lock = new KeyedLock();
    const gate = deferred();
    const blocked = lock.run('a', () => gate.promise);
    await expect(lock.run('b', async () => Promise.resolve('b done'))).resolves.toBe('b done');
    gate.resolve();
    await blocked;
  });

  it('goes on after work that failed, which fails alone', async () => {
    const lock = new KeyedLock();
    const failed = lock.run('s', async () => Promise.reject(new Error('refused')));
    const next = lock.run('s', async () => Promise.resolve('next'));
    await expect(failed).rejects.toThrow('refused');
    await expect(next).resolves.toBe('next');
  });

  it('forgets a key once its work is done', async () => {
    const lock = new KeyedLock();
    await lock.run('s', async () => Promise.resolve());
    await new Promise((resolve) => setImmediate(resolve));
    expect(lock.size).toBe(0);
  });
});
