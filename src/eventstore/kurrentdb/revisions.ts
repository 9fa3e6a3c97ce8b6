import {
  NO_STREAM,
  type AppendExpectedRevision,
  type CurrentRevision,
} from '@eventstore/db-client';

/**
 * Our stream versions count events from 1 (a stream's version is its event count, 0 = no events);
 * KurrentDB numbers events from 0 (a stream's revision is the number of its last event). So the
 * event at version v has revision v - 1, and a stream at version n is at revision n - 1.
 */

/** The exact expected revision of a stream that has `version` events. */
export function expectedRevisionOf(version: number): AppendExpectedRevision {
  return version === 0 ? NO_STREAM : BigInt(version - 1);
}

/** The revision of the event at `version` (>= 1). */
export function revisionOfVersion(version: number): bigint {
  if (!Number.isSafeInteger(version) || version < 1)
    throw new RangeError(`not a stream version: ${version}`);
  return BigInt(version - 1);
}

/** The version of the event with `revision`. */
export function versionOfRevision(revision: bigint): number {
  const version = revision + 1n;
  if (revision < 0n || version > BigInt(Number.MAX_SAFE_INTEGER))
    throw new RangeError(`stream revision ${revision} is out of range`);
  return Number(version);
}

/** The version (event count) of a stream the server reports at `current`. */
export function versionOfCurrentRevision(current: CurrentRevision): number {
  return current === NO_STREAM ? 0 : versionOfRevision(current);
}
