import { getEventListeners } from 'node:events';
import { WakeSignal } from '../../src/eventstore/wakeSignal';

const A_MINUTE_MS = 60_000;

/** Tracks whether a wait has returned, without awaiting it. */
function watch(wait: Promise<void>): { readonly returned: boolean } {
  const state = { returned: false };
  void wait.then(() => {
    state.returned = true;
  });
  return state;
}

/** Lets pending promise callbacks run without moving the fake clock. */
async function settle(): Promise<void> {
  await jest.advanceTimersByTimeAsync(0);
}

describe('WakeSignal', () => {
  let signal: WakeSignal;
  let abort: AbortController;

  beforeEach(() => {
    jest.useFakeTimers();
    signal = new WakeSignal();
    abort = new AbortController();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  function leftovers() {
    return {
      timers: jest.getTimerCount(),
      abortListeners: getEventListeners(abort.signal, 'abort').length,
    };
  }

  it('moves the generation on by one per notify', () => {
    expect(signal.generation).toBe(0);
    signal.notify();
    signal.notify();
    expect(signal.generation).toBe(2);
  });

  it('wakes a waiter when notified', async () => {
    const wait = watch(signal.wait(signal.generation, A_MINUTE_MS, abort.signal));
    await settle();
    expect(wait.returned).toBe(false);

    signal.notify();
    await settle();
    expect(wait.returned).toBe(true);
  });

  it('does not lose a notify that lands between reading the generation and waiting', async () => {
    const seen = signal.generation;
    signal.notify();
    const wait = watch(signal.wait(seen, A_MINUTE_MS, abort.signal));
    await settle();
    expect(wait.returned).toBe(true);
    expect(leftovers()).toEqual({ timers: 0, abortListeners: 0 });
  });

  it('wakes every waiter with one notify', async () => {
    const seen = signal.generation;
    const waits = [1, 2, 3].map(() => watch(signal.wait(seen, A_MINUTE_MS, abort.signal)));
    signal.notify();
    await settle();
    expect(waits.map((wait) => wait.returned)).toEqual([true, true, true]);
  });

  it('makes a waiter that saw the latest generation wait for the next notify', async () => {
    signal.notify();
    const wait = watch(signal.wait(signal.generation, A_MINUTE_MS, abort.signal));
    await settle();
    expect(wait.returned).toBe(false);
    signal.notify();
    await settle();
    expect(wait.returned).toBe(true);
  });

  it('returns after the timeout when nobody notifies', async () => {
    const wait = watch(signal.wait(signal.generation, 1_000, abort.signal));
    await jest.advanceTimersByTimeAsync(999);
    expect(wait.returned).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(wait.returned).toBe(true);
  });

  it('returns when the abort signal fires', async () => {
    const wait = watch(signal.wait(signal.generation, A_MINUTE_MS, abort.signal));
    abort.abort();
    await settle();
    expect(wait.returned).toBe(true);
  });

  it('returns at once when the abort signal has already fired', async () => {
    abort.abort();
    const wait = watch(signal.wait(signal.generation, A_MINUTE_MS, abort.signal));
    await settle();
    expect(wait.returned).toBe(true);
    expect(leftovers()).toEqual({ timers: 0, abortListeners: 0 });
  });

  it.each([
    ['a notify', () => signal.notify()],
    ['an abort', () => abort.abort()],
    ['the timeout', () => jest.advanceTimersByTime(A_MINUTE_MS)],
  ])('leaves no timer and no abort listener behind after %s', async (_what, wake) => {
    const wait = watch(signal.wait(signal.generation, A_MINUTE_MS, abort.signal));
    expect(leftovers()).toEqual({ timers: 1, abortListeners: 1 });
    wake();
    await settle();
    expect(wait.returned).toBe(true);
    expect(leftovers()).toEqual({ timers: 0, abortListeners: 0 });
  });
});
