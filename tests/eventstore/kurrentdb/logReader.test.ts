import { StoreUnavailableError } from '../../../src/eventstore/errors';
import type { DecodedEvent } from '../../../src/eventstore/kurrentdb/eventEnvelope';
import {
  newestInLog,
  ownEventInLog,
  readLogAfter,
  type OwnEventOf,
  type ReadLogPage,
} from '../../../src/eventstore/kurrentdb/logReader';

type Page = Awaited<ReturnType<ReadLogPage>>;
type LogRecord = NonNullable<Page[number]['event']>;
type From = Parameters<ReadLogPage>[0];

const RECORD_SIZE = 100n;

/**
 * $all as the store reads it: records at positions 100, 200, ...; ours are `agreement-*` events,
 * the rest KurrentDB's own. Forward reads include their start, backward reads exclude it, and a
 * read from inside a record fails, as on the server.
 */
class Log {
  readonly records: LogRecord[] = [];
  readonly reads: string[] = [];

  add(kind: 'ours' | 'system' | 'claim', count = 1): this {
    for (let i = 0; i < count; i++) {
      const position = BigInt(this.records.length + 1) * RECORD_SIZE;
      const streamId =
        kind === 'ours'
          ? 'agreement-1'
          : kind === 'claim'
            ? '~obligations-event-id-x'
            : '$statistics-node';
      this.records.push({
        streamId,
        id: `id-${position}`,
        type: kind === 'system' ? '$statistics-collected' : 'PaymentReceived',
        isJson: true,
        revision: 0n,
        created: new Date(0),
        data: {},
        metadata: {},
        position: { commit: position, prepare: position },
      });
    }
    return this;
  }

  readonly readPage: ReadLogPage = async (from, direction, maxCount) => {
    this.reads.push(`${direction} ${nameOf(from)} ${maxCount}`);
    const at = from === 'start' ? 0n : from === 'end' ? 2n ** 62n : from.commit;
    if (typeof from === 'object' && at % RECORD_SIZE !== 0n)
      throw new Error('InvalidReadException: prefix/suffix length inconsistency');
    const page =
      direction === 'forwards'
        ? this.records.filter((record) => record.position.commit >= at)
        : this.records.filter((record) => record.position.commit < at).reverse();
    return Promise.resolve(page.slice(0, maxCount).map((event) => ({ event })));
  };
}

function nameOf(from: From): string {
  return typeof from === 'string' ? from : String(from.commit);
}

/** Ours are the `agreement-*` records; their global position is their log position. */
const ownEventOf: OwnEventOf = (record) =>
  record.streamId.startsWith('agreement-')
    ? ({
        event: { eventId: record.id, globalPosition: Number(record.position?.commit) },
      } as DecodedEvent)
    : null;

const positions = (events: readonly { globalPosition: number }[]): number[] =>
  events.map((event) => event.globalPosition);

describe('reading our events from $all', () => {
  it('reads the events after a checkpoint, without the one at the checkpoint', async () => {
    const log = new Log().add('ours', 5);
    expect(positions(await readLogAfter(log.readPage, ownEventOf, 200, 10))).toEqual([
      300, 400, 500,
    ]);
    expect(log.reads[0]).toBe('forwards 200 64');
  });

  it('reads from the start after checkpoint 0', async () => {
    const log = new Log().add('ours', 2);
    expect(positions(await readLogAfter(log.readPage, ownEventOf, 0, 10))).toEqual([100, 200]);
    expect(log.reads[0]).toBe('forwards start 64');
  });

  it('stops at the maximum count', async () => {
    const log = new Log().add('ours', 5);
    expect(positions(await readLogAfter(log.readPage, ownEventOf, 0, 2))).toEqual([100, 200]);
  });

  it('keeps reading past pages that hold only KurrentDB’s own events and claims', async () => {
    const log = new Log().add('ours').add('system', 200).add('claim', 100).add('ours', 2);
    const events = await readLogAfter(log.readPage, ownEventOf, 100, 10);
    expect(positions(events)).toEqual([30_200, 30_300]);
    expect(log.reads.length).toBeGreaterThan(4);
  });

  it('is empty, meaning caught up, only at the end of the log', async () => {
    const log = new Log().add('ours').add('system', 300);
    expect(await readLogAfter(log.readPage, ownEventOf, 100, 10)).toEqual([]);
  });

  it('starts from the record before a position that is inside a record', async () => {
    const log = new Log().add('ours', 4);
    const events = await readLogAfter(log.readPage, ownEventOf, 299, 10);
    expect(positions(events)).toEqual([300, 400]);
    expect(log.reads).toEqual(['forwards 299 64', 'backwards end 4096', 'forwards 200 64']);
  });

  it('starts from the beginning for a position inside the first record', async () => {
    const log = new Log().add('ours', 2);
    expect(positions(await readLogAfter(log.readPage, ownEventOf, 50, 10))).toEqual([100, 200]);
  });

  it('does not mistake a server that cannot be reached for a position inside a record', async () => {
    const failing: ReadLogPage = async () => Promise.reject(new StoreUnavailableError('down'));
    await expect(readLogAfter(failing, ownEventOf, 299, 10)).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
  });

  it('finds our newest event behind KurrentDB’s own', async () => {
    const log = new Log().add('ours', 3).add('system', 150);
    expect((await newestInLog(log.readPage, ownEventOf))?.event.globalPosition).toBe(300);
  });

  it('finds no newest event in a log without ours', async () => {
    const log = new Log().add('system', 70);
    expect(await newestInLog(log.readPage, ownEventOf)).toBeNull();
  });

  it('searches back only as far as it is allowed to', async () => {
    const log = new Log().add('ours').add('system', 100);
    expect(await newestInLog(log.readPage, ownEventOf, 1)).toBeNull();
  });
});

describe('ownEventInLog', () => {
  const record = new Log().add('ours').records[0]!;

  it('skips KurrentDB’s own events and claims silently', () => {
    const strangers: unknown[] = [];
    const log = new Log().add('system').add('claim');
    for (const skipped of log.records)
      expect(ownEventInLog(skipped, (stranger) => strangers.push(stranger))).toBeNull();
    expect(strangers).toEqual([]);
  });

  it('reports an event another application wrote', () => {
    const strangers: unknown[] = [];
    expect(ownEventInLog(record, (stranger) => strangers.push(stranger))).toBeNull();
    expect(strangers).toEqual([record]);
  });
});
