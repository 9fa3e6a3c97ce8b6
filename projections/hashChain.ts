import { CHAIN_START, chainHash, eventLeafHash } from '../src/audit/eventLeaf';
import { hashChildren } from '../src/audit/merkleTree';
import type { RecordedEvent } from '../src/eventstore/eventStore';
import type { SqlExecutor } from '../src/readstore/readStore';
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

export const HASH_CHAIN = 'hash-chain';

/**
 * Tamper evidence, kept as the log grows: for each event, its leaf hash (src/audit/eventLeaf.ts)
 * and the hash chain through it, and the Merkle tree's completed subtrees. A function of the
 * events alone, so a rebuild gives the same rows; the signed checkpoints over it live apart
 * (src/audit/checkpointStore.ts) and are never emptied. `verify` trusts none of this: it
 * recomputes from the event store and compares.
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
  ],
  async apply(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void> {
    const [last] = await tx.query<{ leaf_index: number | string; chain_hash: string }>(
      'SELECT leaf_index, chain_hash FROM audit_leaves ORDER BY leaf_index DESC LIMIT 1',
    );
    let index = last === undefined ? 0 : Number(last.leaf_index) + 1;
    let chain = last === undefined ? CHAIN_START : Buffer.from(last.chain_hash, 'hex');
    const known = new Map<string, Buffer>();
    const nodeAt = async (level: number, nodeIndex: number): Promise<Buffer> => {
      const cached = known.get(`${level}:${nodeIndex}`);
      if (cached !== undefined) return cached;
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
      return Buffer.from(row.hash, 'hex');
    };
    for (const event of events) {
      const leaf = eventLeafHash(event);
      chain = chainHash(chain, leaf);
      await tx.execute(
        `INSERT INTO audit_leaves
           (leaf_index, global_position, event_id, leaf_hash, chain_hash, stream_id, stream_version)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [
          index,
          event.globalPosition,
          event.eventId,
          leaf.toString('hex'),
          chain.toString('hex'),
          event.streamId,
          event.streamVersion,
        ],
      );
      await tx.execute(
        `INSERT INTO audit_stream_heads (stream_id, stream_version, global_position, leaf_index)
         VALUES (?, ?, ?, ?)
         ON CONFLICT (stream_id) DO UPDATE SET stream_version = excluded.stream_version,
           global_position = excluded.global_position, leaf_index = excluded.leaf_index`,
        [event.streamId, event.streamVersion, event.globalPosition, index],
      );
      known.set(`0:${index}`, leaf);
      // A right child completes its parent: climb while this subtree is one.
      let level = 0;
      let nodeIndex = index;
      let hash = leaf;
      while (nodeIndex % 2 === 1) {
        hash = hashChildren(await nodeAt(level, nodeIndex - 1), hash);
        level += 1;
        nodeIndex = (nodeIndex - 1) / 2;
        known.set(`${level}:${nodeIndex}`, hash);
        await tx.execute(
          'INSERT INTO audit_tree_nodes (level, node_index, hash) VALUES (?, ?, ?)',
          [level, nodeIndex, hash.toString('hex')],
        );
      }
      index += 1;
    }
  },
};
