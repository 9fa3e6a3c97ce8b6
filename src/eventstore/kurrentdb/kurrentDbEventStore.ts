import {
  BACKWARDS,
  END,
  FORWARDS,
  streamNameFilter,
  type ReadRevision,
  type StreamingRead,
} from '@eventstore/db-client';
import type { Logger } from 'pino';
import { SubscriptionRegistry } from '../subscriptionRegistry';
import { StoreClosedError, StoreStartupError } from '../errors';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../eventStore';
import { prepareAppend } from '../preparedEvent';
import { WakeSignal } from '../wakeSignal';
import { collectRead, readToEnd } from './collectRead';
import { describeServer } from './connectionString';
import { decodeStreamEvent, type DecodedEvent } from './eventEnvelope';
import { connectKurrentDb, type KurrentDbClient } from './kurrentDbClient';
import { isUnavailable, startupError } from './kurrentDbErrors';
import { KurrentDbListener } from './kurrentDbListener';
import {
  newestInLog,
  ownEventInLog,
  readLogAfter,
  type OwnEventOf,
  type ReadLogPage,
} from './logReader';
import { revisionOfVersion } from './revisions';
import { StreamAppender } from './streamAppender';

export interface KurrentDbEventStoreOptions {
  /** `esdb://host:2113?tls=false`, `kurrentdb+discover://user:pass@cluster:2113`, ... */
  readonly connectionString: string;
  readonly logger: Logger;
  readonly clock?: () => Date;
  /** How long start-up keeps trying a server that does not answer (a container still booting). */
  readonly connectTimeoutMs?: number;
  /** Safety-net poll; the live $all subscription wakes readers within milliseconds of an append. */
  readonly pollIntervalMs?: number;
  /** Replaces the real client: a fake server in tests. */
  readonly createClient?: (connectionString: string) => KurrentDbClient;
}

const READ_TIMEOUT_MS = 30_000;
const PING_TIMEOUT_MS = 5_000;
/** Our stream ids start with a letter or digit; `$` streams are KurrentDB's, `~` ones our claims. */
const OWN_STREAMS = '^[^$~]';

/**
 * The event store on KurrentDB (EventStoreDB), for deployments beyond one machine.
 *
 * Positions: `globalPosition` is the event's log position in KurrentDB, which is its commit and
 * its prepare position at once for every event appended through gRPC: unique and increasing along
 * $all, with gaps (it counts bytes). readAll({after}) reads $all from {after, after}, which
 * includes the event at `after`, and drops it; KurrentDB's own events (`$` streams and types), our
 * event id claims and events other applications wrote are skipped page after page, so a page of
 * them never looks like the end of the log. The server serves $all only up to what it has indexed,
 * in log order, so no event can appear below a position a reader has passed (the problem the
 * PostgreSQL store needs a lock for). See positions.ts, logReader.ts and the README.
 *
 * Appends: KurrentDB deduplicates event ids only when an append repeats an earlier one at the same
 * expected revision, so idempotency is decided here, with the SQL stores' rules, from each stream's
 * event ids and content hashes, and the append is sent with the exact revision read
 * (streamAppender.ts). New event ids are first claimed across streams (eventIdClaims.ts).
 *
 * Subscriptions are the shared catch-up subscription over readAll, woken by one live $all
 * subscription per store (kurrentDbListener.ts) and by this process's own appends.
 */
export class KurrentDbEventStore implements EventStore {
  private readonly appended = new WakeSignal();
  private readonly subscriptions: SubscriptionRegistry;
  private readonly appender: StreamAppender;
  private readonly pollIntervalMs: number;
  private readonly logger: Logger;
  private listener: KurrentDbListener | null = null;
  private closed = false;

  private constructor(
    private readonly client: KurrentDbClient,
    private readonly server: string,
    newest: DecodedEvent | null,
    options: KurrentDbEventStoreOptions,
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 5_000;
    this.subscriptions = new SubscriptionRegistry({
      readAll: (readOptions) => this.readAll(readOptions),
      appended: this.appended,
      pollIntervalMs: this.pollIntervalMs,
      logger: options.logger,
    });
    this.logger = options.logger;
    this.appender = new StreamAppender({
      client,
      server,
      clock: options.clock ?? (() => new Date()),
      logger: options.logger,
      lastRecordedAt: newest?.event.metadata.recordedAt ?? null,
      readTimeoutMs: READ_TIMEOUT_MS,
      onAppended: () => this.appended.notify(),
    });
  }

  static async open(options: KurrentDbEventStoreOptions): Promise<KurrentDbEventStore> {
    const server = describeServer(options.connectionString);
    let client: KurrentDbClient;
    try {
      client = (options.createClient ?? connectKurrentDb)(options.connectionString);
    } catch (error) {
      // The parser's message quotes the connection string, which may hold a password.
      const detail = (error instanceof Error ? error.message : String(error))
        .split('\n')[0]!
        .replace(/^Unexpected ".*" at/, 'unexpected input at');
      throw new StoreStartupError(
        'rejected',
        `the KurrentDB connection string for ${server} is malformed: ${detail}`,
        { cause: error },
      );
    }
    try {
      const newest = await probe(client, options.connectTimeoutMs ?? 10_000);
      return new KurrentDbEventStore(client, server, newest, options);
    } catch (error) {
      await client.dispose().catch(() => undefined);
      throw startupError(error, server);
    }
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    this.assertOpen();
    return this.appender.append({
      streamId,
      events: prepareAppend(streamId, events),
      expectedVersion: options.expectedVersion,
    });
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    if (options.maxCount !== undefined && options.maxCount <= 0) return [];
    const backwards = options.direction === 'backwards';
    let fromRevision: ReadRevision;
    if (!backwards) {
      fromRevision = revisionOfVersion(Math.max(1, Math.ceil(options.fromVersion ?? 1)));
    } else if (options.fromVersion === undefined) {
      fromRevision = END;
    } else {
      // Read backwards from a revision beyond the end, the server answers only with what lies in
      // [from - count + 1, from], so start at the end.
      const from = Math.min(Math.floor(options.fromVersion), await this.streamVersionOf(streamId));
      if (from < 1) return [];
      fromRevision = revisionOfVersion(from);
    }
    const records = await this.read(() =>
      this.client.readStream(streamId, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision,
        ...(options.maxCount !== undefined && { maxCount: options.maxCount }),
      }),
    );
    return records.map((resolved) => decodeStreamEvent(streamId, resolved.event).event);
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    return readLogAfter(this.readLogPage, this.ownEvent, options.after, options.maxCount);
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    const newest = await newestInLog(this.readLogPage, this.ownEvent);
    return newest?.event.globalPosition ?? 0;
  }

  subscribe(options: SubscribeOptions): Subscription {
    this.assertOpen();
    this.listener ??= new KurrentDbListener({
      subscribe: () =>
        this.client.subscribeToAll({
          fromPosition: END,
          filter: streamNameFilter({ regex: OWN_STREAMS }),
        }),
      onNotification: () => this.appended.notify(),
      logger: this.logger,
    });
    return this.subscriptions.subscribe(options);
  }

  async ping(): Promise<void> {
    this.assertOpen();
    await this.read(
      () => this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }),
      PING_TIMEOUT_MS,
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Subscribers first: a handler may still append (policies do), and must be let finish.
    await this.subscriptions.stopAll();
    this.closed = true;
    await this.appender.drain();
    await this.listener?.close();
    await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }

  /** The stream's current version, read from the server. */
  private async streamVersionOf(streamId: string): Promise<number> {
    const [last] = await this.read(() =>
      this.client.readStream(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: 1 }),
    );
    return last?.event ? Number(last.event.revision) + 1 : 0;
  }

  private readonly readLogPage: ReadLogPage = (fromPosition, direction, maxCount) =>
    this.read(() => this.client.readAll({ fromPosition, direction, maxCount }));

  private readonly ownEvent: OwnEventOf = (record) =>
    ownEventInLog(record, (skipped) =>
      this.logger.warn(
        { streamId: skipped.streamId, type: skipped.type },
        'skipping an event in $all that this service did not write',
      ),
    );

  private read<E>(start: () => StreamingRead<E>, timeoutMs = READ_TIMEOUT_MS): Promise<E[]> {
    return readToEnd(start, { server: this.server, timeoutMs });
  }
}

/**
 * Start-up check: one short read of the end of $all, retried while the server does not answer
 * (a container still booting) until `timeoutMs`. Returns our newest event on that page, if any,
 * so that record time continues from it. Reading $all also checks the credentials' rights.
 */
async function probe(client: KurrentDbClient, timeoutMs: number): Promise<DecodedEvent | null> {
  const deadline = Date.now() + timeoutMs;
  for (let delayMs = 100; ; delayMs = Math.min(delayMs * 2, 2_000)) {
    const readPage: ReadLogPage = (fromPosition, direction, maxCount) =>
      collectRead(
        client.readAll({ fromPosition, direction, maxCount }),
        Math.max(250, deadline - Date.now()),
      );
    try {
      return await newestInLog(readPage, (record) => ownEventInLog(record), 1);
    } catch (error) {
      if (!isUnavailable(error) || Date.now() + delayMs >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
