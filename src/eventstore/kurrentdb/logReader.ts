import {
  BACKWARDS,
  END,
  FORWARDS,
  START,
  type AllStreamResolvedEvent,
  type Direction,
  type Position,
  type ReadPosition,
  type RecordedEvent as ClientRecordedEvent,
} from '@eventstore/db-client';
import { StoreUnavailableError } from '../errors';
import type { RecordedEvent } from '../eventStore';
import { decodeRecordedEvent, isSystemRecord, type DecodedEvent } from './eventEnvelope';
import { isClaimStream } from './eventIdClaims';
import { isAfter, readPositionAfter } from './positions';

/** One read of $all: up to `maxCount` records from `from` (inclusive forwards, exclusive backwards). */
export type ReadLogPage = (
  from: ReadPosition,
  direction: Direction,
  maxCount: number,
) => Promise<AllStreamResolvedEvent[]>;

/** Our event in a record of $all, or null for anything else (system events, claims, strangers). */
export type OwnEventOf = (record: ClientRecordedEvent) => DecodedEvent | null;

/**
 * Ours, or null for KurrentDB's own events, our event id claims, and events other applications
 * wrote to the same server (those are reported to `onStranger`: our streams should hold none).
 */
export function ownEventInLog(
  record: ClientRecordedEvent,
  onStranger: (record: ClientRecordedEvent) => void = () => undefined,
): DecodedEvent | null {
  if (isSystemRecord(record) || isClaimStream(record.streamId)) return null;
  const decoded = decodeRecordedEvent(record);
  if (decoded === null) onStranger(record);
  return decoded;
}

export const MIN_PAGE = 64;
const MAX_PAGE = 4_096;

/**
 * Our events after global position `after`, at most `maxCount`, in log order. $all also holds
 * KurrentDB's own events and other records we skip, so this keeps reading page after page until
 * it has found `maxCount` events or reached the end: a page of nothing but skipped records is not
 * the end of the log, and only an empty result means "caught up".
 *
 * `after` is normally 0 or a position this store returned (a checkpoint): a record boundary the
 * server can start at. Global positions count bytes, so any other number (say, a position minus
 * one) points into a record; the server checks what it reads there and refuses, and the read then
 * starts from the last record before `after` instead.
 */
export async function readLogAfter(
  readPage: ReadLogPage,
  ownEventOf: OwnEventOf,
  after: number,
  maxCount: number,
): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  if (maxCount <= 0) return events;
  let from = readPositionAfter(after);
  // Forward reads include their start: the event at `after` comes back and is dropped.
  let seen: Position | null =
    after === 0 ? null : { commit: BigInt(after), prepare: BigInt(after) };
  const pageSize = Math.min(MAX_PAGE, Math.max(MIN_PAGE, maxCount + 1));
  for (let first = true; ; first = false) {
    let page: AllStreamResolvedEvent[];
    try {
      page = await readPage(from, FORWARDS, pageSize);
    } catch (error) {
      if (!first || after === 0 || error instanceof StoreUnavailableError) throw error;
      from = await recordAtOrBefore(readPage, after);
      page = await readPage(from, FORWARDS, pageSize);
    }
    let progressed = false;
    for (const { event: record } of page) {
      if (record === undefined || (seen !== null && !isAfter(record.position, seen))) continue;
      seen = record.position;
      progressed = true;
      const own = ownEventOf(record);
      if (own === null) continue;
      events.push(own.event);
      if (events.length === maxCount) return events;
    }
    if (page.length < pageSize || !progressed || seen === null) return events;
    from = seen;
  }
}

/**
 * The position of the last record of $all at or before `position`, found by reading back from the
 * end, or the start of the log if there is none. Only for positions the store did not hand out.
 */
async function recordAtOrBefore(readPage: ReadLogPage, position: number): Promise<ReadPosition> {
  let from: ReadPosition = END;
  let seen: Position | null = null;
  for (;;) {
    const page = await readPage(from, BACKWARDS, MAX_PAGE);
    for (const { event: record } of page) {
      if (record === undefined || (seen !== null && !isAfter(seen, record.position))) continue;
      seen = record.position;
      if (record.position.commit <= BigInt(position)) return record.position;
    }
    if (page.length < MAX_PAGE || seen === null) return START;
    from = seen;
  }
}

/** Our newest event in $all, searching back at most `maxPages` pages (all of them by default). */
export async function newestInLog(
  readPage: ReadLogPage,
  ownEventOf: OwnEventOf,
  maxPages = Number.POSITIVE_INFINITY,
): Promise<DecodedEvent | null> {
  let from: ReadPosition = END;
  let seen: Position | null = null;
  for (let pages = 0; pages < maxPages; pages++) {
    const page = await readPage(from, BACKWARDS, MIN_PAGE);
    let progressed = false;
    for (const { event: record } of page) {
      if (record === undefined || (seen !== null && !isAfter(seen, record.position))) continue;
      seen = record.position;
      progressed = true;
      const own = ownEventOf(record);
      if (own !== null) return own;
    }
    if (page.length < MIN_PAGE || !progressed || seen === null) return null;
    from = seen;
  }
  return null;
}
