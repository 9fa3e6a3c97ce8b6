import { canonicalJson } from '../eventstore/json';
import type { SigningKey } from './signingKey';

export const CHECKPOINT_FORMAT = 'obligations.checkpoint.v1';

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
}

export interface SignedCheckpoint extends CheckpointBody {
  /** Which key signed: SHA-256 of its SPKI DER, hex. */
  readonly keyId: string;
  /** Base64 Ed25519 signature over checkpointBytes(body). */
  readonly signature: string;
}

/**
 * The signed bytes: the UTF-8 of the RFC 8785 canonical JSON of
 * {"chainHash":…,"format":"obligations.checkpoint.v1","rootHash":…,"timestamp":…,"treeSize":…}.
 * merkleVerify.checkpointMessage writes the same bytes independently, for auditors.
 */
export function checkpointBytes(body: CheckpointBody): Buffer {
  const { treeSize, rootHash, chainHash, timestamp } = body;
  return Buffer.from(
    canonicalJson({ format: CHECKPOINT_FORMAT, treeSize, rootHash, chainHash, timestamp }),
    'utf8',
  );
}

export function signCheckpoint(body: CheckpointBody, key: SigningKey): SignedCheckpoint {
  return { ...body, keyId: key.keyId, signature: key.sign(checkpointBytes(body)) };
}
