import type { z } from 'zod';
import { DomainError } from '../domainError';

/**
 * Turns a domain parser (parseMoney, businessDate, parseDecimal, parseTerms, ...) into a zod
 * refinement, so an event schema refuses exactly what the domain refuses, with the same words.
 * A DomainError's pointer, relative to the refined value, becomes the issue's path.
 */
export function refineWith<T>(check: (value: T) => void): (value: T, ctx: z.RefinementCtx) => void {
  return (value, ctx) => {
    try {
      check(value);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.detail, path: pathOf(error.pointer ?? '') });
    }
  };
}

/** `/lines/0/amount` → `['lines', 0, 'amount']` (RFC 6901, `~1` and `~0` unescaped). */
export function pathOf(pointer: string): (string | number)[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((token) => (/^(0|[1-9]\d*)$/.test(token) ? Number(token) : token));
}
