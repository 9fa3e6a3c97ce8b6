import type { z } from 'zod';
import { DomainError } from '../domainError';
import { jsonPointer } from '../jsonPointer';

export interface EventDataProblem {
  /** RFC 6901 pointer into the data as stored ('' is the data itself). */
  readonly pointer: string;
  readonly detail: string;
}

/**
 * The data of an event does not match its type and schema version. Lists every problem, each with
 * a pointer; `pointer` is the first one's, so the HTTP edge can show it like any DomainError.
 */
export class InvalidEventDataError extends DomainError {
  constructor(
    readonly eventType: string,
    readonly schemaVersion: number,
    readonly problems: readonly EventDataProblem[],
  ) {
    super(
      'invalid-event-data',
      `${eventType} v${schemaVersion}: ` +
        problems.map((problem) => `${problem.pointer || '/'}: ${problem.detail}`).join('; '),
      problems[0]?.pointer,
    );
    this.name = 'InvalidEventDataError';
  }

  /** An unknown member is pointed at itself, not at the object that holds it. */
  static fromZod(
    eventType: string,
    schemaVersion: number,
    error: z.ZodError,
  ): InvalidEventDataError {
    return new InvalidEventDataError(
      eventType,
      schemaVersion,
      error.issues.flatMap((issue) =>
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((key) => ({
              pointer: jsonPointer([...issue.path, key]),
              detail: `unknown member ${JSON.stringify(key)}`,
            }))
          : [{ pointer: jsonPointer(issue.path), detail: issue.message }],
      ),
    );
  }
}
