export type Outcome<R> =
  { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown };

/**
 * Groups the requests that arrive while a commit is being prepared or running into one commit:
 * one writer, one durable transaction per event-loop turn (or per commit in flight). On these
 * machines one fsync for many requests is what makes full durability cheaper than a non-durable
 * commit per request. `commit` answers one outcome per request, in order.
 */
export class GroupCommitter<T, R> {
  private queue: { item: T; resolve: (value: R) => void; reject: (error: unknown) => void }[] = [];
  private scheduled = false;
  private running: Promise<void> | null = null;

  constructor(
    private readonly commit: (
      items: readonly T[],
    ) => Promise<readonly Outcome<R>[]> | readonly Outcome<R>[],
    private readonly maxBatch = 1000,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every request submitted so far has been answered. */
  async drain(): Promise<void> {
    while (this.running || this.scheduled || this.queue.length > 0) {
      await (this.running ?? new Promise<void>((resolve) => setImmediate(resolve)));
    }
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    // setImmediate runs after the I/O callbacks of this turn, so every request parsed in the same
    // turn joins the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.running = this.runBatches().finally(() => {
        this.running = null;
        if (this.queue.length > 0) this.schedule();
      });
    });
  }

  private async runBatches(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      let outcomes: readonly Outcome<R>[];
      try {
        outcomes = await this.commit(batch.map((entry) => entry.item));
      } catch (error) {
        outcomes = batch.map(() => ({ ok: false, error }));
      }
      batch.forEach((entry, index) => {
        const outcome = outcomes[index] ?? {
          ok: false,
          error: new Error('commit answered too few outcomes'),
        };
        if (outcome.ok) entry.resolve(outcome.value);
        else entry.reject(outcome.error);
      });
    }
  }
}
