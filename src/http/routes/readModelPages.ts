import type { Request, Response } from 'express';
import { z } from 'zod';
import { currencyCode } from '../../domain/currency';
import { formatMoney, money, type MoneyJson } from '../../domain/money';
import type { ReadStore, SqlParameter } from '../../readstore/readStore';
import { pagedRows, streamCsv, streamNdjson, type CsvColumn } from '../api/export';
import { decodeCursor, encodeCursor, setNextLink } from '../api/pagination';
import { sendJsonWithETag } from '../api/etag';

/** One condition of a list's WHERE clause, in portable SQL with `?` placeholders. */
export interface Condition {
  readonly sql: string;
  readonly parameters: readonly SqlParameter[];
}

export const condition = (sql: string, ...parameters: SqlParameter[]): Condition => ({
  sql,
  parameters,
});

/** A read model table listed in the order of a unique, increasing position column. */
export interface ListSource<Row> {
  readonly table: string;
  /** Unique and increasing along the log: the keyset the pages follow. */
  readonly positionColumn: string;
  /** How a row is shown. */
  readonly present: (row: Row) => Record<string, unknown>;
  /** Adds what other tables hold to a page of rows (one query per page, never per row). */
  readonly enrich?: (readStore: ReadStore, rows: Row[]) => Promise<Row[]>;
}

const positionCursor = z.strictObject({ p: z.number().int().min(0) });

/** `?cursor=`'s position, or 0 for the first page. */
export const afterCursor = (cursor: string | undefined): number =>
  cursor === undefined ? 0 : decodeCursor(cursor, positionCursor).p;

/**
 * One page of rows after a position, in position order; the next page's position when there is
 * more. Keyset paging: a deep page costs what the first does (an index range scan), never an
 * OFFSET that reads and throws away everything before it.
 */
export async function fetchPage<Row extends object>(
  readStore: ReadStore,
  source: ListSource<Row>,
  conditions: readonly Condition[],
  after: number,
  limit: number,
): Promise<{ items: Row[]; nextAfter: number | undefined }> {
  const where = [condition(`${source.positionColumn} > ?`, after), ...conditions];
  const rows = await readStore.query<Row>(
    `SELECT * FROM ${source.table} WHERE ${where.map((c) => `(${c.sql})`).join(' AND ')} ` +
      `ORDER BY ${source.positionColumn} LIMIT ?`,
    [...where.flatMap((c) => c.parameters), limit + 1],
  );
  const page = rows.slice(0, limit);
  const items = source.enrich ? await source.enrich(readStore, page) : page;
  const last = items[items.length - 1] as Record<string, unknown> | undefined;
  return {
    items,
    nextAfter: rows.length > limit && last ? Number(last[source.positionColumn]) : undefined,
  };
}

/** Answers a page: `{items}`, the Link to the next one, and an ETag of the body (304 when unchanged). */
export async function sendPage<Row extends object>(
  req: Request,
  res: Response,
  readStore: ReadStore,
  source: ListSource<Row>,
  conditions: readonly Condition[],
  page: { readonly cursor?: string | undefined; readonly limit: number },
): Promise<void> {
  const { items, nextAfter } = await fetchPage(
    readStore,
    source,
    conditions,
    afterCursor(page.cursor),
    page.limit,
  );
  const next = nextAfter === undefined ? undefined : encodeCursor({ p: nextAfter });
  setNextLink(req, res, next);
  sendJsonWithETag(req, res, {
    items: items.map(source.present),
    ...(next !== undefined && { nextCursor: next }),
  });
}

export const exportFormatSchema = z
  .enum(['csv', 'ndjson'])
  .default('csv')
  .describe('csv (RFC 4180, with a header row) or ndjson (one JSON document per line)');

/** Streams every matching row, page by page, as CSV or NDJSON: memory stays flat. */
export async function sendExport<Row extends object>(
  res: Response,
  readStore: ReadStore,
  source: ListSource<Row>,
  conditions: readonly Condition[],
  options: {
    readonly format: 'csv' | 'ndjson';
    readonly filename: string;
    readonly csvColumns: readonly CsvColumn[];
    /** A flat record for CSV; defaults to the presented row. */
    readonly csvRow?: (row: Row) => Record<string, unknown>;
  },
): Promise<void> {
  const rows = pagedRows<Row, number>((after) =>
    fetchPage(readStore, source, conditions, after ?? 0, 500),
  );
  if (options.format === 'ndjson') {
    await streamNdjson(res, mapRows(rows, source.present), {
      filename: `${options.filename}.ndjson`,
    });
    return;
  }
  await streamCsv(res, options.csvColumns, mapRows(rows, options.csvRow ?? source.present), {
    filename: `${options.filename}.csv`,
  });
}

async function* mapRows<Row, Out>(rows: AsyncIterable<Row>, map: (row: Row) => Out) {
  for await (const row of rows) yield map(row);
}

/** Minor units from a column as money on the wire: `{"amount": "1500000.00", "currency": "USD"}`. */
export const moneyJson = (minor: number | string | bigint, currency: string): MoneyJson =>
  formatMoney(money(BigInt(minor), currencyCode(currency)));

/** The decimal string alone, for CSV columns next to a currency column. */
export const decimalOf = (minor: number | string | bigint, currency: string): string =>
  moneyJson(minor, currency).amount;

export const moneyJsonSchema = z
  .object({
    amount: z.string().describe('decimal string with exactly the currency’s decimals'),
    currency: z.string().describe('ISO 4217 code'),
  })
  .describe('money: a decimal string and its currency');
