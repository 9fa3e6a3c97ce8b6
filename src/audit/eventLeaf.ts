import { hash } from 'node:crypto';
import type { RecordedEvent } from '../eventstore/eventStore';
import { canonicalJson } from '../eventstore/json';
import { storedDataJsonOf } from '../eventstore/storedDataJson';

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
  // Written member by member in canonical order (the keys sorted by UTF-16 code units), each
  // value by canonicalJson: the same bytes as canonicalJson of the whole entry, without building
  // the entry and a sorted copy of it for every event (a rebuild of the hash chain spent a tenth
  // of its time there). The data of an event read from a SQL store is its stored text, which is
  // canonicalJson of the data (storedDataJsonOf): neither parsed nor written again. An edited
  // stored text changes the leaf all the same. The test pins the bytes.
  const { metadata } = event;
  const json = canonicalJson;
  return (
    `{"data":${storedDataJsonOf(event)},"eventId":${json(event.eventId)},` +
    `"format":"${EVENT_LEAF_FORMAT}","globalPosition":${json(event.globalPosition)},` +
    `"metadata":{"actor":${json(metadata.actor)}` +
    (metadata.causationId === undefined ? '' : `,"causationId":${json(metadata.causationId)}`) +
    (metadata.correlationId === undefined
      ? ''
      : `,"correlationId":${json(metadata.correlationId)}`) +
    `,"occurredAt":${json(metadata.occurredAt)},"recordedAt":${json(metadata.recordedAt)}` +
    (metadata.source === undefined ? '' : `,"source":${json(metadata.source)}`) +
    `},"schemaVersion":${json(event.schemaVersion)},"streamId":${json(event.streamId)},` +
    `"streamVersion":${json(event.streamVersion)},"type":${json(event.type)}}`
  );
}

/** RFC 9162 §2.1.1: the leaf hash is SHA-256(0x00 || entry bytes). */
export function hashLeaf(entry: Uint8Array): Buffer {
  const bytes = Buffer.allocUnsafe(entry.length + 1);
  bytes[0] = 0x00;
  bytes.set(entry, 1);
  return hash('sha256', bytes, 'buffer');
}

/** The Merkle leaf hash of one recorded event. */
export function eventLeafHash(event: RecordedEvent): Buffer {
  // A string is hashed as its UTF-8: "\0" + entry is the bytes 0x00 || entry, in one call.
  return hash('sha256', `\0${eventLeafEntry(event)}`, 'buffer');
}

/** The chain hash before the first event: 32 zero bytes. */
export const CHAIN_START: Buffer = Buffer.alloc(32);

/**
 * chain_n = SHA-256(0x02 || chain_{n-1} || leafHash_n): each link covers every event before it.
 * 0x02 keeps a chain link apart from a Merkle leaf (0x00) and an inner node (0x01).
 */
export function chainHash(previous: Uint8Array, leafHash: Uint8Array): Buffer {
  return hashOfTwo(0x02, previous, leafHash);
}

/**
 * SHA-256(prefix || left || right) in one call (crypto.hash, Node 20.12 and later): an
 * incremental Hash object costs about twice as much for 65 bytes.
 */
export function hashOfTwo(prefix: number, left: Uint8Array, right: Uint8Array): Buffer {
  const bytes = Buffer.allocUnsafe(1 + left.length + right.length);
  bytes[0] = prefix;
  bytes.set(left, 1);
  bytes.set(right, 1 + left.length);
  return hash('sha256', bytes, 'buffer');
}
