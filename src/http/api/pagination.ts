import type { Request, Response } from 'express';
import { z } from 'zod';
import type { SqlParameter } from '../../readstore/readStore';
import { ValidationError } from '../validationError';

/**
 * Keyset pagination behind opaque cursors. A cursor is the position of the last item of a page,
 * `{v, after}` as base64url JSON: opaque to clients (they must not build one), readable to us. It
 * is not signed: it only moves where a query starts, never what the caller may see, since every
 * query filters by the caller's rights whatever the cursor says. The version lets the format
 * change without misreading cursors clients still hold.
 */
export const CURSOR_VERSION = 1;

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

/** `?limit=`: how many items a page holds, 1 to 500, 50 when absent. */
export const limitSchema = z.coerce.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT);

/** `?cursor=` as received; decode it with `decodeCursor` and the list's own position schema. */
export const cursorSchema = z.string().min(1).max(2048).optional();

/** The query members every list takes; extend it with the list's filters. */
export const pageQuerySchema = z.object({ cursor: cursorSchema, limit: limitSchema });

const CURSOR_POINTER = '/query/cursor';
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function encodeCursor(after: object): string {
  return Buffer.from(JSON.stringify({ v: CURSOR_VERSION, after }), 'utf8').toString('base64url');
}

/**
 * The position a cursor holds, checked against the list's schema. Anything else (not base64url,
 * not JSON, another version, another shape) is a ValidationError pointing at `/query/cursor`.
 */
export function decodeCursor<Position>(cursor: string, schema: z.ZodType<Position>): Position {
  const invalid = (detail: string): ValidationError =>
    new ValidationError([{ detail, pointer: CURSOR_POINTER }], `cursor: ${detail}`);
  if (!BASE64URL.test(cursor)) throw invalid('not a cursor this service issued');
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not a cursor this service issued');
  }
  const envelope = z.object({ v: z.literal(CURSOR_VERSION), after: schema }).strict();
  const result = envelope.safeParse(decoded);
  if (!result.success) {
    throw invalid(
      'not a cursor of this list, or one from an older version; start from the first page',
    );
  }
  return result.data.after;
}

/** The sort key of a list: a NOT NULL column, then a unique column that breaks ties. */
export interface Keyset {
  readonly sortColumn: string;
  readonly idColumn: string;
  readonly direction?: 'asc' | 'desc';
}

export interface KeysetPosition {
  readonly sort: SqlParameter;
  readonly id: SqlParameter;
}

export interface KeysetClause {
  /** A condition to AND into the WHERE clause (`1 = 1` on the first page). */
  readonly where: string;
  readonly parameters: SqlParameter[];
  /** `sort_col ASC, id ASC`, to follow ORDER BY. */
  readonly orderBy: string;
}

// Column names go into the SQL text: only identifiers written in code, never request input.
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

/**
 * The rows after `after` in keyset order: `(a > ? OR (a = ? AND b > ?))`, the portable spelling
 * of the row comparison `(a, b) > (?, ?)` (which older SQLite lacks). Index `(sort_col, id)` so
 * that it seeks instead of scanning.
 */
export function keysetAfter(keyset: Keyset, after: KeysetPosition | undefined): KeysetClause {
  const { sortColumn, idColumn, direction = 'asc' } = keyset;
  for (const column of [sortColumn, idColumn]) {
    if (!IDENTIFIER.test(column)) throw new Error(`not a column name: ${column}`);
  }
  const order = direction === 'asc' ? 'ASC' : 'DESC';
  const orderBy = `${sortColumn} ${order}, ${idColumn} ${order}`;
  if (after === undefined) return { where: '1 = 1', parameters: [], orderBy };
  const beyond = direction === 'asc' ? '>' : '<';
  return {
    where: `(${sortColumn} ${beyond} ? OR (${sortColumn} = ? AND ${idColumn} ${beyond} ?))`,
    parameters: [after.sort, after.sort, after.id],
    orderBy,
  };
}

export interface Page<Item, Position> {
  readonly items: Item[];
  /** Where the next page starts; absent on the last page. */
  readonly nextAfter?: Position;
}

/**
 * A page from rows fetched with `LIMIT limit + 1`: the extra row only says that a next page
 * exists (no COUNT, no empty last page).
 */
export function pageOf<Item, Position>(
  rows: readonly Item[],
  limit: number,
  positionOf: (item: Item) => Position,
): Page<Item, Position> {
  if (rows.length <= limit) return { items: [...rows] };
  const items = rows.slice(0, limit);
  return { items, nextAfter: positionOf(items[items.length - 1]!) };
}

/**
 * The URL of the next page: the request's own path and query (as the client sent it, under any
 * mount path) with `cursor` replaced. Relative, which RFC 8288 allows.
 */
export function nextPageUrl(req: Request, cursor: string): string {
  const url = new URL(req.originalUrl, 'http://relative.invalid');
  url.searchParams.set('cursor', cursor);
  return `${url.pathname}${url.search}`;
}

/** Sets `Link: <...>; rel="next"` (RFC 8288) when there is a next page. */
export function setNextLink(req: Request, res: Response, nextCursor: string | undefined): void {
  if (nextCursor === undefined) return;
  res.append('Link', `<${nextPageUrl(req, nextCursor)}>; rel="next"`);
}
