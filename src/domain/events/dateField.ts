import { z } from 'zod';
import { businessDate, isBusinessDate, isOnOrBefore, type BusinessDate } from '../dates';
import { refineWith } from './refineWith';

/** A calendar date `YYYY-MM-DD` that exists (2024-02-29 does, 2023-02-29 does not). */
export const dateField = z
  .string()
  .superRefine(refineWith((text: string) => businessDate(text)))
  .meta({ docType: 'date', description: 'a calendar date, YYYY-MM-DD' });

/** Both ends included: a calendar quarter is `{"from": "2024-01-01", "to": "2024-03-31"}`. */
export const periodField = z
  .strictObject({
    from: dateField.describe('first day of the period (included), YYYY-MM-DD'),
    to: dateField.describe('last day of the period (included), YYYY-MM-DD'),
  })
  .superRefine((period, ctx) =>
    requireOnOrBefore(ctx, period.from, period.to, ['to'], 'a period ends on or after it starts'),
  )
  .meta({ docType: 'period', description: 'a period of dates {from, to}, both included' });

/** True when `text` is a real calendar date (for cross-field rules over already-checked fields). */
export function isDate(text: string): text is BusinessDate {
  return typeof text === 'string' && isBusinessDate(text);
}

/** Adds an issue at `path` unless `earlier` is on or before `later` (skipped if either is invalid). */
export function requireOnOrBefore(
  ctx: z.RefinementCtx,
  earlier: string | undefined,
  later: string | undefined,
  path: (string | number)[],
  message: string,
): void {
  if (earlier === undefined || later === undefined) return;
  if (isDate(earlier) && isDate(later) && !isOnOrBefore(earlier, later))
    ctx.addIssue({ code: 'custom', message, path });
}
