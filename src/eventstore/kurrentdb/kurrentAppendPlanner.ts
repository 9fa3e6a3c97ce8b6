import { previousAppendOf, versionMatches, type AppendRequest } from '../appendPlanner';
import { WrongExpectedVersionError } from '../errors';
import type { AppendResult } from '../eventStore';
import type { StreamState } from './streamIdentityCache';

export type KurrentAppendPlan =
  | { readonly kind: 'already-appended'; readonly result: AppendResult }
  | {
      readonly kind: 'append';
      /** The stream's version the append is conditioned on: always exact, never "any". */
      readonly expectedVersion: number;
      readonly recordedAt: string;
    };

/**
 * Decides one append against what is known of its stream, with the same rules as the SQL stores
 * (AppendPlanner): a retry of stored events is answered with their original versions and
 * positions, a conflicting id or a mix of stored and new ids is refused, and the expected version
 * is checked. Positions are not planned: KurrentDB assigns them. What the append is conditioned on
 * is the exact version read, also when the caller said `any` or `exists`, so that the server
 * refuses it if another writer got there first, and the store can re-plan on fresh state.
 *
 * Record time: the clock, but never earlier than the latest record time this process wrote or
 * read for the stream, or wrote anywhere (`floorRecordedAt`). Within one process it therefore never
 * decreases along the log or a stream; across processes it never decreases along a stream whose
 * state was fresh when planned, but two processes with skewed clocks can write record times that
 * decrease along $all. (The SQL stores decide record time under the log's write lock instead.)
 */
export function planKurrentAppend(input: {
  readonly state: StreamState;
  readonly request: AppendRequest;
  readonly now: Date;
  readonly floorRecordedAt: string | null;
}): KurrentAppendPlan {
  const { state, request } = input;
  const replay = previousAppendOf(request, state.identities);
  if (replay) return { kind: 'already-appended', result: replay };
  if (!versionMatches(request.expectedVersion, state.version)) {
    throw new WrongExpectedVersionError(request.streamId, request.expectedVersion, state.version);
  }
  const recordedAt = [input.floorRecordedAt, state.lastRecordedAt].reduce<string>(
    (latest, candidate) => (candidate !== null && candidate > latest ? candidate : latest),
    input.now.toISOString(),
  );
  return { kind: 'append', expectedVersion: state.version, recordedAt };
}
