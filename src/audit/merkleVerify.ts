import { createHash, createPublicKey, verify } from 'node:crypto';

/**
 * What an auditor runs offline, without trusting the server: checks of RFC 9162 inclusion and
 * consistency proofs (§2.1.3.2, §2.1.4.2, transcribed step by step) and of a signed checkpoint.
 * Pure: no I/O, no clock, and nothing shared with the code that made the proofs. Hashes are
 * lowercase hex strings, as the API answers them.
 */

/** RFC 9162 §2.1.1: the hash of a leaf's bytes. */
export function leafHashOf(entry: Uint8Array): string {
  return sha256(Buffer.from([0x00]), entry).toString('hex');
}

export interface InclusionProof {
  readonly leafIndex: number;
  readonly treeSize: number;
  /** Hex, from the leaf's sibling up. */
  readonly auditPath: readonly string[];
}

/** True when `leafHash` is the leaf at `leafIndex` of the tree of `treeSize` leaves with `rootHash`. */
export function verifyInclusion(
  leafHash: string,
  proof: InclusionProof,
  rootHash: string,
): boolean {
  const { leafIndex, treeSize } = proof;
  if (!isSize(leafIndex) || !isSize(treeSize) || leafIndex >= treeSize) return false;
  const path = parseHashes(proof.auditPath);
  const leaf = parseHash(leafHash);
  if (path === null || leaf === null) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = node(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = node(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.toString('hex') === rootHash.toLowerCase();
}

/** True when the tree of `fromSize` leaves with `fromRoot` is a prefix of the one of `toSize` with `toRoot`. */
export function verifyConsistency(
  fromSize: number,
  toSize: number,
  proof: readonly string[],
  fromRoot: string,
  toRoot: string,
): boolean {
  if (!isSize(fromSize) || !isSize(toSize) || fromSize > toSize) return false;
  const path = parseHashes(proof);
  const first = parseHash(fromRoot);
  const second = parseHash(toRoot);
  if (path === null || first === null || second === null) return false;
  if (fromSize === toSize) return path.length === 0 && first.equals(second);
  // Every tree extends the empty one; nothing to prove.
  if (fromSize === 0) return path.length === 0;
  if (path.length === 0) return false;
  if (isPowerOfTwo(fromSize)) path.unshift(first);
  let fn = fromSize - 1;
  let sn = toSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = node(c, fr);
      sr = node(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = node(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(first) && sr.equals(second);
}

/** A signed checkpoint as the API answers it (src/audit/checkpoint.ts documents the format). */
export interface SignedCheckpointJson {
  readonly treeSize: number;
  readonly rootHash: string;
  readonly chainHash: string;
  readonly timestamp: string;
  /** v2 only: the root and size of the sorted stream-head table it commits to. */
  readonly streamHeadsRoot?: string;
  readonly streamHeadsSize?: number;
  /** Base64 Ed25519 signature over checkpointMessage(...). */
  readonly signature: string;
}

/**
 * The bytes a checkpoint's signature covers: the UTF-8 of the RFC 8785 canonical JSON of
 * {"chainHash","format":"obligations.checkpoint.v1","rootHash","timestamp","treeSize"}, or for a
 * checkpoint with stream heads {"chainHash","format":"obligations.checkpoint.v2","rootHash",
 * "streamHeadsRoot","streamHeadsSize","timestamp","treeSize"}. Written out by hand here (keys
 * already in order, values that need no escaping) so that the verifier does not depend on the
 * server's serialiser. Half a v2 commitment is not a checkpoint.
 */
export function checkpointMessage(checkpoint: Omit<SignedCheckpointJson, 'signature'>): Buffer {
  const { treeSize, rootHash, chainHash, timestamp, streamHeadsRoot, streamHeadsSize } = checkpoint;
  if (!isSize(treeSize) || !HEX_HASH.test(rootHash) || !HEX_HASH.test(chainHash))
    throw new RangeError('not a checkpoint');
  if (!/^[0-9TZ:.+-]+$/.test(timestamp)) throw new RangeError('not a checkpoint timestamp');
  if (streamHeadsRoot === undefined && streamHeadsSize === undefined)
    return Buffer.from(
      `{"chainHash":"${chainHash}","format":"obligations.checkpoint.v1","rootHash":"${rootHash}","timestamp":"${timestamp}","treeSize":${treeSize}}`,
      'utf8',
    );
  if (
    streamHeadsRoot === undefined ||
    streamHeadsSize === undefined ||
    !HEX_HASH.test(streamHeadsRoot) ||
    !isSize(streamHeadsSize)
  )
    throw new RangeError('not a checkpoint: a stream-head commitment needs its root and size');
  return Buffer.from(
    `{"chainHash":"${chainHash}","format":"obligations.checkpoint.v2","rootHash":"${rootHash}","streamHeadsRoot":"${streamHeadsRoot}","streamHeadsSize":${streamHeadsSize},"timestamp":"${timestamp}","treeSize":${treeSize}}`,
    'utf8',
  );
}

/** True when the checkpoint was signed by the Ed25519 key of `publicKeyPem` (SPKI PEM). */
export function verifyCheckpointSignature(
  checkpoint: SignedCheckpointJson,
  publicKeyPem: string,
): boolean {
  let message: Buffer;
  try {
    message = checkpointMessage(checkpoint);
  } catch {
    return false;
  }
  const key = createPublicKey(publicKeyPem);
  if (key.asymmetricKeyType !== 'ed25519') return false;
  return verify(null, message, key, Buffer.from(checkpoint.signature, 'base64'));
}

const HEX_HASH = /^[0-9a-f]{64}$/;

function parseHash(hex: string): Buffer | null {
  return HEX_HASH.test(hex.toLowerCase()) ? Buffer.from(hex, 'hex') : null;
}

function parseHashes(hexes: readonly string[]): Buffer[] | null {
  const hashes = hexes.map(parseHash);
  return hashes.every((hash): hash is Buffer => hash !== null) ? hashes : null;
}

function node(left: Buffer, right: Buffer): Buffer {
  return sha256(Buffer.from([0x01]), left, right);
}

function sha256(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

function isSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && Number.isInteger(Math.log2(n));
}
