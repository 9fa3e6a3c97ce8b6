import type { ProgressStream } from '../workers/rebuildCommand';
import type { ExportProgress } from './exportEvents';
import type { ImportProgress } from './importEvents';

/**
 * Prints progress as the rebuild does: on a terminal one line redrawn in place at most ten times
 * a second, elsewhere (a log, a pipe) a plain line every `intervalMs`; the last line always.
 */
export function throttledLine(input: {
  stream: ProgressStream;
  intervalMs?: number;
  now?: () => number;
}): (line: string, done: boolean) => void {
  const { stream } = input;
  const tty = stream.isTTY === true;
  const intervalMs = input.intervalMs ?? (tty ? 100 : 5_000);
  const now = input.now ?? Date.now;
  let last = -Infinity;
  return (line, done) => {
    if (!done) {
      const time = now();
      if (time - last < intervalMs) return;
      last = time;
    }
    stream.write(tty ? `\r\u001b[K${line}${done ? '\n' : ''}` : `${line}\n`);
  };
}

/** `import 42% 420000 events (3 skipped) 61234 events/s ETA 9 s` */
export function describeImport(progress: ImportProgress): string {
  const { imported, skipped, bytesRead, totalBytes, eventsPerSecond, etaSeconds } = progress;
  const share = totalBytes === null || totalBytes === 0 ? null : bytesRead / totalBytes;
  if (progress.done)
    return `imported ${imported} events, skipped ${skipped} already stored, in ${progress.elapsedSeconds.toFixed(1)} s (${Math.round(eventsPerSecond)} events/s)`;
  return [
    'import',
    ...(share === null ? [] : [`${Math.floor(share * 100)}%`]),
    `${imported + skipped} events${skipped > 0 ? ` (${skipped} already stored)` : ''}`,
    `line ${progress.committedThroughLine}`,
    `${Math.round(eventsPerSecond)} events/s`,
    `ETA ${etaSeconds === null ? '?' : formatSeconds(etaSeconds)}`,
  ].join(' ');
}

/** `export 42% position 420000/1000000 61234 events/s ETA 9 s` */
export function describeExport(progress: ExportProgress): string {
  const { position, head, events, eventsPerSecond, etaSeconds } = progress;
  if (progress.done)
    return `exported ${events} events up to position ${position} in ${progress.elapsedSeconds.toFixed(1)} s (${Math.round(eventsPerSecond)} events/s)`;
  const share = head === 0 ? 1 : position / head;
  return [
    'export',
    `${Math.floor(share * 100)}%`,
    `position ${position}/${head}`,
    `${Math.round(eventsPerSecond)} events/s`,
    `ETA ${etaSeconds === null ? '?' : formatSeconds(etaSeconds)}`,
  ].join(' ');
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
