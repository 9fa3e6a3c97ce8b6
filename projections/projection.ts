import type { RecordedEvent } from '../src/eventstore/eventStore';
import type { ReadModelMigration, SqlExecutor } from '../src/readstore/readStore';

/**
 * A read model: its tables (versioned migrations in both SQL dialects) and how a batch of
 * events changes them. `apply` runs inside the transaction that also moves the projection's
 * checkpoint, so it must write only through `tx`, and must be a function of the events alone
 * (no clock, no randomness): a rebuild from zero must give the same rows.
 */
export interface Projection {
  /** Stable name: the checkpoint key, the lease name, the migrations' owner. */
  readonly name: string;
  readonly migrations: readonly ReadModelMigration[];
  apply(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void>;
  /**
   * Every table holding this read model's rows: what a rebuild empties before it applies the
   * log from its start (src/workers/rebuild.ts). Only read models declare it, and only they can
   * be rebuilt: a policy leaves it out, since what it appended stays appended.
   */
  readonly tables?: readonly string[];
  /**
   * The only event types `apply` reads, when it reads only some: every other event leaves its
   * rows unchanged. A rebuild may then skip the others inside the store, never reading them
   * (src/workers/rebuild.ts); `apply` is still handed events of any type by the live worker.
   */
  readonly eventTypes?: readonly string[];
  /** Forgets what the projection keeps in memory between batches (caches): called before a rebuild. */
  reset?(): void;
}
