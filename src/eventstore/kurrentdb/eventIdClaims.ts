import { randomUUID } from 'node:crypto';
import { NO_STREAM, jsonEvent } from '@eventstore/db-client';
import { EventIdConflictError } from '../errors';
import { collectRead } from './collectRead';
import type { KurrentDbClient } from './kurrentDbClient';
import { errorTypeOf } from './kurrentDbErrors';

/**
 * Event ids are unique across streams in the SQL stores (a unique index). KurrentDB only knows
 * ids within a stream and has no index by event id, and reading $all to look one up does not
 * scale. So each new event id is claimed before its append, by creating the stream
 * `~obligations-event-id-<id>` (expected: no stream) with one event naming the target stream. The
 * server's expected-revision check makes the first claim win, across processes and restarts; a
 * claim by the same stream again (a retry) is accepted.
 *
 * The claim and the append are two writes: an id claimed by an append that then failed (a wrong
 * expected version) stays bound to that stream, where a later retry still succeeds, while an
 * append of the same id to another stream is refused, although no event has that id yet. That is
 * stricter than the SQL stores, never looser. The cost is one small extra write (and stream) per
 * event, which this service's volume (deals, milestones, payments) affords.
 *
 * `~` cannot start one of our stream ids (preparedEvent.ts), so claims never collide with them.
 */
export const CLAIM_STREAM_PREFIX = '~obligations-event-id-';
export const CLAIM_EVENT_TYPE = 'EventIdClaimed';

export function claimStreamOf(eventId: string): string {
  return `${CLAIM_STREAM_PREFIX}${eventId}`;
}

export function isClaimStream(streamId: string): boolean {
  return streamId.startsWith(CLAIM_STREAM_PREFIX);
}

/** Claims every id for `streamId`, or throws EventIdConflictError for the first one claimed elsewhere. */
export async function claimEventIds(
  client: KurrentDbClient,
  streamId: string,
  eventIds: readonly string[],
  readTimeoutMs: number,
): Promise<void> {
  const outcomes = await Promise.allSettled(
    eventIds.map((eventId) => claimEventId(client, streamId, eventId, readTimeoutMs)),
  );
  const conflict = outcomes.find(
    (outcome) => outcome.status === 'rejected' && outcome.reason instanceof EventIdConflictError,
  );
  const failure = conflict ?? outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure?.status === 'rejected') throw failure.reason;
}

async function claimEventId(
  client: KurrentDbClient,
  streamId: string,
  eventId: string,
  readTimeoutMs: number,
): Promise<void> {
  try {
    await client.appendToStream(
      claimStreamOf(eventId),
      jsonEvent({ id: randomUUID(), type: CLAIM_EVENT_TYPE, data: { eventId, streamId } }),
      { expectedRevision: NO_STREAM },
    );
    return;
  } catch (error) {
    if (errorTypeOf(error) !== 'wrong-expected-version') throw error;
  }
  const [claim] = await collectRead(
    client.readStream(claimStreamOf(eventId), { maxCount: 1, requiresLeader: true }),
    readTimeoutMs,
  );
  const claimedBy = claimedStreamOf(claim?.event?.data);
  if (claimedBy === streamId) return;
  if (claimedBy === null) throw new Error(`the claim of event id ${eventId} is unreadable`);
  throw new EventIdConflictError(eventId, `to stream ${claimedBy}, not ${streamId}`);
}

function claimedStreamOf(data: unknown): string | null {
  if (typeof data !== 'object' || data === null) return null;
  const streamId = (data as Record<string, unknown>).streamId;
  return typeof streamId === 'string' ? streamId : null;
}
