import { randomUUID } from 'node:crypto';
import { START } from '@eventstore/db-client';
import type { Logger } from 'pino';
import { previousAppendOf, type AppendRequest } from '../appendPlanner';
import { EventStoreError, InvalidAppendError, StoreUnavailableError } from '../errors';
import type { AppendResult, RecordedEvent } from '../eventStore';
import { readToEnd } from './collectRead';
import { decodeStreamEvent, toEventData, type DecodedEvent } from './eventEnvelope';
import { claimEventIds } from './eventIdClaims';
import { planKurrentAppend, type KurrentAppendPlan } from './kurrentAppendPlanner';
import type { KurrentDbClient } from './kurrentDbClient';
import { actualVersionOf, errorTypeOf, toStoreError } from './kurrentDbErrors';
import { KeyedLock } from './keyedLock';
import { expectedRevisionOf, revisionOfVersion } from './revisions';
import { StreamIdentityCache, type StreamState } from './streamIdentityCache';

export interface StreamAppenderOptions {
  readonly client: KurrentDbClient;
  /** host:port, for messages. */
  readonly server: string;
  readonly clock: () => Date;
  readonly logger: Logger;
  /** The latest record time known at start (the newest event in the log), if any. */
  readonly lastRecordedAt: string | null;
  readonly readTimeoutMs: number;
  /** Called after each append that wrote events. */
  readonly onAppended: () => void;
}

/** Appends with `any` or `exists` that lose the race to another writer are re-planned this often. */
const MAX_APPEND_ATTEMPTS = 5;

type WriteOutcome =
  | { readonly kind: 'written'; readonly result: AppendResult }
  | { readonly kind: 'stale'; readonly actualVersion: number };

/**
 * Appends to KurrentDB with the SQL stores' semantics (see kurrentDbEventStore.ts): decided on
 * what is known of each stream, conditioned on the exact version read, re-planned on fresh state
 * when another writer got there first. Appends to one stream run one at a time.
 */
export class StreamAppender {
  private readonly streams = new StreamIdentityCache();
  private readonly locks = new KeyedLock();
  private readonly pending = new Set<Promise<unknown>>();
  /** The latest record time this process has written or read while appending. */
  private lastRecordedAt: string | null;

  constructor(private readonly options: StreamAppenderOptions) {
    this.lastRecordedAt = options.lastRecordedAt;
  }

  append(request: AppendRequest): Promise<AppendResult> {
    const appending = this.locks.run(request.streamId, () => this.appendAlone(request));
    this.pending.add(appending);
    void appending.finally(() => this.pending.delete(appending)).catch(() => undefined);
    return appending;
  }

  /** Resolves when every append started so far has finished. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  /** Runs under the stream's lock. */
  private async appendAlone(request: AppendRequest): Promise<AppendResult> {
    const { streamId } = request;
    let state = this.streams.stateOf(streamId);
    // Names this call's writes, to tell them from an identical append by someone else.
    const appendId = randomUUID();
    let fresh = false;
    if (!state.loaded) {
      await this.catchUp(streamId, state);
      fresh = true;
    }
    for (let attempt = 1; ; attempt++) {
      let plan: KurrentAppendPlan;
      try {
        plan = planKurrentAppend({
          state,
          request,
          now: this.options.clock(),
          floorRecordedAt: this.lastRecordedAt,
        });
      } catch (error) {
        // What is known of the stream may be stale: refuse only on fresh knowledge.
        if (fresh || !(error instanceof EventStoreError)) throw error;
        await this.catchUp(streamId, state);
        fresh = true;
        continue;
      }
      if (plan.kind === 'already-appended') return plan.result;
      const outcome = await this.write(request, plan, state, appendId);
      if (outcome.kind === 'written') return outcome.result;
      if (attempt >= MAX_APPEND_ATTEMPTS) {
        throw new StoreUnavailableError(
          `stream ${streamId} kept changing under ${attempt} attempts to append; try again`,
        );
      }
      if (outcome.actualVersion >= 0 && outcome.actualVersion < state.version) {
        // The server holds fewer events than this process read (say, it was restored from a
        // backup): forget what was known and read the stream again.
        this.options.logger.warn(
          { streamId, known: state.version, actual: outcome.actualVersion },
          'KurrentDB holds fewer events in a stream than this process read; reading it again',
        );
        state = this.streams.forget(streamId);
      } else if (request.expectedVersion === 'any' || request.expectedVersion === 'exists') {
        // Another writer appended in between and this append will try again after it: back off
        // a little, so that writers racing for one stream do not keep colliding.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      }
      await this.catchUp(streamId, state);
      fresh = true;
    }
  }

  /**
   * Claims the new ids, appends conditioned on the exact version planned, and reads the events back
   * for their positions; 'stale', with the server's version of the stream, when the server refused
   * the expected version.
   */
  private async write(
    request: AppendRequest,
    plan: Extract<KurrentAppendPlan, { kind: 'append' }>,
    state: StreamState,
    appendId: string,
  ): Promise<WriteOutcome> {
    const { client, server, readTimeoutMs } = this.options;
    const { streamId, events } = request;
    try {
      const eventIds = events.map((event) => event.eventId);
      await claimEventIds(client, streamId, eventIds, readTimeoutMs);
      await client.appendToStream(
        streamId,
        events.map((event) => toEventData(event, { recordedAt: plan.recordedAt, appendId })),
        { expectedRevision: expectedRevisionOf(plan.expectedVersion) },
      );
    } catch (error) {
      if (errorTypeOf(error) === 'wrong-expected-version')
        return { kind: 'stale', actualVersion: actualVersionOf(error) };
      if (errorTypeOf(error) === 'maximum-append-size-exceeded') {
        const limit = (error as { maxAppendSize?: unknown }).maxAppendSize;
        throw new InvalidAppendError(
          '/events',
          `the append is larger than the server accepts${typeof limit === 'number' ? ` (${limit} bytes)` : ''}; split it, or raise the server's MaxAppendSize`,
        );
      }
      throw toStoreError(error, server);
    }
    // The write is done; should reading it back fail, a retry of the append answers it.
    const written = await this.readStream(streamId, {
      fromVersion: plan.expectedVersion + 1,
      maxCount: events.length,
    });
    events.forEach((event, index) => {
      if (written[index]?.event.eventId !== event.eventId)
        throw new Error(`stream ${streamId} does not hold the events just appended to it`);
    });
    this.learn(streamId, state, written);
    if (written.some((stored) => stored.appendId !== appendId)) {
      // The server answered success for a repeat of an identical append by another writer at the
      // same revision, and wrote nothing: answer as a retry (or refuse other content).
      const replay = previousAppendOf(request, state.identities);
      if (replay) return { kind: 'written', result: replay };
    }
    this.options.onAppended();
    const appended = written.map(({ event }) => placementOf(event));
    const last = appended[appended.length - 1]!;
    return {
      kind: 'written',
      result: {
        streamVersion: last.streamVersion,
        globalPosition: last.globalPosition,
        events: appended,
        alreadyAppended: false,
      },
    };
  }

  /** Reads the events after what `state` knows and adds them to it. */
  private async catchUp(streamId: string, state: StreamState): Promise<void> {
    // In pages, so that catching up on a long stream does not hold all of it in memory at once.
    const pageSize = 1_000;
    for (;;) {
      const page = await this.readStream(streamId, {
        fromVersion: state.version + 1,
        maxCount: pageSize,
      });
      this.learn(streamId, state, page);
      if (page.length < pageSize) break;
    }
    state.loaded = true;
  }

  /** From the leader: decisions must not be taken on a follower that lags. */
  private async readStream(
    streamId: string,
    range: { readonly fromVersion: number; readonly maxCount: number },
  ): Promise<DecodedEvent[]> {
    const { client, server, readTimeoutMs } = this.options;
    const records = await readToEnd(
      () =>
        client.readStream(streamId, {
          fromRevision: range.fromVersion === 1 ? START : revisionOfVersion(range.fromVersion),
          maxCount: range.maxCount,
          requiresLeader: true,
        }),
      { server, timeoutMs: readTimeoutMs },
    );
    return records.map((resolved) => decodeStreamEvent(streamId, resolved.event));
  }

  private learn(streamId: string, state: StreamState, stored: readonly DecodedEvent[]): void {
    const fresh = stored.filter(({ event }) => event.streamVersion > state.version);
    const recordedAt = fresh.map(({ event }) => event.metadata.recordedAt);
    state.extend(
      fresh.map(({ event, contentHash }) => ({
        ...placementOf(event),
        streamId: event.streamId,
        contentHash,
      })),
      recordedAt,
    );
    this.streams.updated(streamId, state);
    for (const instant of recordedAt) {
      if (this.lastRecordedAt === null || instant > this.lastRecordedAt)
        this.lastRecordedAt = instant;
    }
  }
}

function placementOf(
  event: RecordedEvent,
): Pick<RecordedEvent, 'eventId' | 'streamVersion' | 'globalPosition'> {
  return {
    eventId: event.eventId,
    streamVersion: event.streamVersion,
    globalPosition: event.globalPosition,
  };
}
