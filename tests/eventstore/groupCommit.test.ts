import { GroupCommitter, type Outcome } from '../../src/eventstore/groupCommit';

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets the event loop run a few turns, so that scheduled commits start and finish. */
async function nextTurns(count = 5): Promise<void> {
  for (let i = 0; i < count; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

const ok = <R>(value: R): Outcome<R> => ({ ok: true, value });

/** A commit that answers each item doubled and records the batches it was given. */
function recordingCommit() {
  const batches: number[][] = [];
  const commit = (items: readonly number[]): Outcome<number>[] => {
    batches.push([...items]);
    return items.map((item) => ok(item * 2));
  };
  return { batches, commit };
}

/** A commit that waits until the test releases each batch. */
function gatedCommit() {
  const batches: number[][] = [];
  const gates: Deferred<void>[] = [];
  const started: Deferred<void>[] = [deferred()];
  const commit = async (items: readonly number[]): Promise<Outcome<number>[]> => {
    batches.push([...items]);
    const gate = deferred<void>();
    gates.push(gate);
    started[started.length - 1]!.resolve();
    started.push(deferred());
    await gate.promise;
    return items.map((item) => ok(item * 2));
  };
  return {
    batches,
    commit,
    /** Resolves once the n-th commit (from 1) has started. */
    started: async (n: number) => {
      while (batches.length < n) await started[started.length - 1]!.promise;
    },
    release: (n: number) => gates[n - 1]!.resolve(),
  };
}

describe('GroupCommitter', () => {
  it('commits the requests submitted in the same event-loop turn as one batch', async () => {
    const { batches, commit } = recordingCommit();
    const committer = new GroupCommitter(commit);
    const answers = Promise.all([1, 2, 3].map((item) => committer.submit(item)));
    expect(batches).toEqual([]);
    await expect(answers).resolves.toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('adds requests submitted from promise callbacks of the same turn to that batch', async () => {
    const { batches, commit } = recordingCommit();
    const committer = new GroupCommitter(commit);
    const first = committer.submit(1);
    const second = Promise.resolve().then(() => committer.submit(2));
    await expect(Promise.all([first, second])).resolves.toEqual([2, 4]);
    expect(batches).toEqual([[1, 2]]);
  });

  it('commits requests of later turns in later batches', async () => {
    const { batches, commit } = recordingCommit();
    const committer = new GroupCommitter(commit);
    await committer.submit(1);
    await committer.submit(2);
    expect(batches).toEqual([[1], [2]]);
  });

  it('gathers the requests that arrive while a commit runs into the next batch', async () => {
    const gate = gatedCommit();
    const committer = new GroupCommitter(gate.commit);
    const first = committer.submit(1);
    await gate.started(1);
    const later = [committer.submit(2), committer.submit(3)];
    await nextTurns();
    expect(gate.batches).toEqual([[1]]);

    gate.release(1);
    await expect(first).resolves.toBe(2);
    await gate.started(2);
    expect(gate.batches).toEqual([[1], [2, 3]]);
    gate.release(2);
    await expect(Promise.all(later)).resolves.toEqual([4, 6]);
  });

  it('answers each request with its own outcome, in order', async () => {
    const refused = new Error('wrong expected version');
    const committer = new GroupCommitter<string, string>((items) =>
      items.map((item) => (item === 'b' ? { ok: false, error: refused } : ok(`${item}!`))),
    );
    const answers = await Promise.allSettled(['a', 'b', 'c'].map((item) => committer.submit(item)));
    expect(answers).toEqual([
      { status: 'fulfilled', value: 'a!' },
      { status: 'rejected', reason: refused },
      { status: 'fulfilled', value: 'c!' },
    ]);
  });

  it('rejects every request of a batch whose commit throws, and still commits the next batch', async () => {
    const diskFull = new Error('disk full');
    const firstCommit = deferred<void>();
    const batches: number[][] = [];
    const committer = new GroupCommitter<number, number>(async (items) => {
      batches.push([...items]);
      if (batches.length === 1) {
        await firstCommit.promise;
        throw diskFull;
      }
      return items.map((item) => ok(item));
    });
    const failing = Promise.allSettled([committer.submit(1), committer.submit(2)]);
    await nextTurns();
    const queuedMeanwhile = committer.submit(3);

    firstCommit.resolve();
    expect(await failing).toEqual([
      { status: 'rejected', reason: diskFull },
      { status: 'rejected', reason: diskFull },
    ]);
    await expect(queuedMeanwhile).resolves.toBe(3);
    expect(batches).toEqual([[1, 2], [3]]);
  });

  it('rejects the batch when the commit throws synchronously', async () => {
    const committer = new GroupCommitter<number, number>(() => {
      throw new Error('statement not prepared');
    });
    await expect(committer.submit(1)).rejects.toThrow('statement not prepared');
  });

  it('rejects the requests a commit left without an outcome', async () => {
    const committer = new GroupCommitter<number, number>((items) => [ok(items[0]! * 2)]);
    const [first, second] = await Promise.allSettled([committer.submit(1), committer.submit(2)]);
    expect(first).toEqual({ status: 'fulfilled', value: 2 });
    expect(second).toMatchObject({
      status: 'rejected',
      reason: new Error('commit answered too few outcomes'),
    });
  });

  it('splits the waiting requests into batches of at most maxBatch, in order', async () => {
    const { batches, commit } = recordingCommit();
    const committer = new GroupCommitter(commit, 2);
    const answers = Promise.all([1, 2, 3, 4, 5].map((item) => committer.submit(item)));
    await expect(answers).resolves.toEqual([2, 4, 6, 8, 10]);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  describe('drain', () => {
    it('resolves at once when nothing was submitted', async () => {
      const committer = new GroupCommitter(recordingCommit().commit);
      await expect(committer.drain()).resolves.toBeUndefined();
    });

    it('resolves only when every request submitted so far has been answered', async () => {
      const gate = gatedCommit();
      const committer = new GroupCommitter(gate.commit);
      const answered: number[] = [];
      const track = (item: number) => void committer.submit(item).then(() => answered.push(item));
      track(1);
      await gate.started(1);
      track(2);

      let drained = false;
      void committer.drain().then(() => {
        drained = true;
      });
      await nextTurns();
      expect(drained).toBe(false);

      gate.release(1);
      await gate.started(2);
      await nextTurns();
      expect(drained).toBe(false);
      expect(answered).toEqual([1]);

      gate.release(2);
      await nextTurns();
      expect(drained).toBe(true);
      expect(answered).toEqual([1, 2]);
    });

    it('resolves when the requests were answered with failures', async () => {
      const committer = new GroupCommitter<number, number>(() => Promise.reject(new Error('gone')));
      const answer = expect(committer.submit(1)).rejects.toThrow('gone');
      await committer.drain();
      await answer;
    });
  });
});
