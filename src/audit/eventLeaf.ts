import { createHash } from 'node:crypto';
import type { RecordedEvent } from '../eventstore/eventStore';
import { canonicalJson, type JsonObject } from '../eventstore/json';

/** Names the byte format of a leaf, inside the bytes themselves: a later format gets a new name. */
export const EVENT_LEAF_FORMAT = 'obligations.event.v1';

/**
 * The bytes the log commits to for one event: the UTF-8 of the RFC 8785 canonical JSON of
 *
 *   {"data":…,"eventId":…,"format":"obligations.event.v1","globalPosition":…,"metadata":{…},
 *    "schemaVersion":…,"streamId":…,"streamVersion":…,"type":…}
 *
 * with `metadata` holding `occurredAt`, `recordedAt`, `actor` and, only when present, `source`,
 * `correlationId`, `causationId` (an absent one is left out, never null). Everything the store
 * gives back is covered, the envelope included: moving an event to another position or stream,
 * or changing when it was recorded, changes its leaf. README "Tamper evidence" repeats this for
 * auditors who reimplement it.
 */
export function eventLeafEntry(event: RecordedEvent): string {
  const { metadata } = event;
  const entry: JsonObject = {
    format: EVENT_LEAF_FORMAT,
    globalPosition: event.globalPosition,
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: {
      occurredAt: metadata.occurredAt,
      recordedAt: metadata.recordedAt,
      actor: metadata.actor,
      ...(metadata.source !== undefined && { source: metadata.source }),
      ...(metadata.correlationId !== undefined && { correlationId: metadata.correlationId }),
      ...(metadata.causationId !== undefined && { causationId: metadata.causationId }),
    },
  };
  return canonicalJson(entry);
}

/** RFC 9162 §2.1.1: the leaf hash is SHA-256(0x00 || entry bytes). */
export function hashLeaf(entry: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(entry).digest();
}

/** The Merkle leaf hash of one recorded event. */
export function eventLeafHash(event: RecordedEvent): Buffer {
  return hashLeaf(Buffer.from(eventLeafEntry(event), 'utf8'));
}

/** The chain hash before the first event: 32 zero bytes. */
export const CHAIN_START: Buffer = Buffer.alloc(32);

/**
 * chain_n = SHA-256(0x02 || chain_{n-1} || leafHash_n): each link covers every event before it.
 * 0x02 keeps a chain link apart from a Merkle leaf (0x00) and an inner node (0x01).
 */
export function chainHash(previous: Uint8Array, leafHash: Uint8Array): Buffer {
  return createHash('sha256').update(CHAIN_PREFIX).update(previous).update(leafHash).digest();
}

const LEAF_PREFIX = Buffer.from([0x00]);
const CHAIN_PREFIX = Buffer.from([0x02]);
