import { DomainError } from '../../domain/domainError';
import { InvalidEventDataError } from '../../domain/events/invalidEventDataError';
import { HttpProblemError, problemType } from '../problemDetails';

/** Rules that say the thing named does not exist (yet). */
const NOT_FOUND = new Set(['agreement-not-signed', 'unknown-obligation', 'unknown-entry']);
/** Rules that say the stream's state conflicts with the request. */
const CONFLICT = new Set(['already-signed', 'period-already-accrued', 'audit-already-conducted']);

/**
 * A DomainError as the client sees it: its stable code as the problem type, its detail, and each
 * problem's pointer relative to the request body (`basePointer` locates the command in it).
 * 404 when the rule says something named does not exist, 409 for a state conflict, else 422.
 */
export function domainProblem(error: DomainError, basePointer = ''): HttpProblemError {
  const status = NOT_FOUND.has(error.code) ? 404 : CONFLICT.has(error.code) ? 409 : 422;
  const errors =
    error instanceof InvalidEventDataError
      ? error.problems.map((problem) => ({
          detail: problem.detail,
          pointer: basePointer + problem.pointer,
        }))
      : [{ detail: error.detail, pointer: basePointer + (error.pointer ?? '') }];
  return new HttpProblemError({
    type: problemType(error.code),
    title: status === 404 ? 'Not found' : 'The request breaks a rule of the agreement',
    status,
    detail: error.message,
    errors,
  });
}

/** Runs `work`, turning a DomainError into its problem. */
export async function withDomainProblems<T>(
  basePointer: string,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError) throw domainProblem(error, basePointer);
    throw error;
  }
}
