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

export async function leafOfEvent(executor: SqlExecutor, eventId: string): Promise<LeafRow | null> {
  const rows = await executor.query<RawLeafRow>(
    `SELECT ${LEAF_COLUMNS} FROM audit_leaves WHERE event_id = ?`,
    [eventId],
  );
  return rows[0] === undefined ? null : leafOf(rows[0]);
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
