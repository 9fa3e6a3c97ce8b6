import { createHash } from 'node:crypto';
import { hashOfTwo } from './eventLeaf';

/**
 * The Merkle tree of RFC 9162 §2.1 over the leaf hashes of the log, as the server computes its
 * roots and proofs. It never holds the tree: it asks `node(level, index)` for the hash of a
 * perfect subtree (2^level leaves starting at leaf index·2^level), which projections/hashChain.ts
 * stores as each such subtree completes. Every range the RFC's recursions split a tree into is
 * either such a perfect, aligned subtree or is split further, so O(log n) lookups answer a root
 * or a proof. Verification, for auditors, is in merkleVerify.ts and shares nothing with this.
 */
export type NodeLookup = (level: number, index: number) => Buffer;

/** RFC 9162: MTH({}) = SHA-256() */
export const EMPTY_TREE_HASH: Buffer = createHash('sha256').digest();

/** RFC 9162: an inner node is SHA-256(0x01 || left || right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  return hashOfTwo(0x01, left, right);
}

/** MTH(D[0:size]). */
export function treeHead(size: number, node: NodeLookup): Buffer {
  return size === 0 ? EMPTY_TREE_HASH : rangeHash(0, size, node);
}

/** PATH(index, D[0:size]): the audit path of one leaf, from its sibling up (RFC 9162 §2.1.3.1). */
export function inclusionPath(index: number, size: number, node: NodeLookup): Buffer[] {
  if (!(index >= 0 && index < size))
    throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  return path(index, 0, size, node);
}

/** PROOF(from, D[0:to]): that the tree of `from` leaves is a prefix of that of `to` (§2.1.4.1). */
export function consistencyProof(from: number, to: number, node: NodeLookup): Buffer[] {
  if (!(from >= 0 && from <= to))
    throw new RangeError(`no consistency proof from ${from} to ${to}`);
  if (from === 0 || from === to) return [];
  return subproof(from, 0, to, true, node);
}

/**
 * The perfect subtrees a root or proof needs, found by running it against a lookup that records
 * what it is asked: how a caller fetches them all in one query before computing for real.
 */
export function nodesNeeded(compute: (node: NodeLookup) => unknown): [number, number][] {
  const needed = new Map<string, [number, number]>();
  compute((level, index) => {
    needed.set(`${level}:${index}`, [level, index]);
    return EMPTY_TREE_HASH;
  });
  return [...needed.values()];
}

/** The largest power of two smaller than n (n > 1). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function rangeHash(start: number, end: number, node: NodeLookup): Buffer {
  const n = end - start;
  if (isPowerOfTwo(n)) return node(Math.log2(n), start / n);
  const k = splitPoint(n);
  return hashChildren(rangeHash(start, start + k, node), rangeHash(start + k, end, node));
}

function path(m: number, start: number, end: number, node: NodeLookup): Buffer[] {
  const n = end - start;
  if (n === 1) return [];
  const k = splitPoint(n);
  return m < k
    ? [...path(m, start, start + k, node), rangeHash(start + k, end, node)]
    : [...path(m - k, start + k, end, node), rangeHash(start, start + k, node)];
}

function subproof(
  m: number,
  start: number,
  end: number,
  complete: boolean,
  node: NodeLookup,
): Buffer[] {
  const n = end - start;
  if (m === n) return complete ? [] : [rangeHash(start, end, node)];
  const k = splitPoint(n);
  return m <= k
    ? [...subproof(m, start, start + k, complete, node), rangeHash(start + k, end, node)]
    : [...subproof(m - k, start + k, end, false, node), rangeHash(start, start + k, node)];
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && Number.isInteger(Math.log2(n));
}
