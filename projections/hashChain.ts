import { EVENT_LOOKUP_BUCKET } from '../src/audit/auditLog';
import { CHAIN_START, chainHash, eventLeafHash } from '../src/audit/eventLeaf';
import { hashChildren } from '../src/audit/merkleTree';
import type { RecordedEvent } from '../src/eventstore/eventStore';
import type { SqlExecutor, SqlParameter } from '../src/readstore/readStore';
import { insertRows } from './insertRows';
import type { Projection } from './projection';

// Leaves are numbered from 0 in log order (on the SQL stores leaf_index = global_position - 1;
// KurrentDB's positions have gaps). Hashes are lowercase hex.
const CREATE_LEAVES = `
CREATE TABLE audit_leaves (
  leaf_index BIGINT PRIMARY KEY,
  global_position BIGINT NOT NULL UNIQUE,
  event_id TEXT NOT NULL UNIQUE,
  leaf_hash TEXT NOT NULL,
  chain_hash TEXT NOT NULL
)`;

// The perfect subtrees of the Merkle tree above the leaves: level k, index i covers the leaves
// [i·2^k, (i+1)·2^k). Stored as each completes (one per leaf on average), never changed after:
// any root or proof needs O(log n) of them (src/audit/merkleTree.ts).
const CREATE_NODES = `
CREATE TABLE audit_tree_nodes (
  level INTEGER NOT NULL,
  node_index BIGINT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (level, node_index)
)`;

// Migration 2: each leaf names its stream and version, and each stream's last leaf is kept, so
// a checkpoint can commit to where every stream stood (src/audit/streamHeads.ts). Leaves hashed
// before it have no stream: the tables are emptied and the projection's checkpoint dropped, so it
// hashes the log again from its start on the next run (the same hashes: a function of the events).
// The signed checkpoints stay; none is signed until the chain has caught up with the last one.
const STREAM_HEADS = `
DROP TABLE audit_leaves;
DELETE FROM audit_tree_nodes;
DELETE FROM checkpoints WHERE name = 'hash-chain';
CREATE TABLE audit_leaves (
  leaf_index BIGINT PRIMARY KEY,
  global_position BIGINT NOT NULL UNIQUE,
  event_id TEXT NOT NULL UNIQUE,
  leaf_hash TEXT NOT NULL,
  chain_hash TEXT NOT NULL,
  stream_id TEXT NOT NULL,
  stream_version BIGINT NOT NULL
);
CREATE INDEX audit_leaves_by_stream ON audit_leaves (stream_id, leaf_index);
CREATE TABLE audit_stream_heads (
  stream_id TEXT PRIMARY KEY,
  stream_version BIGINT NOT NULL,
  global_position BIGINT NOT NULL,
  leaf_index BIGINT NOT NULL
)`;

// Migration 3: the two indexes a leaf was written into at a random place are gone, since they
// cost most of the time to hash the log (measured on a rebuild of 105,762 events: with both, the
// SQLite writes took about four times as long as without). Both were keyed by something that
// does not follow the log's order (an event id, a stream id), so each batch of 1,000 leaves
// dirtied hundreds of index pages, more as the log grows. Instead:
// - each leaf names the previous leaf of its stream (`previous_leaf_index`, null for a stream's
//   first event), so where a stream stood at an earlier tree size is found from the leaves after
//   it, in leaf order (src/audit/streamHeads.ts);
// - the event ids are indexed within buckets of EVENT_LOOKUP_BUCKET leaves, in log order: a batch
//   writes only into the newest bucket's part of the index, and a look-up by event id asks each
//   bucket from the newest (src/audit/auditLog.ts).
// The leaves are copied, not hashed again: the hashes do not change, and proofs stay available.
const WITHOUT_RANDOM_INDEXES = `
CREATE TABLE audit_leaves_v3 (
  leaf_index BIGINT PRIMARY KEY,
  global_position BIGINT NOT NULL UNIQUE,
  event_id TEXT NOT NULL,
  leaf_hash TEXT NOT NULL,
  chain_hash TEXT NOT NULL,
  stream_id TEXT NOT NULL,
  stream_version BIGINT NOT NULL,
  previous_leaf_index BIGINT
);
INSERT INTO audit_leaves_v3
  (leaf_index, global_position, event_id, leaf_hash, chain_hash, stream_id, stream_version,
   previous_leaf_index)
  SELECT leaf_index, global_position, event_id, leaf_hash, chain_hash, stream_id, stream_version,
    LAG(leaf_index) OVER (PARTITION BY stream_id ORDER BY leaf_index)
  FROM audit_leaves;
DROP TABLE audit_leaves;
ALTER TABLE audit_leaves_v3 RENAME TO audit_leaves;
CREATE INDEX audit_leaves_by_event ON audit_leaves ((leaf_index / ${EVENT_LOOKUP_BUCKET}), event_id)`;

const LEAF_COLUMNS =
  'leaf_index, global_position, event_id, leaf_hash, chain_hash, stream_id, stream_version, ' +
  'previous_leaf_index';
const UPSERT_HEAD = `INSERT INTO audit_stream_heads (stream_id, stream_version, global_position, leaf_index)
  VALUES (?, ?, ?, ?)
  ON CONFLICT (stream_id) DO UPDATE SET stream_version = excluded.stream_version,
    global_position = excluded.global_position, leaf_index = excluded.leaf_index`;
/**
 * Stream ids per look-up of their heads, well under either engine's limit of parameters. A list
 * is padded to the next of these lengths, so that the statement cache holds three statements,
 * not one per length.
 */
const HEAD_QUERY_SIZES = [8, 64, 512] as const;
const HEADS_PER_QUERY = HEAD_QUERY_SIZES[HEAD_QUERY_SIZES.length - 1]!;

export const HASH_CHAIN = 'hash-chain';

/**
 * Tamper evidence, kept as the log grows: for each event, its leaf hash (src/audit/eventLeaf.ts)
 * and the hash chain through it, and the Merkle tree's completed subtrees. A function of the
 * events alone, so a rebuild gives the same rows; the signed checkpoints over it live apart
 * (src/audit/checkpointStore.ts) and are never emptied. `verify` trusts none of this: it
 * recomputes from the event store and compares.
 *
 * A batch reads what it continues from once (the last leaf, the O(log n) perfect subtrees left of
 * it, the heads of the batch's streams), keeps the tree's right edge in memory while it hashes,
 * inserts its leaves and nodes many to a statement, and writes each stream's head once, as the
 * batch leaves it.
 */
export const hashChainProjection: Projection = {
  name: HASH_CHAIN,
  tables: ['audit_leaves', 'audit_tree_nodes', 'audit_stream_heads'],
  migrations: [
    {
      version: 1,
      name: 'hash chain and merkle tree',
      sqlite: `${CREATE_LEAVES};\n${CREATE_NODES}`,
      postgres: `${CREATE_LEAVES};\n${CREATE_NODES}`,
    },
    { version: 2, name: 'stream heads', sqlite: STREAM_HEADS, postgres: STREAM_HEADS },
    {
      version: 3,
      name: 'each leaf names its stream’s previous leaf; event ids indexed in log order',
      sqlite: WITHOUT_RANDOM_INDEXES,
      postgres: WITHOUT_RANDOM_INDEXES,
    },
  ],
  async apply(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const [last] = await tx.query<{ leaf_index: number | string; chain_hash: string }>(
      'SELECT leaf_index, chain_hash FROM audit_leaves ORDER BY leaf_index DESC LIMIT 1',
    );
    let index = last === undefined ? 0 : Number(last.leaf_index) + 1;
    let chain = last === undefined ? CHAIN_START : Buffer.from(last.chain_hash, 'hex');
    const edge = await rightEdge(tx, index);
    const previousLeaf = await streamHeads(tx, events);
    const lastOfStream = new Map<string, { event: RecordedEvent; leafIndex: number }>();
    const leaves: SqlParameter[][] = [];
    const nodes: SqlParameter[][] = [];
    for (const event of events) {
      const leaf = eventLeafHash(event);
      chain = chainHash(chain, leaf);
      leaves.push([
        index,
        event.globalPosition,
        event.eventId,
        leaf.toString('hex'),
        chain.toString('hex'),
        event.streamId,
        event.streamVersion,
        previousLeaf.get(event.streamId) ?? null,
      ]);
      previousLeaf.set(event.streamId, index);
      lastOfStream.set(event.streamId, { event, leafIndex: index });
      // A right child completes its parent: merge while the edge's last subtree is as large.
      let level = 0;
      let hash = leaf;
      for (let top = edge.at(-1); top !== undefined && top.level === level; top = edge.at(-1)) {
        edge.pop();
        hash = hashChildren(top.hash, hash);
        level += 1;
        nodes.push([level, Math.floor(index / 2 ** level), hash.toString('hex')]);
      }
      edge.push({ level, hash });
      index += 1;
    }
    await insertRows(tx, 'audit_leaves', LEAF_COLUMNS, leaves);
    await insertRows(tx, 'audit_tree_nodes', 'level, node_index, hash', nodes);
    // Each stream's head once, as the batch leaves it.
    for (const [streamId, { event, leafIndex }] of lastOfStream)
      await tx.execute(UPSERT_HEAD, [
        streamId,
        event.streamVersion,
        event.globalPosition,
        leafIndex,
      ]);
  },
};

/**
 * The perfect subtrees of the tree of `size` leaves, largest (leftmost) first: one per binary
 * digit of `size`, each stored (a leaf or a node) when it completed.
 */
async function rightEdge(
  tx: SqlExecutor,
  size: number,
): Promise<{ level: number; hash: Buffer }[]> {
  const wanted: { level: number; nodeIndex: number }[] = [];
  let start = 0;
  for (let level = Math.floor(Math.log2(Math.max(size, 1))); level >= 0; level--) {
    const width = 2 ** level;
    if (start + width > size) continue;
    wanted.push({ level, nodeIndex: start / width });
    start += width;
  }
  const edge: { level: number; hash: Buffer }[] = [];
  for (const { level, nodeIndex } of wanted) {
    const rows =
      level === 0
        ? await tx.query<{ hash: string }>(
            'SELECT leaf_hash AS hash FROM audit_leaves WHERE leaf_index = ?',
            [nodeIndex],
          )
        : await tx.query<{ hash: string }>(
            'SELECT hash FROM audit_tree_nodes WHERE level = ? AND node_index = ?',
            [level, nodeIndex],
          );
    const row = rows[0];
    if (row === undefined) throw new Error(`the Merkle node ${level}/${nodeIndex} is missing`);
    edge.push({ level, hash: Buffer.from(row.hash, 'hex') });
  }
  return edge;
}

/** The last leaf of each of the batch's streams before the batch (a new stream has none). */
async function streamHeads(
  tx: SqlExecutor,
  events: readonly RecordedEvent[],
): Promise<Map<string, number>> {
  const streamIds = [...new Set(events.map((event) => event.streamId))];
  const heads = new Map<string, number>();
  for (let i = 0; i < streamIds.length; i += HEADS_PER_QUERY) {
    const chunk: SqlParameter[] = streamIds.slice(i, i + HEADS_PER_QUERY);
    const size = HEAD_QUERY_SIZES.find((n) => n >= chunk.length) ?? HEADS_PER_QUERY;
    while (chunk.length < size) chunk.push(chunk[0]!);
    const rows = await tx.query<{ stream_id: string; leaf_index: number | string }>(
      `SELECT stream_id, leaf_index FROM audit_stream_heads WHERE stream_id IN (${chunk.map(() => '?').join(', ')})`,
      chunk,
    );
    for (const row of rows) heads.set(row.stream_id, Number(row.leaf_index));
  }
  return heads;
}
