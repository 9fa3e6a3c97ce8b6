import type { SqlExecutor } from '../readstore/readStore';
import { canonicalJson } from '../eventstore/json';
import { hashLeaf } from './eventLeaf';
import { MerkleFrontier } from './merkleFrontier';
import { hashChildren, inclusionPath } from './merkleTree';

/** Names the byte format of a stream-head entry, inside the bytes themselves. */
export const STREAM_HEAD_FORMAT = 'obligations.stream-head.v1';

/** Where one stream stood when a checkpoint was signed: its last event among the checkpoint's leaves. */
export interface StreamHead {
  readonly streamId: string;
  /** The stream's version (its event count) within the first `treeSize` leaves. */
  readonly streamVersion: number;
  readonly globalPosition: number;
  readonly leafIndex: number;
}

/**
 * The bytes committed for one stream head: the UTF-8 of the RFC 8785 canonical JSON of
 * {"format":"obligations.stream-head.v1","globalPosition":…,"leafIndex":…,"streamId":…,"streamVersion":…}.
 * bundleVerify.ts writes the same bytes with its own serialiser; README "Tamper evidence" too.
 */
export function streamHeadEntry(head: StreamHead): string {
  // Written member by member in canonical order (the keys sorted, integers and a JSON string as
  // RFC 8785 writes them): the same bytes as canonicalJson of the object, pinned by a test, at a
  // fraction of the cost, since a checkpoint writes one per stream.
  const { streamId, streamVersion, globalPosition, leafIndex } = head;
  if (![streamVersion, globalPosition, leafIndex].every(Number.isSafeInteger))
    return canonicalJson({
      format: STREAM_HEAD_FORMAT,
      streamId,
      streamVersion,
      globalPosition,
      leafIndex,
    });
  return `{"format":"${STREAM_HEAD_FORMAT}","globalPosition":${globalPosition},"leafIndex":${leafIndex},"streamId":${JSON.stringify(streamId)},"streamVersion":${streamVersion}}`;
}

/**
 * The order of the table the checkpoint commits to: by the UTF-8 bytes of the stream id. Not the
 * database's collation (it differs between engines and locales): an auditor proving that a
 * stream is absent checks its two neighbours in this order.
 */
export function compareStreamIds(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Sorted with compareStreamIds, each id encoded once (not twice per comparison). */
export function sortByStreamId<T extends { readonly streamId: string }>(items: Iterable<T>): T[] {
  return [...items]
    .map((item) => ({ key: Buffer.from(item.streamId, 'utf8'), item }))
    .sort((a, b) => Buffer.compare(a.key, b.key))
    .map(({ item }) => item);
}

/** Heads hashed or read between two turns of the event loop, so that a checkpoint of many
 * streams never holds up the requests in flight for long. */
const HEADS_PER_TURN = 2_000;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The leaf hashes of the sorted heads: SHA-256(0x00 || entry bytes), as for events. */
function headLeafHashes(heads: readonly StreamHead[]): Buffer[] {
  return heads.map((head) => hashLeaf(Buffer.from(streamHeadEntry(head), 'utf8')));
}

/** MTH over the heads (sorted with compareStreamIds): what a checkpoint signs as streamHeadsRoot. */
export function streamHeadsRoot(sortedHeads: readonly StreamHead[]): Buffer {
  const frontier = new MerkleFrontier();
  for (const hash of headLeafHashes(sortedHeads)) frontier.push(hash);
  return frontier.root();
}

/**
 * streamHeadsRoot for the signer, which shares its process with the API: the same root, hashed
 * HEADS_PER_TURN heads at a time with a turn of the event loop between them.
 */
export async function streamHeadsRootYielding(sortedHeads: readonly StreamHead[]): Promise<Buffer> {
  const frontier = new MerkleFrontier();
  for (let start = 0; start < sortedHeads.length; start += HEADS_PER_TURN) {
    if (start > 0) await nextTurn();
    for (const hash of headLeafHashes(sortedHeads.slice(start, start + HEADS_PER_TURN)))
      frontier.push(hash);
  }
  return frontier.root();
}

/** The sorted table in memory with every perfect subtree, for audit paths of its entries. */
export class StreamHeadsTree {
  private readonly levels: Buffer[][];
  private readonly indexOf = new Map<string, number>();

  constructor(readonly heads: readonly StreamHead[]) {
    this.levels = [headLeafHashes(heads)];
    for (let level = this.levels[0]!; level.length > 1;) {
      const next: Buffer[] = [];
      for (let i = 0; i + 1 < level.length; i += 2)
        next.push(hashChildren(level[i]!, level[i + 1]!));
      this.levels.push(next);
      level = next;
    }
    heads.forEach((head, index) => this.indexOf.set(head.streamId, index));
  }

  get size(): number {
    return this.heads.length;
  }

  /** The entry at `index` with its audit path in the tree of all heads. */
  proofAt(index: number): { head: StreamHead; index: number; auditPath: string[] } {
    const path = inclusionPath(index, this.size, (level, i) => {
      const hash = this.levels[level]?.[i];
      if (hash === undefined) throw new Error(`no stream-head node ${level}/${i}`);
      return hash;
    });
    return { head: this.heads[index]!, index, auditPath: path.map((node) => node.toString('hex')) };
  }

  /** Where the stream's entry is, or, when it has none, the index it would take. */
  locate(streamId: string): { found: boolean; index: number } {
    const index = this.indexOf.get(streamId);
    if (index !== undefined) return { found: true, index };
    let low = 0;
    let high = this.heads.length;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if (compareStreamIds(this.heads[middle]!.streamId, streamId) < 0) low = middle + 1;
      else high = middle;
    }
    return { found: false, index: low };
  }
}

interface HeadRow {
  stream_id: string;
  stream_version: number | string;
  global_position: number | string;
  leaf_index: number | string;
}

const headOf = (row: HeadRow): StreamHead => ({
  streamId: row.stream_id,
  streamVersion: Number(row.stream_version),
  globalPosition: Number(row.global_position),
  leafIndex: Number(row.leaf_index),
});

/**
 * Every stream's head within the first `treeSize` leaves, sorted: from the hash chain's current
 * heads (projections/hashChain.ts); for each head moved past `treeSize` since then, the first of
 * its stream's leaves from `treeSize` on names the leaf before it (`previous_leaf_index`), its
 * head at `treeSize` (none: the stream began later). The heads are read after the leaves below
 * `treeSize` were written and only move forward, so a head still below `treeSize` is the head
 * at `treeSize`. One read of the heads (O(streams), which is what a checkpoint commits to) and
 * of the leaves after `treeSize` until every moved stream is found, in leaf order.
 */
export async function streamHeadsAt(
  executor: SqlExecutor,
  treeSize: number,
): Promise<StreamHead[]> {
  const heads: StreamHead[] = [];
  const moved = new Set<string>();
  // Read HEADS_PER_TURN at a time in the database's own order of stream ids (any order that
  // pages will do: the result is sorted below), a turn of the event loop between reads. Heads
  // read later may have moved further: as for any head, one at or past treeSize is looked up in
  // the leaves, and a stream that began meanwhile began past treeSize.
  for (let after: string | null = null; ;) {
    const rows: HeadRow[] = await executor.query<HeadRow>(
      after === null
        ? `SELECT stream_id, stream_version, global_position, leaf_index FROM audit_stream_heads
           ORDER BY stream_id LIMIT ${HEADS_PER_TURN}`
        : `SELECT stream_id, stream_version, global_position, leaf_index FROM audit_stream_heads
           WHERE stream_id > ? ORDER BY stream_id LIMIT ${HEADS_PER_TURN}`,
      after === null ? [] : [after],
    );
    for (const row of rows) {
      const head = headOf(row);
      if (head.leafIndex < treeSize) heads.push(head);
      else moved.add(head.streamId);
    }
    if (rows.length < HEADS_PER_TURN) break;
    after = rows[rows.length - 1]!.stream_id;
    await nextTurn();
  }
  const earlier: number[] = [];
  for (let from = treeSize; moved.size > 0;) {
    const rows = await executor.query<{
      leaf_index: number | string;
      stream_id: string;
      previous_leaf_index: number | string | null;
    }>(
      `SELECT leaf_index, stream_id, previous_leaf_index FROM audit_leaves
       WHERE leaf_index >= ? ORDER BY leaf_index LIMIT ${LEAVES_PER_READ}`,
      [from],
    );
    for (const row of rows) {
      if (!moved.delete(row.stream_id)) continue;
      if (row.previous_leaf_index !== null) earlier.push(Number(row.previous_leaf_index));
    }
    if (rows.length < LEAVES_PER_READ) break;
    from = Number(rows[rows.length - 1]!.leaf_index) + 1;
  }
  for (const leafIndex of earlier) {
    const [row] = await executor.query<HeadRow>(
      `SELECT stream_id, stream_version, global_position, leaf_index FROM audit_leaves
       WHERE leaf_index = ?`,
      [leafIndex],
    );
    if (row !== undefined) heads.push(headOf(row));
  }
  return sortByStreamId(heads);
}

/** Leaves read at a time while looking for the streams that moved past a tree size. */
const LEAVES_PER_READ = 1_000;
