import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';
import { EventLineError } from './eventLine';

export interface NumberedLine {
  /** 1 for the first line of the file. */
  readonly lineNumber: number;
  readonly text: string;
  /** Bytes of the file read up to the end of this line: progress against the file's size. */
  readonly bytesRead: number;
}

/** A line longer than this is refused rather than held: memory stays bounded whatever the file. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** A line that cannot be read as text; `lineNumber` says which. */
export class UnreadableLineError extends Error {
  constructor(
    readonly lineNumber: number,
    readonly problem: EventLineError,
  ) {
    super(`line ${lineNumber}: ${problem.message}`);
    this.name = 'UnreadableLineError';
  }
}

/**
 * The lines of an NDJSON stream, one at a time, with their numbers: the file is never held
 * whole, only the chunk being split and one unfinished line. Blank lines are skipped (a final
 * newline, or none, is fine), `\r\n` is accepted, and a byte sequence that is not UTF-8 is
 * refused (decoding it would silently change the data). Each chunk's whole lines are checked
 * and decoded at once, not line by line: this runs for every byte of a million-event import.
 */
export async function* ndjsonLines(input: Readable): AsyncGenerator<NumberedLine> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let lineNumber = 0;
  let bytesRead = 0;
  function* linesOf(region: Buffer): Generator<NumberedLine> {
    if (!isUtf8(region))
      throw new UnreadableLineError(lineNumber + firstBadLine(region), notUtf8());
    const texts = region.toString('utf8').split('\n');
    for (let text of texts) {
      lineNumber += 1;
      if (lineNumber === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.endsWith('\r')) text = text.slice(0, -1);
      if (text.trim() !== '') yield { lineNumber, text, bytesRead };
    }
  }
  for await (const chunk of input as AsyncIterable<Buffer>) {
    const lastNewline = chunk.lastIndexOf(10);
    if (lastNewline === -1) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      bytesRead += chunk.length;
    } else {
      bytesRead += chunk.length;
      const head = chunk.subarray(0, lastNewline);
      const region = pendingBytes === 0 ? head : Buffer.concat([...pending, head]);
      const rest = chunk.subarray(lastNewline + 1);
      pending = rest.length === 0 ? [] : [rest];
      pendingBytes = rest.length;
      yield* linesOf(region);
    }
    if (pendingBytes > MAX_LINE_BYTES)
      throw new UnreadableLineError(
        lineNumber + 1,
        new EventLineError('', `longer than ${MAX_LINE_BYTES} bytes`),
      );
  }
  if (pendingBytes > 0) yield* linesOf(Buffer.concat(pending));
}

/** 1 for the region's first line: which of its lines holds the bytes that are not UTF-8. */
function firstBadLine(region: Buffer): number {
  let start = 0;
  for (let line = 1; ; line++) {
    const newline = region.indexOf(10, start);
    const end = newline === -1 ? region.length : newline;
    if (!isUtf8(region.subarray(start, end)) || newline === -1) return line;
    start = newline + 1;
  }
}

function notUtf8(): EventLineError {
  return new EventLineError('', 'not valid UTF-8');
}
