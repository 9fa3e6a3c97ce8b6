import type { Request } from 'express';
import { WrongExpectedVersionError } from '../../eventstore/errors';
import { HttpProblemError, problemType } from '../problemDetails';
import { ValidationError } from '../validationError';
import { parseEntityTags } from './etag';

/**
 * Optimistic concurrency over HTTP (RFC 9110 §13.1.1, RFC 6585 §3): a stream's ETag is its
 * version, `"<streamVersion>"`; a command that changes the stream sends it back as `If-Match`,
 * and the append expects exactly that version.
 */
export const streamVersionETag = (streamVersion: number): string => `"${streamVersion}"`;

const POINTER = '/headers/if-match';
const VERSION = /^"(0|[1-9][0-9]*)"$/;

/**
 * The stream version `If-Match` names. Throws PreconditionRequiredError (428) when the header is
 * missing, and a ValidationError (422, pointing at `/headers/if-match`) when it is not one strong
 * version tag: `*`, a list, or a weak tag cannot say which version the client read.
 */
export function requiredIfMatchVersion(req: Request): number {
  const header = req.get('If-Match');
  if (header === undefined) throw new PreconditionRequiredError();
  const tags = parseEntityTags(header);
  const malformed = (detail: string): ValidationError =>
    new ValidationError([{ detail, pointer: POINTER }], `If-Match: ${detail}`);
  if (tags === '*') throw malformed('name the version you read, e.g. "7", not *');
  const tag = tags?.length === 1 ? tags[0] : undefined;
  if (tag === undefined) throw malformed('expected one stream version as an entity tag, e.g. "7"');
  if (tag.weak) throw malformed('a weak tag never matches If-Match; send the strong one, e.g. "7"');
  const match = VERSION.exec(tag.opaque);
  const version = match === null ? NaN : Number(match[1]);
  if (!Number.isSafeInteger(version)) {
    throw malformed(`${tag.opaque} is not a stream version (a whole number, e.g. "7")`);
  }
  return version;
}

/** 428: a command that changes a stream must say which version it was decided on. */
export class PreconditionRequiredError extends HttpProblemError {
  constructor() {
    super({
      type: problemType('precondition-required'),
      title: 'If-Match is required',
      status: 428,
      detail:
        'Send the ETag of the resource you read as If-Match, so that a change made since is not overwritten.',
    });
    this.name = 'PreconditionRequiredError';
  }
}

/**
 * 412: the stream moved on since the client read it. Names the current version and sends its
 * ETag, so the client can read again and decide again.
 */
export class PreconditionFailedError extends HttpProblemError {
  constructor(
    readonly expectedVersion: number,
    readonly currentVersion: number,
  ) {
    super(
      {
        type: problemType('stale-version'),
        title: 'The resource has changed since it was read',
        status: 412,
        detail: `If-Match names version ${expectedVersion}; the current version is ${currentVersion}. Read it again and retry.`,
        expectedVersion,
        currentVersion,
      },
      { ETag: streamVersionETag(currentVersion) },
    );
    this.name = 'PreconditionFailedError';
  }
}

/**
 * For `.catch` around an append whose expected version came from If-Match: a wrong expected
 * version becomes 412 (the client's precondition failed) instead of the store's 409.
 */
export function asPreconditionFailed(error: unknown): never {
  if (error instanceof WrongExpectedVersionError && typeof error.expected === 'number') {
    throw new PreconditionFailedError(error.expected, error.actual);
  }
  throw error;
}
