import type { SqlExecutor } from '../readstore/readStore';
import { nodesNeeded, type NodeLookup } from './merkleTree';

/** Reads of the hash chain's tables (projections/hashChain.ts). */

export interface LeafRow {
  readonly leafIndex: number;
  readonly globalPosition: number;
  readonly eventId: string;
  readonly leafHash: string;
  readonly chainHash: string;
}

interface RawLeafRow {
  leaf_index: number | string;
  global_position: number | string;
  event_id: string;
  leaf_hash: string;
  chain_hash: string;
}

const LEAF_COLUMNS = 'leaf_index, global_position, event_id, leaf_hash, chain_hash';

/** How many leaves the hash chain holds (the next leaf's index). */
export async function hashedTreeSize(executor: SqlExecutor): Promise<number> {
  const [last] = await executor.query<{ leaf_index: number | string }>(
    'SELECT leaf_index FROM audit_leaves ORDER BY leaf_index DESC LIMIT 1',
  );
  return last === undefined ? 0 : Number(last.leaf_index) + 1;
}

export async function leafAt(executor: SqlExecutor, leafIndex: number): Promise<LeafRow | null> {
  const rows = await executor.query<RawLeafRow>(
    `SELECT ${LEAF_COLUMNS} FROM audit_leaves WHERE leaf_index = ?`,
    [leafIndex],
  );
  return rows[0] === undefined ? null : leafOf(rows[0]);
}

/**
 * The event ids are indexed by (leaf_index / EVENT_LOOKUP_BUCKET, event_id) (projections/
 * hashChain.ts, migration 3): in log order, bucket by bucket, so that hashing writes only into the
 * newest bucket's part of the index. A look-up asks the buckets from the newest down: one index
 * search each, 62 for a million events.
 */
export const EVENT_LOOKUP_BUCKET = 16_384;

/**
 * The leaf of an event, wherever it was hashed. `globalPosition`, where the caller knows where
 * the event is now, is tried first (one search of the positions' index); a leaf found there
 * counts only if it is that event's.
 */
export async function leafOfEvent(
  executor: SqlExecutor,
  eventId: string,
  globalPosition?: number,
): Promise<LeafRow | null> {
  if (globalPosition !== undefined) {
    const [atPosition] = await executor.query<RawLeafRow>(
      `SELECT ${LEAF_COLUMNS} FROM audit_leaves WHERE global_position = ?`,
      [globalPosition],
    );
    if (atPosition?.event_id === eventId) return leafOf(atPosition);
  }
  const size = await hashedTreeSize(executor);
  for (let bucket = Math.floor((size - 1) / EVENT_LOOKUP_BUCKET); bucket >= 0; bucket--) {
    const [row] = await executor.query<RawLeafRow>(
      `SELECT ${LEAF_COLUMNS} FROM audit_leaves
       WHERE leaf_index / ${EVENT_LOOKUP_BUCKET} = ? AND event_id = ?`,
      [bucket, eventId],
    );
    if (row !== undefined) return leafOf(row);
  }
  return null;
}

/** The leaves from `fromIndex` on, in order: what verify compares page by page. */
export async function leavesFrom(
  executor: SqlExecutor,
  fromIndex: number,
  limit: number,
): Promise<LeafRow[]> {
  const rows = await executor.query<RawLeafRow>(
    `SELECT ${LEAF_COLUMNS} FROM audit_leaves WHERE leaf_index >= ? ORDER BY leaf_index LIMIT ?`,
    [fromIndex, limit],
  );
  return rows.map(leafOf);
}

/**
 * Runs a root or proof computation (src/audit/merkleTree.ts) over the stored subtrees: finds the
 * ones it needs, fetches them in one query per table, then computes.
 */
export async function withStoredNodes<T>(
  executor: SqlExecutor,
  compute: (node: NodeLookup) => T,
): Promise<T> {
  const needed = nodesNeeded(compute);
  const hashes = new Map<string, Buffer>();
  const leaves = needed.filter(([level]) => level === 0).map(([, index]) => index);
  const inner = needed.filter(([level]) => level > 0);
  if (leaves.length > 0) {
    const rows = await executor.query<{ leaf_index: number | string; leaf_hash: string }>(
      `SELECT leaf_index, leaf_hash FROM audit_leaves WHERE leaf_index IN (${leaves.map(() => '?').join(', ')})`,
      leaves,
    );
    for (const row of rows)
      hashes.set(`0:${Number(row.leaf_index)}`, Buffer.from(row.leaf_hash, 'hex'));
  }
  if (inner.length > 0) {
    const rows = await executor.query<{ level: number; node_index: number | string; hash: string }>(
      `SELECT level, node_index, hash FROM audit_tree_nodes WHERE ${inner.map(() => '(level = ? AND node_index = ?)').join(' OR ')}`,
      inner.flat(),
    );
    for (const row of rows)
      hashes.set(`${Number(row.level)}:${Number(row.node_index)}`, Buffer.from(row.hash, 'hex'));
  }
  return compute((level, index) => {
    const hash = hashes.get(`${level}:${index}`);
    if (hash === undefined) throw new MerkleNodeMissingError(level, index);
    return hash;
  });
}

/**
 * A subtree the computation needs is not stored: the tables moved between the reads that sized the
 * tree and this one (a rebuild of the hash chain empties them, then fills them again).
 */
export class MerkleNodeMissingError extends Error {
  constructor(level: number, index: number) {
    super(`the Merkle node ${level}/${index} is not stored yet`);
    this.name = 'MerkleNodeMissingError';
  }
}

function leafOf(row: RawLeafRow): LeafRow {
  return {
    leafIndex: Number(row.leaf_index),
    globalPosition: Number(row.global_position),
    eventId: row.event_id,
    leafHash: row.leaf_hash,
    chainHash: row.chain_hash,
  };
}
