import type { z } from 'zod';
import { jsonPointer } from '../domain/jsonPointer';

export interface FieldError {
  readonly detail: string;
  /** A JSON Pointer (RFC 6901) into the request body, e.g. `/payments/0/amountMinor`. */
  readonly pointer: string;
}

/** The request was well-formed but broke the rules of its schema; answered with 422 and `errors`. */
export class ValidationError extends Error {
  readonly code = 'validation-failed';
  constructor(
    readonly errors: readonly FieldError[],
    message = 'the request is not valid',
  ) {
    super(message);
    this.name = 'ValidationError';
  }

  /** One field error per zod issue; `basePointer` locates the parsed value in the request. */
  static fromZod(error: z.ZodError, basePointer = ''): ValidationError {
    return new ValidationError(
      error.issues.map((issue) => ({
        detail: issue.message,
        pointer: basePointer + jsonPointer(issue.path),
      })),
    );
  }
}
