import type { ReadModelMigration, SqlExecutor } from '../readstore/readStore';

const CREATE_CHECKPOINTS = `
CREATE TABLE checkpoints (
  name TEXT PRIMARY KEY,
  position BIGINT NOT NULL,
  updated_at TEXT NOT NULL
)`;

/** The checkpoints of every checkpointed worker (projections and policies), in the read store. */
export const checkpointMigrations: readonly ReadModelMigration[] = [
  { version: 1, name: 'checkpoints', sqlite: CREATE_CHECKPOINTS, postgres: CREATE_CHECKPOINTS },
];
export const CHECKPOINTS_OWNER = 'checkpoints';

export async function readCheckpoint(tx: SqlExecutor, name: string): Promise<number> {
  const rows = await tx.query<{ position: number }>(
    'SELECT position FROM checkpoints WHERE name = ?',
    [name],
  );
  return rows[0]?.position ?? 0;
}

/**
 * Moves a checkpoint from `from` to `to` only if it still stands at `from` (compare and set).
 * Done first in the transaction that applies the batch, it locks the checkpoint row, so two
 * processes that both believe they lead can never both apply the same events: the second finds
 * the checkpoint moved and its transaction is rolled back.
 */
export async function advanceCheckpoint(
  tx: SqlExecutor,
  input: { name: string; from: number; to: number; now: Date },
): Promise<boolean> {
  const { name, from, to, now } = input;
  if (from === 0) {
    const inserted = await tx.execute(
      'INSERT INTO checkpoints (name, position, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING',
      [name, to, now.toISOString()],
    );
    if (inserted === 1) return true;
  }
  const moved = await tx.execute(
    'UPDATE checkpoints SET position = ?, updated_at = ? WHERE name = ? AND position = ?',
    [to, now.toISOString(), name, from],
  );
  return moved === 1;
}
