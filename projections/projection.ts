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
}
