import type { z } from 'zod';

/** Refuses an array that holds the same value twice, pointing at the second one. */
export function uniqueItems<Schema extends z.ZodArray<z.ZodType<string>>>(schema: Schema): Schema {
  return schema.superRefine((items: readonly string[], ctx) => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      if (seen.has(item))
        ctx.addIssue({ code: 'custom', message: `${item} appears twice`, path: [index] });
      seen.add(item);
    });
  });
}
