/** One holder at a time, in arrival order. */
export class AsyncMutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    // The next holder waits for this one to finish, whether it succeeded or not.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
