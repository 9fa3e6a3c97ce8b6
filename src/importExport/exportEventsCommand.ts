import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { CliCommand } from '../cli';
import { DEFAULT_EXPORT_PAGE_SIZE, exportEvents } from './exportEvents';
import { describeExport, throttledLine } from './transferProgress';

// What a shell reports for a process ended by SIGINT.
const INTERRUPTED = 130;

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
      }
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
      context.tell('obligations export-events: interrupted; nothing was kept');
      return INTERRUPTED;
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
  },
};
