import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import {
  ImportRefusedError,
  isBulkImporter,
  type BulkImporter,
  type ImportBatchResult,
  type ImportedEvent,
} from '../eventstore/bulkImport';
import { EventIdConflictError, WrongExpectedVersionError } from '../eventstore/errors';
import type { EventStore } from '../eventstore/eventStore';
import { EventLineError, parseEventLine } from './eventLine';
import { openLineValidator } from './lineValidatorPool';
import { ndjsonLines, UnreadableLineError, type NumberedLine } from './ndjsonLines';
import type { ChunkResult } from './validateChunk';

/** Events per transaction: large enough that the fsync is cheap per event, small enough to stay flat. */
export const DEFAULT_IMPORT_BATCH_SIZE = 5_000;
/**
 * One thread per core: the main thread, which reads and writes, waits for validation more than
 * half of the time (profiled with one thread), so it needs no core of its own.
 */
export function defaultValidationThreads(): number {
  return availableParallelism();
}

/** Lines per message to a validation thread. */
const CHUNK_LINES = 500;
/** Chunks being validated at once, per thread: what bounds the lines in memory. */
const CHUNKS_IN_FLIGHT_PER_THREAD = 4;

export interface ImportProgress {
  /** Lines read so far (blank lines included in the numbering). */
  readonly linesRead: number;
  /** Events written so far. */
  readonly imported: number;
  /** Events found already stored (same id, stream, version and content): not written again. */
  readonly skipped: number;
  /** The last line whose batch is committed: a re-run skips everything up to it by event id. */
  readonly committedThroughLine: number;
  readonly bytesRead: number;
  /** The file's size when known (a file, not a pipe). */
  readonly totalBytes: number | null;
  readonly eventsPerSecond: number;
  /** From the bytes left at the bytes per second so far; null when the size is unknown. */
  readonly etaSeconds: number | null;
  readonly elapsedSeconds: number;
  readonly done: boolean;
}

export interface ImportReport {
  readonly lines: number;
  readonly imported: number;
  readonly skipped: number;
  /** The log's last position after the import. */
  readonly headPosition: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

/** Why an import stopped early, with what it had committed by then. */
export class ImportStoppedError extends Error {
  constructor(
    message: string,
    /** The line at fault, or null when interrupted. */
    readonly lineNumber: number | null,
    /** The field at fault (RFC 6901, into the line): `/data/amount/currency`, `/eventId`. */
    readonly pointer: string | null,
    readonly progress: ImportProgress,
  ) {
    super(message);
    this.name = 'ImportStoppedError';
  }
}

export interface ImportInput {
  readonly store: EventStore;
  readonly source: Readable;
  readonly totalBytes: number | null;
  readonly batchSize?: number;
  /** Validation threads; 0 validates on the main thread. Default: one per core. */
  readonly threads?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ImportProgress) => void;
  readonly now?: () => number;
}

/**
 * Imports an NDJSON events file (eventLine.ts) into a store, streaming: a bounded number of
 * lines in memory at a time. Every line of a batch is validated before the batch is written, and
 * a batch is one transaction on the SQL stores (importBatch), so a bad line or a refused event
 * leaves everything before its batch committed and nothing of its batch written. Re-running the
 * same file is idempotent: events already stored with the same id and content are skipped, so a
 * re-run after a fix resumes where the last run stopped. Lines are validated on worker threads
 * (lineValidatorPool.ts) while the main thread writes, in file order.
 *
 * Stores without a bulk path (KurrentDB) get one append per event, each with its expected
 * version: there every event is its own batch, so a bad line leaves every line before it written.
 */
export async function importEvents(input: ImportInput): Promise<ImportReport> {
  const { store } = input;
  const run = new ImportRun(input);
  if (isBulkImporter(store)) await run.bulk(store);
  else await run.oneByOne();
  return run.finish();
}

interface PendingEvent {
  readonly lineNumber: number;
  readonly event: ImportedEvent;
}

/** One import's state: what is read, validated, batched and committed. */
class ImportRun {
  private linesRead = 0;
  private bytesRead = 0;
  private imported = 0;
  private skipped = 0;
  private committedThroughLine = 0;
  private headPosition = 0;
  private readonly startedAt: number;
  private readonly now: () => number;
  private batch: PendingEvent[] = [];

  constructor(private readonly input: ImportInput) {
    this.now = input.now ?? Date.now;
    this.startedAt = this.now();
  }

  /** Reads chunks of lines, validates them on the threads, writes batches in file order. */
  async bulk(store: BulkImporter): Promise<void> {
    const batchSize = this.input.batchSize ?? DEFAULT_IMPORT_BATCH_SIZE;
    const threads = this.input.threads ?? defaultValidationThreads();
    const validator = openLineValidator(threads);
    const inFlight: Promise<ChunkResult>[] = [];
    const maxInFlight = Math.max(1, threads) * CHUNKS_IN_FLIGHT_PER_THREAD;
    let sequence = 0;
    const handleNext = async (): Promise<void> => {
      const result = await inFlight.shift()!;
      result.events.forEach((event, index) =>
        this.batch.push({ lineNumber: result.lineNumbers[index]!, event }),
      );
      // A batch fills in line order, so full batches before a bad line are committed as they
      // would be had the lines been checked one by one.
      while (this.batch.length >= batchSize)
        await this.commit(store, this.batch.splice(0, batchSize));
      const { failure } = result;
      if (failure !== null)
        throw this.stopped(
          `line ${failure.lineNumber}, ${failure.pointer || '/'}: ${failure.detail}`,
          failure.lineNumber,
          failure.pointer,
        );
    };
    try {
      let chunk: NumberedLine[] = [];
      const send = (): void => {
        inFlight.push(
          validator.validate({
            sequence: sequence++,
            lineNumbers: chunk.map((line) => line.lineNumber),
            texts: chunk.map((line) => line.text),
          }),
        );
        chunk = [];
      };
      for await (const line of this.lines()) {
        chunk.push(line);
        if (chunk.length < CHUNK_LINES) continue;
        send();
        if (inFlight.length >= maxInFlight) await handleNext();
      }
      if (chunk.length > 0) send();
      while (inFlight.length > 0) await handleNext();
      await this.commit(store, this.batch.splice(0));
    } finally {
      // Stopped early: the chunks still being validated are not wanted.
      for (const pending of inFlight) pending.catch(() => undefined);
      await validator.close();
    }
  }

  /** The generic path through the port: one append per event, in file order. */
  async oneByOne(): Promise<void> {
    const { store } = this.input;
    for await (const line of this.lines()) {
      let parsed;
      try {
        parsed = parseEventLine(line.text);
      } catch (error) {
        if (!(error instanceof EventLineError)) throw error;
        throw this.stopped(
          `line ${line.lineNumber}, ${error.pointer || '/'}: ${error.detail}`,
          line.lineNumber,
          error.pointer,
        );
      }
      this.assertNotInterrupted();
      const { streamId, streamVersion } = parsed.imported;
      const refuse = (pointer: string, message: string): ImportStoppedError =>
        this.stopped(`line ${line.lineNumber}, ${pointer}: ${message}`, line.lineNumber, pointer);
      let result;
      try {
        result = await store.append(streamId, [parsed.event], {
          expectedVersion: streamVersion === null ? 'any' : streamVersion - 1,
        });
      } catch (error) {
        if (error instanceof WrongExpectedVersionError)
          throw refuse('/streamVersion', error.message);
        if (error instanceof EventIdConflictError) throw refuse('/eventId', error.message);
        throw error;
      }
      const stored = result.events[0]!;
      if (
        result.alreadyAppended &&
        streamVersion !== null &&
        stored.streamVersion !== streamVersion
      )
        throw refuse(
          '/eventId',
          `event ${stored.eventId} was already appended at version ${stored.streamVersion} of its stream, not ${streamVersion}`,
        );
      if (result.alreadyAppended) this.skipped += 1;
      else this.imported += 1;
      this.headPosition = Math.max(this.headPosition, result.globalPosition);
      this.committedThroughLine = line.lineNumber;
      this.input.onProgress?.(this.progress(false));
    }
  }

  async finish(): Promise<ImportReport> {
    this.headPosition = Math.max(this.headPosition, await this.input.store.headPosition());
    const final = this.progress(true);
    this.input.onProgress?.(final);
    return {
      lines: this.linesRead,
      imported: this.imported,
      skipped: this.skipped,
      headPosition: this.headPosition,
      seconds: final.elapsedSeconds,
      eventsPerSecond: final.eventsPerSecond,
    };
  }

  private async *lines(): AsyncGenerator<NumberedLine> {
    try {
      for await (const line of ndjsonLines(this.input.source)) {
        this.linesRead = line.lineNumber;
        this.bytesRead = line.bytesRead;
        yield line;
      }
    } catch (error) {
      if (!(error instanceof UnreadableLineError)) throw error;
      throw this.stopped(
        `line ${error.lineNumber}, ${error.problem.pointer || '/'}: ${error.problem.detail}`,
        error.lineNumber,
        error.problem.pointer,
      );
    }
  }

  private async commit(store: BulkImporter, batch: readonly PendingEvent[]): Promise<void> {
    if (batch.length === 0) return;
    this.assertNotInterrupted();
    let result: ImportBatchResult;
    try {
      result = await store.importBatch(batch.map((pending) => pending.event));
    } catch (error) {
      if (!(error instanceof ImportRefusedError)) throw error;
      const lineNumber = batch[error.index]!.lineNumber;
      throw this.stopped(
        `line ${lineNumber}, ${error.pointer}: ${error.message}`,
        lineNumber,
        error.pointer,
      );
    }
    this.imported += result.imported;
    this.skipped += result.skipped;
    this.headPosition = result.headPosition;
    this.committedThroughLine = batch[batch.length - 1]!.lineNumber;
    this.input.onProgress?.(this.progress(false));
  }

  private assertNotInterrupted(): void {
    if (this.input.signal?.aborted) throw this.stopped('interrupted', null, null);
  }

  private stopped(message: string, lineNumber: number | null, pointer: string | null) {
    return new ImportStoppedError(message, lineNumber, pointer, this.progress(false));
  }

  private progress(done: boolean): ImportProgress {
    const elapsedSeconds = Math.max((this.now() - this.startedAt) / 1000, 1e-3);
    const { totalBytes } = this.input;
    const bytesPerSecond = this.bytesRead / elapsedSeconds;
    return {
      linesRead: this.linesRead,
      imported: this.imported,
      skipped: this.skipped,
      committedThroughLine: this.committedThroughLine,
      bytesRead: this.bytesRead,
      totalBytes,
      eventsPerSecond: (this.imported + this.skipped) / elapsedSeconds,
      etaSeconds:
        totalBytes === null || bytesPerSecond === 0
          ? null
          : Math.max(0, Math.round((totalBytes - this.bytesRead) / bytesPerSecond)),
      elapsedSeconds,
      done,
    };
  }
}
