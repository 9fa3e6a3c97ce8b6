import type { ImportedEvent } from '../eventstore/bulkImport';
import { EventLineError, parseEventLine } from './eventLine';

/** Lines of an import, in file order, for one validation step. */
export interface ChunkRequest {
  readonly sequence: number;
  readonly lineNumbers: readonly number[];
  readonly texts: readonly string[];
}

/** The first line of a chunk at fault; the lines before it were valid. */
export interface ChunkFailure {
  readonly lineNumber: number;
  readonly pointer: string;
  readonly detail: string;
}

export interface ChunkResult {
  readonly sequence: number;
  /** The valid events, in order, up to the first line at fault. */
  readonly events: readonly ImportedEvent[];
  readonly lineNumbers: readonly number[];
  readonly failure: ChunkFailure | null;
}

/** Parses and validates a chunk of lines (eventLine.ts), stopping at the first one at fault. */
export function validateChunk(request: ChunkRequest): ChunkResult {
  const events: ImportedEvent[] = [];
  for (let index = 0; index < request.texts.length; index++) {
    try {
      events.push(parseEventLine(request.texts[index]!).imported);
    } catch (error) {
      if (!(error instanceof EventLineError)) throw error;
      return {
        sequence: request.sequence,
        events,
        lineNumbers: request.lineNumbers.slice(0, index),
        failure: {
          lineNumber: request.lineNumbers[index]!,
          pointer: error.pointer,
          detail: error.detail,
        },
      };
    }
  }
  return { sequence: request.sequence, events, lineNumbers: request.lineNumbers, failure: null };
}
