import type { z } from 'zod';
import { InvalidTermsError, parseTerms } from '../agreement/terms';
import { agreementTermsSchema } from '../agreement/termsSchema';
import { pathOf } from './refineWith';

/**
 * The full terms of an agreement, as signed or as amended. Checked with parseTerms itself, so an
 * event carries only terms the deciders can use: every problem (tiers out of order, more decimals
 * than the currency has, ...) is reported under `/terms`.
 */
export const termsField = agreementTermsSchema
  .superRefine((terms, ctx) => {
    try {
      parseTerms(terms);
    } catch (error) {
      if (!(error instanceof InvalidTermsError)) throw error;
      for (const problem of error.problems)
        ctx.addIssue({ code: 'custom', message: problem.detail, path: pathOf(problem.pointer) });
    }
  })
  .meta({
    docType: 'agreement terms',
    description: 'the full terms, as src/domain/agreement/termsSchema.ts defines them',
  });

export type TermsData = z.output<typeof agreementTermsSchema>;

/** Adds an issue when the terms belong to another agreement than the event's. */
export function requireSameAgreement(
  ctx: z.RefinementCtx,
  agreementId: string,
  terms: TermsData,
): void {
  if (terms.agreementId.toLowerCase() !== agreementId) {
    ctx.addIssue({
      code: 'custom',
      message: `the terms are those of agreement ${terms.agreementId}, not ${agreementId}`,
      path: ['terms', 'agreementId'],
    });
  }
}
