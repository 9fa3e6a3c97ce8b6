import { START, type Position, type ReadPosition } from '@eventstore/db-client';

/**
 * Our `globalPosition` is KurrentDB's log position of the event's record.
 *
 * A KurrentDB $all position is a pair {commit, prepare}. Every append through the gRPC API writes
 * each of its events as its own "committed prepare" record (an implicit transaction, no separate
 * commit record), so for these events commit = prepare = the byte offset of the event's record in
 * the transaction log, even when one append writes several events. That number is unique per event
 * and strictly increasing along $all, with gaps (it counts bytes). Only the explicit transactions
 * of the deprecated TCP API give commit != prepare; this service never writes them, and an event
 * with such a position is refused rather than mapped to a number that would not be unique.
 *
 * Reading $all forwards from {p, p} includes the event at p (the server compares positions with
 * >=), so "after p" is read from {p, p} and the event at p itself is dropped. p is always the
 * position of an event we returned, so it is a record boundary the server can start at.
 */
export function toGlobalPosition(position: Position | undefined): number {
  if (position === undefined)
    throw new Error(
      'KurrentDB reported no log position (KurrentDB/EventStoreDB 22.6+ is required)',
    );
  const { commit, prepare } = position;
  if (commit !== prepare) {
    throw new Error(
      `event at commit ${commit} / prepare ${prepare} was written in an explicit transaction; this store reads only events appended through the gRPC API`,
    );
  }
  // 0 and 2^64-1 are what servers older than 22.6 send for positions they do not know.
  if (commit <= 0n || commit > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new Error(
      `log position ${commit} is not a safe integer above 0 (KurrentDB/EventStoreDB 22.6+ is required; logs beyond 8 PiB are not supported)`,
    );
  }
  return Number(commit);
}

/** Where a forward read of $all starts to find the events after `after` (inclusive of `after`). */
export function readPositionAfter(after: number): ReadPosition {
  if (!Number.isSafeInteger(after) || after < 0)
    throw new RangeError(`not a global position: ${after}`);
  return after === 0 ? START : { commit: BigInt(after), prepare: BigInt(after) };
}

/** True when `position` comes strictly after `other` along $all. */
export function isAfter(position: Position, other: Position): boolean {
  return (
    position.commit > other.commit ||
    (position.commit === other.commit && position.prepare > other.prepare)
  );
}
