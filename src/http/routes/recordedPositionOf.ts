import { z } from 'zod';
import type { SqlExecutor } from '../../readstore/readStore';
import { recordedAtSchema, recordedPosition } from './queryRoutes';

/**
 * `recordedAt` and `asOf` on the lists whose valid time is their record time (API keys,
 * integrations: a key exists from when its creation was recorded, is revoked from when its
 * revocation was): both name a position in the log.
 */
export const recordPositionQuery = {
  recordedAt: recordedAtSchema,
  asOf: z
    .union([z.iso.date(), z.iso.datetime({ offset: true })])
    .optional()
    .describe(
      'valid time, which here is record time: an RFC 3339 instant (as `recordedAt`) or a date (the end of that day, UTC); with recordedAt, the earlier of the two',
    ),
};

/**
 * The position `recordedAt` and `asOf` name together (the earlier), once the projection has
 * applied it; undefined when neither is given (now).
 */
export async function recordedPositionOf(
  readStore: SqlExecutor,
  query: { readonly recordedAt?: number | string | undefined; readonly asOf?: string | undefined },
  projection: string,
): Promise<number | undefined> {
  const positions: number[] = [];
  if (query.recordedAt !== undefined)
    positions.push(await recordedPosition(readStore, query.recordedAt, projection));
  if (query.asOf !== undefined) {
    const instant = /^\d{4}-\d{2}-\d{2}$/.test(query.asOf)
      ? `${query.asOf}T23:59:59.999Z`
      : query.asOf;
    positions.push(await recordedPosition(readStore, instant, projection));
  }
  return positions.length === 0 ? undefined : Math.min(...positions);
}
