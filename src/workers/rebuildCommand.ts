import { parseArgs } from 'node:util';
import { readModels } from '../../projections/catalogue';
import type { CliCommand } from '../cli';
import { migrateReadSide } from '../readstore/migrateReadSide';
import {
  BULK_REBUILD_BATCH_SIZE,
  LeaseUnavailableError,
  leaseNameOf,
  rebuildWithLease,
  type RebuildProgress,
} from './rebuild';

// sysexits.h: a temporary failure; trying again later may work (the lease stayed taken).
const EX_TEMPFAIL = 75;
// What a shell reports for a process ended by SIGINT.
const INTERRUPTED = 130;
const WAITING_NOTICE_MS = 10_000;

/**
 * `rebuild [--projection <name>]`: rebuilds read models against the configured stores
 * (src/workers/rebuild.ts), one after the other, printing progress on stderr. A running service
 * whose worker leads the projection keeps its lease: the command says so and waits (Ctrl-C stops
 * it; `--wait <seconds>` gives up after that long with exit code 75). Ctrl-C during a rebuild
 * stops it after the current batch; the worker carries on from there.
 */
export const rebuildCommand: CliCommand = {
  usage: ['rebuild [--projection <name>] [--wait <seconds>] [--batch-size <events>]'],
  run: async (args, context) => {
    let values: { projection?: string; wait?: string; 'batch-size'?: string };
    try {
      ({ values } = parseArgs({
        args: [...args],
        options: {
          projection: { type: 'string' },
          wait: { type: 'string' },
          'batch-size': { type: 'string' },
        },
        strict: true,
      }));
    } catch (error) {
      return context.usageError((error as Error).message);
    }
    const waitSeconds = values.wait === undefined ? undefined : Number(values.wait);
    if (waitSeconds !== undefined && !(Number.isFinite(waitSeconds) && waitSeconds >= 0))
      return context.usageError(`--wait takes a number of seconds, not ${values.wait}`);
    const batchSize =
      values['batch-size'] === undefined ? BULK_REBUILD_BATCH_SIZE : Number(values['batch-size']);
    if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 100_000)
      return context.usageError(
        `--batch-size takes a whole number from 1 to 100000, not ${values['batch-size']}`,
      );

    const store = await context.eventStore();
    const all = readModels(store);
    const chosen =
      values.projection === undefined
        ? all
        : all.filter((projection) => projection.name === values.projection);
    if (chosen.length === 0)
      return context.usageError(
        `there is no read model ${values.projection}; the read models are ${all.map((p) => p.name).join(', ')}`,
      );
    const readStore = await context.readStore();
    // A fresh read store has no tables yet: create them as the service would (those of the read
    // models chosen: another read model's pending data migration is not this command's to run).
    await migrateReadSide(store, readStore, chosen);

    const interrupt = new AbortController();
    const onSigint = (): void => interrupt.abort(new Error('interrupted'));
    process.once('SIGINT', onSigint);
    try {
      for (const projection of chosen) {
        const lease = leaseNameOf(projection.name);
        let noticed = -Infinity;
        const progress = progressPrinter({ stream: process.stderr });
        await rebuildWithLease({
          projection,
          store,
          readStore,
          options: {
            batchSize,
            // A bulk rebuild: the secondary indexes are built once, at the end.
            deferIndexes: true,
            signal: interrupt.signal,
            onProgress: progress,
            ...(waitSeconds !== undefined && { leaseTimeoutMs: waitSeconds * 1000 }),
            onWaiting: (waitedMs) => {
              if (waitedMs - noticed < WAITING_NOTICE_MS) return;
              const first = noticed === -Infinity;
              noticed = waitedMs;
              context.tell(
                first
                  ? `waiting for ${lease}: a running service's worker holds it (it is released when that worker stops; Ctrl-C to give up${waitSeconds === undefined ? '' : `, or after ${waitSeconds} s`})`
                  : `still waiting for ${lease} (${Math.round(waitedMs / 1000)} s)`,
              );
            },
          },
        });
      }
      return 0;
    } catch (error) {
      if (error instanceof LeaseUnavailableError) {
        context.tell(`obligations rebuild: ${error.message}`);
        return EX_TEMPFAIL;
      }
      if (interrupt.signal.aborted) {
        context.tell(
          'obligations rebuild: interrupted; what was rebuilt is kept, and the worker carries on from there',
        );
        return INTERRUPTED;
      }
      throw error;
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
  },
};

/** Where progress goes: stderr, or whatever a test gives. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/**
 * Prints a rebuild's progress: on a terminal one line redrawn in place (`\r`) at most ten times a
 * second; elsewhere (a log, a pipe) a plain line every `intervalMs`; in both, a last line when done.
 */
export function progressPrinter(input: {
  stream: ProgressStream;
  intervalMs?: number;
  now?: () => number;
}): (progress: RebuildProgress) => void {
  const { stream } = input;
  const tty = stream.isTTY === true;
  const intervalMs = input.intervalMs ?? (tty ? 100 : 5_000);
  const now = input.now ?? Date.now;
  let last = -Infinity;
  return (progress) => {
    if (progress.done) {
      const seconds = (now() - Date.parse(progress.startedAt)) / 1000;
      stream.write(
        `${tty ? '\r\u001b[K' : ''}rebuilt ${progress.projection}: ${progress.applied} events up to position ${progress.position} in ${seconds.toFixed(1)} s (${Math.round(progress.eventsPerSecond)} events/s)\n`,
      );
      return;
    }
    const time = now();
    if (time - last < intervalMs) return;
    last = time;
    stream.write(tty ? `\r\u001b[K${describe(progress, true)}` : `${describe(progress, false)}\n`);
  };
}

const BAR_WIDTH = 24;

function describe(progress: RebuildProgress, bar: boolean): string {
  const { projection, position, head, eventsPerSecond, etaSeconds } = progress;
  const share = head === 0 ? 1 : Math.min(1, position / head);
  const filled = Math.round(share * BAR_WIDTH);
  const parts = [
    `rebuilding ${projection}`,
    ...(bar ? [`[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`] : []),
    `${Math.floor(share * 100)}%`,
    `position ${position}/${head}`,
    `${Math.round(eventsPerSecond)} events/s`,
    `ETA ${etaSeconds === null ? '?' : formatSeconds(etaSeconds)}`,
  ];
  return parts.join(' ');
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
