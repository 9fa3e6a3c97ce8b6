import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { EventStore } from '../eventstore/eventStore';
import { eventLineOf } from './eventLine';

export const DEFAULT_EXPORT_PAGE_SIZE = 1_000;

export interface ExportProgress {
  readonly position: number;
  /** The log's head when the export started: what it writes up to. */
  readonly head: number;
  readonly events: number;
  readonly eventsPerSecond: number;
  /** From the positions left at the events per second so far. */
  readonly etaSeconds: number | null;
  readonly elapsedSeconds: number;
  readonly done: boolean;
}

export interface ExportReport {
  readonly events: number;
  /** The position of the last event written (the head when the export started). */
  readonly headPosition: number;
  readonly seconds: number;
}

/**
 * Writes the global log in order, up to the head when it starts, one line per event
 * (eventLine.ts: what `import` reads), page by page: one page in memory at a time, and never
 * faster than the sink takes it. Events appended meanwhile are left for a later export; the log
 * is append-only, so the prefix written is the log as it was.
 */
export async function exportEvents(input: {
  store: EventStore;
  sink: Writable;
  pageSize?: number;
  signal?: AbortSignal;
  onProgress?: (progress: ExportProgress) => void;
  now?: () => number;
}): Promise<ExportReport> {
  const { store, sink, signal } = input;
  const pageSize = input.pageSize ?? DEFAULT_EXPORT_PAGE_SIZE;
  const now = input.now ?? Date.now;
  const startedAt = now();
  const head = await store.headPosition();
  let position = 0;
  let events = 0;
  const progress = (done: boolean): ExportProgress => {
    const elapsedSeconds = Math.max((now() - startedAt) / 1000, 1e-3);
    const eventsPerSecond = events / elapsedSeconds;
    return {
      position,
      head,
      events,
      eventsPerSecond,
      etaSeconds: eventsPerSecond === 0 ? null : Math.round((head - position) / eventsPerSecond),
      elapsedSeconds,
      done,
    };
  };
  while (position < head) {
    signal?.throwIfAborted();
    const page = await store.readAll({ after: position, maxCount: pageSize });
    const upToHead = page.filter((event) => event.globalPosition <= head);
    if (upToHead.length === 0) break;
    const text = upToHead.map((event) => `${eventLineOf(event)}\n`).join('');
    if (!sink.write(text)) await once(sink, 'drain', signal ? { signal } : {});
    position = upToHead[upToHead.length - 1]!.globalPosition;
    events += upToHead.length;
    input.onProgress?.(progress(false));
  }
  const final = progress(true);
  input.onProgress?.(final);
  return { events, headPosition: position, seconds: final.elapsedSeconds };
}
