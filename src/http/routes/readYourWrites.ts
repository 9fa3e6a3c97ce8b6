import { z } from 'zod';
import type { SqlExecutor } from '../../readstore/readStore';
import { readCheckpoint } from '../../workers/checkpoints';
import { HttpProblemError, problemType } from '../problemDetails';

/** The header every write answers with: the global position its events reached. */
export const POSITION_HEADER = 'X-Position';

/** `?waitFor=<position>`: answer only once the read model has applied that position. */
export const waitForSchema = z.coerce
  .number()
  .int()
  .min(0)
  .max(Number.MAX_SAFE_INTEGER)
  .optional()
  .describe(
    'a position from a write’s X-Position header: the read waits (up to 10 s) until this read model has applied it',
  );

const WAIT_LIMIT_MS = 10_000;
const POLL_MS = 15;

/**
 * Read-your-writes across processes: waits until the projection's checkpoint (in the read store,
 * moved in the same transaction as its rows) has reached `position`. A read model still behind
 * after the limit answers 503 with Retry-After rather than stale rows the caller asked not to see.
 */
export async function awaitProjection(
  readStore: SqlExecutor,
  projection: string,
  position: number | undefined,
  limitMs = WAIT_LIMIT_MS,
): Promise<void> {
  if (position === undefined || position === 0) return;
  const deadline = Date.now() + limitMs;
  for (;;) {
    const reached = await readCheckpoint(readStore, projection);
    if (reached >= position) return;
    if (Date.now() >= deadline) {
      throw new HttpProblemError(
        {
          type: problemType('read-model-behind'),
          title: 'The read model has not reached that position yet',
          status: 503,
          detail: `${projection} has applied the log up to ${reached}, not yet ${position}; retry shortly.`,
          projection,
          position: reached,
        },
        { 'Retry-After': '1' },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
