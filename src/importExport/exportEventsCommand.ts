import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { CliCommand } from '../cli';
import { DEFAULT_EXPORT_PAGE_SIZE, exportEvents } from './exportEvents';
import { describeExport, throttledLine } from './transferProgress';

// What a shell reports for a process ended by SIGINT.
const INTERRUPTED = 130;
// sysexits.h: an error while writing the output.
const EX_IOERR = 74;

/**
 * `export-events [file]`: the global log in order, one JSON object per line (eventLine.ts), to
 * the file or to stdout; progress on stderr. A file is written as `<file>.partial` and renamed
 * once complete, so an interrupted export never looks like a whole one.
 */
export const exportEventsCommand: CliCommand = {
  usage: ['export-events [file.ndjson] [--page-size <events>]'],
  run: async (args, context) => {
    let values: { 'page-size'?: string | undefined };
    let positionals: string[];
    try {
      ({ values, positionals } = parseArgs({
        args: [...args],
        options: { 'page-size': { type: 'string' } },
        allowPositionals: true,
        strict: true,
      }));
    } catch (error) {
      return context.usageError((error as Error).message);
    }
    if (positionals.length > 1) return context.usageError('name at most one file');
    const pageSize =
      values['page-size'] === undefined ? DEFAULT_EXPORT_PAGE_SIZE : Number(values['page-size']);
    if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > 100_000)
      return context.usageError(
        `--page-size takes a whole number from 1 to 100000, not ${values['page-size']}`,
      );
    const file = positionals[0];
    const store = await context.eventStore();
    const partial = file === undefined ? undefined : `${file}.partial`;
    const sink: Writable =
      partial === undefined ? process.stdout : createWriteStream(partial, { flags: 'w' });
    const interrupt = new AbortController();
    const onSigint = (): void => interrupt.abort(new Error('interrupted'));
    process.once('SIGINT', onSigint);
    // A full disk, or a reader that went away (`| head`): stop, rather than crash on the error.
    const failed: { error: Error | null } = { error: null };
    const onWriteError = (error: Error): void => {
      failed.error ??= error;
      interrupt.abort(error);
    };
    sink.on('error', onWriteError);
    const printLine = throttledLine({ stream: process.stderr });
    try {
      const report = await exportEvents({
        store,
        sink,
        pageSize,
        signal: interrupt.signal,
        onProgress: (progress) => printLine(describeExport(progress), progress.done),
      });
      if (partial !== undefined && file !== undefined) {
        sink.end();
        await once(sink, 'close');
        renameSync(partial, file);
      } else {
        // A pipe reports a reader that went away after the write: wait for the last one's word.
        await new Promise<void>((resolve) => sink.write('', () => setImmediate(resolve)));
      }
      if (failed.error !== null) throw failed.error;
      context.tell(
        `export-events: ${report.events} events up to position ${report.headPosition}${file === undefined ? '' : ` in ${file}`}`,
      );
      return 0;
    } catch (error) {
      if (partial !== undefined) {
        sink.destroy();
        rmSync(partial, { force: true });
      }
      if (!interrupt.signal.aborted) throw error;
      const kept = partial === undefined ? 'the output is incomplete' : 'nothing was kept';
      if (failed.error === null) {
        context.tell(`obligations export-events: interrupted; ${kept}`);
        return INTERRUPTED;
      }
      context.tell(`obligations export-events: cannot write (${failed.error.message}); ${kept}`);
      return EX_IOERR;
    } finally {
      process.removeListener('SIGINT', onSigint);
      sink.removeListener('error', onWriteError);
    }
  },
};
