import { canonicalJson } from '../eventstore/json';
import type { SigningKey } from './signingKey';

export const CHECKPOINT_FORMAT = 'obligations.checkpoint.v1';
/** A checkpoint that also commits to every stream's head (src/audit/streamHeads.ts). */
export const CHECKPOINT_FORMAT_V2 = 'obligations.checkpoint.v2';

/** What a checkpoint states: in the manner of an RFC 9162 signed tree head. */
export interface CheckpointBody {
  /** Leaves (events) covered: the first `treeSize` events of the global log. */
  readonly treeSize: number;
  /** MTH of those leaves, hex. */
  readonly rootHash: string;
  /** The hash chain after the last of them, hex. */
  readonly chainHash: string;
  /** When it was signed (RFC 3339, UTC, milliseconds). */
  readonly timestamp: string;
  /**
   * v2 only: MTH of the sorted stream-head table at `treeSize`, hex, and its number of entries.
   * Absent on the v1 checkpoints signed before it existed, which still verify as they were.
   */
  readonly streamHeadsRoot?: string;
  readonly streamHeadsSize?: number;
}

export interface SignedCheckpoint extends CheckpointBody {
  /** Which key signed: SHA-256 of its SPKI DER, hex. */
  readonly keyId: string;
  /** Base64 Ed25519 signature over checkpointBytes(body). */
  readonly signature: string;
}

/**
 * The signed bytes: the UTF-8 of the RFC 8785 canonical JSON of
 * {"chainHash":…,"format":"obligations.checkpoint.v1","rootHash":…,"timestamp":…,"treeSize":…},
 * or, with stream heads,
 * {"chainHash":…,"format":"obligations.checkpoint.v2","rootHash":…,"streamHeadsRoot":…,
 *  "streamHeadsSize":…,"timestamp":…,"treeSize":…}.
 * merkleVerify.checkpointMessage writes the same bytes independently, for auditors.
 */
export function checkpointBytes(body: CheckpointBody): Buffer {
  const { treeSize, rootHash, chainHash, timestamp, streamHeadsRoot, streamHeadsSize } = body;
  const signed =
    streamHeadsRoot === undefined || streamHeadsSize === undefined
      ? { format: CHECKPOINT_FORMAT, treeSize, rootHash, chainHash, timestamp }
      : {
          format: CHECKPOINT_FORMAT_V2,
          treeSize,
          rootHash,
          chainHash,
          timestamp,
          streamHeadsRoot,
          streamHeadsSize,
        };
  return Buffer.from(canonicalJson(signed), 'utf8');
}

export function signCheckpoint(body: CheckpointBody, key: SigningKey): SignedCheckpoint {
  return { ...body, keyId: key.keyId, signature: key.sign(checkpointBytes(body)) };
}
