import { z } from 'zod';

/** One bad field of a request: what is wrong, and where. */
export const fieldErrorSchema = z.object({
  detail: z.string().describe('What is wrong with the field, in words.'),
  pointer: z
    .string()
    .describe(
      'A JSON Pointer (RFC 6901) to the field: into the body (`/payments/0/amountMinor`), or into `/params` or `/query`.',
    ),
});

/**
 * An RFC 9457 problem document as `sendProblem` writes it: the standard members, the request's
 * `instance` and `requestId`, `errors` for validation failures, and extension members of the
 * problem type (hence a loose object).
 */
export const problemSchema = z
  .looseObject({
    type: z
      .string()
      .describe(
        'A URI reference naming the kind of problem (`/problems/<code>`), or `about:blank` when the status says it all.',
      ),
    title: z.string().describe('A short summary of the kind of problem.'),
    status: z.int().min(400).max(599).describe('The HTTP status code.'),
    detail: z.string().describe('What went wrong with this request, in words.'),
    instance: z.string().describe('The request path and query.'),
    requestId: z.string().describe('Quote it when reporting the problem; the log lines carry it.'),
    errors: z
      .array(fieldErrorSchema)
      .optional()
      .describe('For invalid requests: every bad field with a pointer to it.'),
  })
  .describe('An RFC 9457 problem details document.');
