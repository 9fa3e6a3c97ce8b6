import type { Response } from 'express';
import type { Logger } from 'pino';
import type { Page } from './pagination';

/**
 * Streamed exports: rows go out as they are read, at the pace the client reads them, so memory
 * stays flat however many rows there are. The source is pulled only when the response has room
 * (`write` returned true, or 'drain' came); a client that goes away stops the source (its
 * `return()` runs, closing cursors); a source that fails after bytes were sent cuts the response,
 * so the client sees a truncated transfer rather than a file that looks complete.
 */

/** A CSV column: the row member it reads and how its cells are made safe. */
export interface CsvColumn {
  readonly key: string;
  /** The header cell; the key when absent. */
  readonly header?: string;
  /**
   * `text` (the default): a cell that a spreadsheet would run as a formula (it starts with `=`,
   * `+`, `-`, `@`, tab or carriage return) is prefixed with `'`. `number`: numbers and decimal
   * strings such as `-12.50` stay as they are; anything else in the column is treated as text.
   */
  readonly kind?: 'text' | 'number';
}

export interface ExportOptions {
  /** Offered to the client in Content-Disposition; characters other than `A-Za-z0-9._-` become `_`. */
  readonly filename?: string;
  /** Where a failure midway is logged; the request's logger when absent. */
  readonly logger?: Logger;
}

/** How an export ended: every row sent, the client went away, or the source failed midway. */
export type ExportOutcome = 'completed' | 'client-gone' | 'failed';

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8; header=present';
export const NDJSON_CONTENT_TYPE = 'application/x-ndjson';

// Rows are gathered into chunks of about this size: one write per row would cost a syscall-sized
// overhead each, and a chunk below the response's high-water mark keeps backpressure meaningful.
const CHUNK_CHARS = 16 * 1024;

/** RFC 4180 CSV: a header row, CRLF line ends, fields quoted when they hold `"`, `,`, CR or LF. */
export function streamCsv(
  res: Response,
  columns: readonly CsvColumn[],
  rows: AsyncIterable<Record<string, unknown>>,
  options: ExportOptions = {},
): Promise<ExportOutcome> {
  return streamLines(res, rows, {
    contentType: CSV_CONTENT_TYPE,
    filename: options.filename ?? 'export.csv',
    logger: options.logger,
    head: csvRecord(columns.map((column) => csvField(column.header ?? column.key))),
    line: (row) => csvRecord(columns.map((column) => csvField(row[column.key], column.kind))),
  });
}

/** Newline-delimited JSON: one JSON document per row, each on its own line. */
export function streamNdjson(
  res: Response,
  rows: AsyncIterable<unknown>,
  options: ExportOptions = {},
): Promise<ExportOutcome> {
  return streamLines(res, rows, {
    contentType: NDJSON_CONTENT_TYPE,
    filename: options.filename ?? 'export.ndjson',
    logger: options.logger,
    head: '',
    line: (row) => `${JSON.stringify(row)}\n`,
  });
}

/**
 * The rows of a keyset-paged query, one page fetched at a time and only when the previous one is
 * consumed: an export reads the read store page by page instead of all at once.
 */
export async function* pagedRows<Row, Position>(
  fetchPage: (after: Position | undefined) => Promise<Page<Row, Position>>,
): AsyncGenerator<Row, void, undefined> {
  let after: Position | undefined;
  do {
    const page = await fetchPage(after);
    yield* page.items;
    after = page.nextAfter;
  } while (after !== undefined);
}

/** One CSV record with its CRLF. */
export const csvRecord = (fields: readonly string[]): string => `${fields.join(',')}\r\n`;

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;
const DECIMAL = /^-?[0-9]+(\.[0-9]+)?$/;

/** One CSV field, defused and quoted as needed. */
export function csvField(value: unknown, kind: 'text' | 'number' = 'text'): string {
  const text = cellText(value);
  const isNumber = kind === 'number' && (typeof value === 'number' || DECIMAL.test(text));
  const safe = !isNumber && FORMULA_START.test(text) ? `'${text}` : text;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

interface LineFormat<Row> {
  readonly contentType: string;
  readonly filename: string;
  readonly logger: Logger | undefined;
  readonly head: string;
  readonly line: (row: Row) => string;
}

async function streamLines<Row>(
  res: Response,
  rows: AsyncIterable<Row>,
  format: LineFormat<Row>,
): Promise<ExportOutcome> {
  const iterator = rows[Symbol.asyncIterator]();
  let sourceDone = false;
  let clientGone = false;
  const onClose = (): void => {
    if (!res.writableFinished) clientGone = true;
  };
  res.on('close', onClose);
  const startHeaders = (): void => {
    if (res.headersSent) return;
    res.setHeader('Content-Type', format.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${safeFilename(format.filename)}"`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Financial data: no shared cache keeps a copy.
    res.setHeader('Cache-Control', 'no-store');
  };
  try {
    let chunk = format.head;
    for (;;) {
      let next: IteratorResult<Row>;
      try {
        next = await iterator.next();
      } catch (error) {
        sourceDone = true;
        throw error;
      }
      if (clientGone) return 'client-gone';
      if (next.done === true) {
        sourceDone = true;
        break;
      }
      chunk += format.line(next.value);
      if (chunk.length >= CHUNK_CHARS) {
        startHeaders();
        const roomLeft = res.write(chunk);
        chunk = '';
        if (!roomLeft) await drainedOrClosed(res);
        if (clientGone) return 'client-gone';
      }
    }
    startHeaders();
    res.end(chunk);
    return 'completed';
  } catch (error) {
    // Nothing sent yet: the error handler can still answer with a proper problem.
    if (!res.headersSent && !clientGone) throw error;
    (format.logger ?? res.req.log)?.error(
      { err: error },
      'export failed midway; the response is cut so the client sees it incomplete',
    );
    res.destroy();
    return 'failed';
  } finally {
    res.off('close', onClose);
    if (!sourceDone) await closeSource(iterator, format.logger ?? res.req.log);
  }
}

function drainedOrClosed(res: Response): Promise<void> {
  if (res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

async function closeSource(iterator: AsyncIterator<unknown>, logger: Logger | undefined) {
  try {
    await iterator.return?.();
  } catch (error) {
    logger?.warn({ err: error }, 'export source failed to close');
  }
}

function safeFilename(filename: string): string {
  return filename.replace(/[^A-Za-z0-9._-]/g, '_');
}
