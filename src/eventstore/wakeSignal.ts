/**
 * A level-triggered "something was appended" signal. A reader notes `generation` before it reads;
 * if an append lands between its read and its wait, the generation has moved on and the wait
 * returns at once, so no notification is ever lost between "read nothing" and "wait".
 */
export class WakeSignal {
  private currentGeneration = 0;
  private waiters = new Set<() => void>();

  get generation(): number {
    return this.currentGeneration;
  }

  notify(): void {
    this.currentGeneration += 1;
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  /** Resolves when notified after `seenGeneration`, after `timeoutMs`, or when `abort` fires. */
  wait(seenGeneration: number, timeoutMs: number, abort: AbortSignal): Promise<void> {
    if (this.currentGeneration !== seenGeneration || abort.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        abort.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      abort.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
  }
}
