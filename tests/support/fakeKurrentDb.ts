import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { KurrentDbClient } from '../../src/eventstore/kurrentdb/kurrentDbClient';

type AppendArguments = Parameters<KurrentDbClient['appendToStream']>;
type ReadStreamOptions = NonNullable<Parameters<KurrentDbClient['readStream']>[1]>;
type ReadAllOptions = NonNullable<Parameters<KurrentDbClient['readAll']>[0]>;
type SubscribeOptions = NonNullable<Parameters<KurrentDbClient['subscribeToAll']>[0]>;
type Revision = bigint | 'no_stream';

interface StoredRecord {
  readonly position: bigint;
  readonly streamId: string;
  readonly revision: bigint;
  readonly id: string;
  readonly type: string;
  readonly isJson: boolean;
  readonly dataText: string;
  readonly metadataText: string | null;
  readonly created: Date;
}

const FIRST_POSITION = 1_000n;
/** Bytes a record takes besides its data and metadata (header, length prefix and suffix). */
const RECORD_OVERHEAD = 120;

/** An error shaped like the client's: the store classifies errors by `type`. */
function clientError(type: string, message: string, fields: object = {}): Error {
  return Object.assign(new Error(message), { type }, fields);
}

function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * An in-memory KurrentDB, behind the part of the client API the store uses, for running the
 * contract suite where no server exists. It models what the store relies on, as read in the
 * server's source (AllReader, IndexReader, StorageWriterService, TFChunkReadSide) and the client:
 * - positions are byte offsets of records, with gaps; every event of an append has its own
 *   position with commit = prepare; KurrentDB's own `$` events are interleaved in $all;
 * - $all forward reads include their start position, backward reads exclude it, and a read from a
 *   position inside a record fails (the server validates the record it finds there);
 * - expected revisions are checked per append; an append that repeats the event ids found right
 *   after an exact expected revision succeeds without writing (the server's idempotency);
 * - a stream read backwards from beyond its end reads only the range below that revision;
 * - missing streams fail reads with `stream-not-found`; appends above the size limit fail;
 * - data and metadata go through JSON text, as on the wire;
 * - `restart()` makes every call fail with `unavailable` for a while and drops live subscriptions.
 * It does not model clusters, deadlines, access control or scavenging.
 */
export class FakeKurrentDb {
  private readonly log: StoredRecord[] = [];
  private readonly streams = new Map<string, StoredRecord[]>();
  private readonly subscriptions = new Set<FakeSubscription>();
  private end = FIRST_POSITION;
  private downUntil = 0;
  private appends = 0;

  constructor(readonly maxAppendSize = 16 * 1024 * 1024) {
    // More than a page of the server's own events before ours, as on a real node.
    for (let i = 0; i < 150; i++) this.writeSystemEvent();
  }

  connect(): KurrentDbClient {
    return new FakeClient(this) as unknown as KurrentDbClient;
  }

  /** Like a server restart: calls fail for `downMs`, live subscriptions are dropped. */
  restart(downMs = 300): void {
    this.downUntil = Date.now() + downMs;
    for (const subscription of this.subscriptions)
      subscription.destroy(clientError('unavailable', '14 UNAVAILABLE: Connection dropped'));
  }

  async checkUp(): Promise<void> {
    await tick();
    if (Date.now() < this.downUntil)
      throw clientError('unavailable', '14 UNAVAILABLE: No connection established', { code: 14 });
  }

  async append(...[streamId, events, options]: AppendArguments): Promise<{ success: true }> {
    await this.checkUp();
    const proposed = (Array.isArray(events) ? events : [events]).map((event) => ({
      id: event.id,
      type: event.type,
      isJson: event.contentType === 'application/json',
      dataText: JSON.stringify(event.data),
      metadataText: event.metadata === undefined ? null : JSON.stringify(event.metadata),
    }));
    const size = proposed.reduce(
      (sum, event) => sum + event.dataText.length + (event.metadataText?.length ?? 0),
      0,
    );
    if (size > this.maxAppendSize) {
      throw clientError('maximum-append-size-exceeded', 'Maximum Append Size exceeded', {
        maxAppendSize: this.maxAppendSize,
      });
    }
    const stream = this.streams.get(streamId) ?? [];
    const current: Revision = stream.length === 0 ? 'no_stream' : BigInt(stream.length - 1);
    const expected = options?.expectedRevision ?? 'any';
    const matches =
      expected === 'any' ||
      (expected === 'no_stream' && current === 'no_stream') ||
      (expected === 'stream_exists' && current !== 'no_stream') ||
      expected === current;
    if (!matches) {
      // `any` always matches, so only exact expectations reach this.
      if (expected !== 'stream_exists') {
        const from = expected === 'no_stream' ? 0 : Number(expected) + 1;
        const repeated = proposed.every((event, i) => stream[from + i]?.id === event.id);
        if (repeated) return { success: true };
      }
      throw clientError(
        'wrong-expected-version',
        `Expected version ${String(expected)}, actual ${String(current)}`,
        { streamName: streamId, expectedVersion: expected, actualVersion: current },
      );
    }
    for (const event of proposed) {
      this.write({ ...event, streamId, revision: BigInt(stream.length) }, stream);
    }
    this.streams.set(streamId, stream);
    if (++this.appends % 5 === 0) this.writeSystemEvent();
    return { success: true };
  }

  async readStream(streamId: string, options: ReadStreamOptions): Promise<object[]> {
    await this.checkUp();
    const stream = this.streams.get(streamId);
    if (stream === undefined)
      throw clientError('stream-not-found', `${streamId} not found`, { streamName: streamId });
    const maxCount = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const from = options.fromRevision ?? 'start';
    if (options.direction === 'backwards') {
      const last = from === 'end' ? stream.length - 1 : Number(from === 'start' ? 0n : from);
      const first = Math.max(0, last - maxCount + 1);
      return stream
        .slice(first, last + 1)
        .reverse()
        .map(resolved);
    }
    const first = from === 'start' ? 0 : from === 'end' ? stream.length : Number(from);
    return stream.slice(first, first + maxCount).map(resolved);
  }

  async readAll(options: ReadAllOptions): Promise<object[]> {
    await this.checkUp();
    const maxCount = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const from = options.fromPosition ?? 'start';
    const at = from === 'start' ? 0n : from === 'end' ? this.end : from.commit;
    if (from !== 'start' && from !== 'end' && at < this.end && !this.isRecordAt(at)) {
      throw clientError(
        'unknown',
        `InvalidReadException: Log record at actual pos ${at} has too large length`,
      );
    }
    if (options.direction === 'backwards') {
      return this.log
        .filter((record) => record.position < at)
        .reverse()
        .slice(0, maxCount)
        .map(resolved);
    }
    return this.log
      .filter((record) => record.position >= at)
      .slice(0, maxCount)
      .map(resolved);
  }

  subscribe(options: SubscribeOptions): FakeSubscription {
    const filter = options.filter && 'regex' in options.filter ? options.filter : undefined;
    const subscription = new FakeSubscription(
      filter && filter.filterOn === 'streamName' ? new RegExp(filter.regex) : null,
      () => this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    this.checkUp().then(
      () => subscription.emit('confirmation'),
      (error: Error) => subscription.destroy(error),
    );
    return subscription;
  }

  /** Events of a stream, for inspection in tests. */
  eventCount(streamId: string): number {
    return this.streams.get(streamId)?.length ?? 0;
  }

  private isRecordAt(position: bigint): boolean {
    let low = 0;
    let high = this.log.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const candidate = this.log[mid]!.position;
      if (candidate === position) return true;
      if (candidate < position) low = mid + 1;
      else high = mid - 1;
    }
    return false;
  }

  private write(
    event: Omit<StoredRecord, 'position' | 'created'>,
    stream: StoredRecord[] | null,
  ): void {
    const record: StoredRecord = { ...event, position: this.end, created: new Date() };
    this.end +=
      BigInt(RECORD_OVERHEAD + event.dataText.length + (event.metadataText?.length ?? 0)) +
      BigInt(event.id.length);
    this.log.push(record);
    stream?.push(record);
    for (const subscription of this.subscriptions) subscription.offer(record);
  }

  private writeSystemEvent(): void {
    const streamId = '$statistics-node';
    const stream = this.streams.get(streamId) ?? [];
    this.streams.set(streamId, stream);
    this.write(
      {
        streamId,
        revision: BigInt(stream.length),
        id: randomUUID(),
        type: '$statistics-collected',
        isJson: true,
        dataText: '{"proc-cpu":1}',
        metadataText: null,
      },
      stream,
    );
  }
}

function resolved(record: StoredRecord): object {
  return {
    event: {
      streamId: record.streamId,
      id: record.id,
      isJson: record.isJson,
      revision: record.revision,
      type: record.type,
      created: record.created,
      data: JSON.parse(record.dataText) as unknown,
      metadata:
        record.metadataText === null ? undefined : (JSON.parse(record.metadataText) as unknown),
      position: { commit: record.position, prepare: record.position },
    },
    commitPosition: record.position,
  };
}

/** A streaming read: objects, then end, or an error. */
class FakeRead extends Readable {
  constructor(produce: Promise<object[]>) {
    super({ objectMode: true, read: () => undefined });
    produce.then(
      (items) => {
        for (const item of items) this.push(item);
        this.push(null);
      },
      (error: Error) => this.destroy(error),
    );
  }

  async cancel(): Promise<void> {
    this.destroy();
    return Promise.resolve();
  }
}

class FakeSubscription extends Readable {
  constructor(
    private readonly streamFilter: RegExp | null,
    private readonly onEnd: () => void,
  ) {
    super({ objectMode: true, read: () => undefined });
    this.once('close', onEnd);
  }

  offer(record: StoredRecord): void {
    if (this.destroyed) return;
    if (this.streamFilter && !this.streamFilter.test(record.streamId)) return;
    this.push(resolved(record));
  }

  async unsubscribe(): Promise<void> {
    this.destroy();
    this.onEnd();
    return Promise.resolve();
  }
}

class FakeClient {
  private readonly open = new Set<Readable>();

  constructor(private readonly server: FakeKurrentDb) {}

  appendToStream(...args: AppendArguments): Promise<{ success: true }> {
    return this.server.append(...args);
  }

  readStream(streamId: string, options: ReadStreamOptions = {}): FakeRead {
    return this.track(new FakeRead(this.server.readStream(streamId, options)));
  }

  readAll(options: ReadAllOptions = {}): FakeRead {
    return this.track(new FakeRead(this.server.readAll(options)));
  }

  subscribeToAll(options: SubscribeOptions = {}): FakeSubscription {
    return this.track(this.server.subscribe(options));
  }

  async dispose(): Promise<void> {
    for (const stream of this.open) stream.destroy();
    return Promise.resolve();
  }

  private track<S extends Readable>(stream: S): S {
    this.open.add(stream);
    stream.once('close', () => this.open.delete(stream));
    return stream;
  }
}
