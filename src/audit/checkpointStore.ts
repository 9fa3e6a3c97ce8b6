import type { ReadModelMigration, SqlExecutor } from '../readstore/readStore';
import type { SignedCheckpoint } from './checkpoint';

// Not a read model: a checkpoint records what was signed when, which no replay of the log can
// reproduce (the time is part of it). A rebuild of the hash chain leaves these rows alone, and
// they still verify against it, since the rebuilt chain is the same.
const CREATE_CHECKPOINTS = `
CREATE TABLE audit_checkpoints (
  tree_size BIGINT PRIMARY KEY,
  root_hash TEXT NOT NULL,
  chain_hash TEXT NOT NULL,
  signed_at TEXT NOT NULL,
  key_id TEXT NOT NULL,
  signature TEXT NOT NULL
)`;

const STREAM_HEAD_COLUMNS = `
ALTER TABLE audit_checkpoints ADD COLUMN stream_heads_root TEXT;
ALTER TABLE audit_checkpoints ADD COLUMN stream_heads_size BIGINT`;

export const AUDIT_CHECKPOINTS_OWNER = 'audit-checkpoints';
export const auditCheckpointMigrations: readonly ReadModelMigration[] = [
  {
    version: 1,
    name: 'signed checkpoints',
    sqlite: CREATE_CHECKPOINTS,
    postgres: CREATE_CHECKPOINTS,
  },
  {
    // Null on the v1 checkpoints signed before: they verify as they were signed.
    version: 2,
    name: 'stream heads committed by v2 checkpoints',
    sqlite: STREAM_HEAD_COLUMNS,
    postgres: STREAM_HEAD_COLUMNS,
  },
];

interface CheckpointRow {
  tree_size: number | string;
  root_hash: string;
  chain_hash: string;
  signed_at: string;
  key_id: string;
  signature: string;
  stream_heads_root: string | null;
  stream_heads_size: number | string | null;
}

const COLUMNS =
  'tree_size, root_hash, chain_hash, signed_at, key_id, signature, stream_heads_root, stream_heads_size';

/** Stores a checkpoint; a second one of the same size (another worker's) is dropped. */
export async function saveCheckpoint(
  executor: SqlExecutor,
  checkpoint: SignedCheckpoint,
): Promise<void> {
  await executor.execute(
    `INSERT INTO audit_checkpoints (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (tree_size) DO NOTHING`,
    [
      checkpoint.treeSize,
      checkpoint.rootHash,
      checkpoint.chainHash,
      checkpoint.timestamp,
      checkpoint.keyId,
      checkpoint.signature,
      checkpoint.streamHeadsRoot ?? null,
      checkpoint.streamHeadsSize ?? null,
    ],
  );
}

export async function latestCheckpoint(executor: SqlExecutor): Promise<SignedCheckpoint | null> {
  const rows = await executor.query<CheckpointRow>(
    `SELECT ${COLUMNS} FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1`,
  );
  return rows[0] === undefined ? null : checkpointOf(rows[0]);
}

export async function checkpointOfSize(
  executor: SqlExecutor,
  treeSize: number,
): Promise<SignedCheckpoint | null> {
  const rows = await executor.query<CheckpointRow>(
    `SELECT ${COLUMNS} FROM audit_checkpoints WHERE tree_size = ?`,
    [treeSize],
  );
  return rows[0] === undefined ? null : checkpointOf(rows[0]);
}

/** Checkpoints in order of size, after `afterSize`: what verify walks through. */
export async function checkpointsAfter(
  executor: SqlExecutor,
  afterSize: number,
  limit: number,
): Promise<SignedCheckpoint[]> {
  const rows = await executor.query<CheckpointRow>(
    `SELECT ${COLUMNS} FROM audit_checkpoints WHERE tree_size > ? ORDER BY tree_size LIMIT ?`,
    [afterSize, limit],
  );
  return rows.map(checkpointOf);
}

function checkpointOf(row: CheckpointRow): SignedCheckpoint {
  return {
    treeSize: Number(row.tree_size),
    rootHash: row.root_hash,
    chainHash: row.chain_hash,
    timestamp: row.signed_at,
    keyId: row.key_id,
    signature: row.signature,
    ...(row.stream_heads_root !== null &&
      row.stream_heads_size !== null && {
        streamHeadsRoot: row.stream_heads_root,
        streamHeadsSize: Number(row.stream_heads_size),
      }),
  };
}
