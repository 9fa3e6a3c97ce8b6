import { createReadStream, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CliCommand } from '../cli';
import { isBulkImporter } from '../eventstore/bulkImport';
import {
  DEFAULT_IMPORT_BATCH_SIZE,
  defaultValidationThreads,
  ImportStoppedError,
  importEvents,
  type ImportProgress,
} from './importEvents';
import { describeImport, throttledLine } from './transferProgress';

// sysexits.h: the input data was incorrect (a bad line, an event the store refuses).
const EX_DATAERR = 65;
// sysexits.h: the input file does not exist or cannot be read.
const EX_NOINPUT = 66;
// What a shell reports for a process ended by SIGINT.
const INTERRUPTED = 130;

/**
 * `import <file.ndjson>`: events, one JSON object per line as `export-events` writes them
 * (src/importExport/eventLine.ts), into the configured event store, in batches of one
 * transaction each. The report is JSON on stdout, progress on stderr; a bad line stops the
 * import naming the line and the field, with its batch unwritten (exit 65). Ctrl-C stops after
 * the batch being written (exit 130). Running the same file again skips what is stored.
 * `--threads` validation threads (one per core by default; 0: all on the main thread).
 */
export const importCommand: CliCommand = {
  usage: ['import <file.ndjson | -> [--batch-size <events>] [--threads <n>]'],
  run: async (args, context) => {
    let values: { 'batch-size'?: string | undefined; threads?: string | undefined };
    let positionals: string[];
    try {
      ({ values, positionals } = parseArgs({
        args: [...args],
        options: { 'batch-size': { type: 'string' }, threads: { type: 'string' } },
        allowPositionals: true,
        strict: true,
      }));
    } catch (error) {
      return context.usageError((error as Error).message);
    }
    if (positionals.length !== 1)
      return context.usageError('name one events file (NDJSON), or - for standard input');
    const file = positionals[0]!;
    const batchSize =
      values['batch-size'] === undefined ? DEFAULT_IMPORT_BATCH_SIZE : Number(values['batch-size']);
    if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 100_000)
      return context.usageError(
        `--batch-size takes a whole number from 1 to 100000, not ${values['batch-size']}`,
      );
    const threads =
      values.threads === undefined ? defaultValidationThreads() : Number(values.threads);
    if (!Number.isSafeInteger(threads) || threads < 0 || threads > 64)
      return context.usageError(
        `--threads takes a whole number from 0 to 64, not ${values.threads}`,
      );
    let totalBytes: number | null = null;
    if (file !== '-') {
      try {
        totalBytes = statSync(file).size;
      } catch (error) {
        context.tell(`obligations import: cannot read ${file}: ${(error as Error).message}`);
        return EX_NOINPUT;
      }
    }

    const store = await context.eventStore();
    if (!isBulkImporter(store))
      context.tell('this store has no bulk path: one append per event (slower)');
    const source =
      file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1024 * 1024 });
    const interrupt = new AbortController();
    const onSigint = (): void => interrupt.abort(new Error('interrupted'));
    process.once('SIGINT', onSigint);
    const printLine = throttledLine({ stream: process.stderr });
    try {
      const report = await importEvents({
        store,
        source,
        totalBytes,
        batchSize,
        threads,
        signal: interrupt.signal,
        onProgress: (progress) => printLine(describeImport(progress), progress.done),
      });
      context.print(JSON.stringify({ file, ...report }));
      return 0;
    } catch (error) {
      if (!(error instanceof ImportStoppedError)) throw error;
      context.tell(`obligations import: ${error.message}`);
      context.tell(`obligations import: ${whatIsCommitted(error.progress, error.lineNumber)}`);
      return error.lineNumber === null ? INTERRUPTED : EX_DATAERR;
    } finally {
      process.removeListener('SIGINT', onSigint);
      if (file !== '-') source.destroy();
    }
  },
};

function whatIsCommitted(progress: ImportProgress, failedLine: number | null): string {
  const { committedThroughLine, imported, skipped } = progress;
  const committed =
    committedThroughLine === 0
      ? 'nothing was committed'
      : `lines 1-${committedThroughLine} are committed (${imported} events written, ${skipped} already stored)`;
  const unwritten =
    failedLine === null ? '' : `nothing from line ${committedThroughLine + 1} on is written; `;
  return `${unwritten}${committed}. Run the same import again (after fixing the line): what is stored is skipped by event id.`;
}
