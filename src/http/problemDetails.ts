import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import {
  EventStoreError,
  InvalidAppendError,
  WrongExpectedVersionError,
  type EventStoreErrorCode,
} from '../eventstore/errors';
import { ValidationError, type FieldError } from './validationError';

/** An RFC 9457 problem, without `instance`, which only the request knows. */
export interface Problem {
  /** A URI reference naming the kind of problem; `about:blank` when the status says it all. */
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly FieldError[];
  /** Extension members specific to the problem type. */
  readonly [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * An error that carries its own answer: thrown by the HTTP building blocks (If-Match,
 * Idempotency-Key) that decide status, problem and headers (Retry-After, ETag) where they detect it.
 */
export class HttpProblemError extends Error {
  constructor(
    readonly problem: Problem,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(problem.detail);
    this.name = 'HttpProblemError';
  }
}

// Relative type URIs resolve against this service (RFC 9457 allows URI references), so each
// problem type can be documented here later without inventing a domain now.
export const problemType = (code: string): string => `/problems/${code}`;

const STORE_PROBLEMS: Record<EventStoreErrorCode, { status: number; title: string }> = {
  'wrong-expected-version': { status: 409, title: 'The stream has changed since it was read' },
  'event-id-conflict': { status: 409, title: 'The event id is already used by another event' },
  'invalid-append': { status: 422, title: 'The events are not valid' },
  'store-unavailable': { status: 503, title: 'The event store is unavailable' },
  'store-closed': { status: 503, title: 'The service is shutting down' },
};

/** What the client is told about an error. Server-side failures say nothing of their internals. */
export function problemFor(error: unknown): Problem {
  if (error instanceof EventStoreError) return storeProblem(error);
  if (error instanceof HttpProblemError) return error.problem;
  if (error instanceof ValidationError) {
    return {
      type: problemType(error.code),
      title: 'The request is not valid',
      status: 422,
      detail: error.message,
      errors: error.errors,
    };
  }
  const clientError = asExposedClientError(error);
  if (clientError?.type === 'entity.parse.failed') {
    return {
      type: problemType('malformed-body'),
      title: 'The request body is not valid JSON',
      status: 400,
      detail: clientError.message,
    };
  }
  if (clientError) return httpProblem(clientError.status, clientError.message);
  if (isUndecodablePath(error)) {
    return {
      type: problemType('malformed-path'),
      title: 'The path is not valid percent-encoding',
      status: 400,
      detail: 'A segment of the path has a % not followed by the UTF-8 bytes of a character.',
    };
  }
  return httpProblem(
    500,
    'An unexpected error occurred. It has been logged; quote the requestId when you report it.',
  );
}

function storeProblem(error: EventStoreError): Problem {
  const { status, title } = STORE_PROBLEMS[error.code];
  const type = problemType(error.code);
  if (error instanceof WrongExpectedVersionError) {
    return {
      type,
      title,
      status,
      detail: error.message,
      streamId: error.streamId,
      expectedVersion: error.expected,
      actualVersion: error.actual,
    };
  }
  if (error instanceof InvalidAppendError) {
    const { detail, pointer } = error;
    return { type, title, status, detail, errors: [{ detail, pointer }] };
  }
  if (status >= 500) {
    // The cause (host names, driver messages) goes to the log, not to the client.
    return { type, title, status, detail: 'Retry later, or on another instance of the service.' };
  }
  return { type, title, status, detail: error.message };
}

export function httpProblem(status: number, detail: string): Problem {
  return { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail };
}

/**
 * body-parser (express.json) and other http-errors style errors: a 4xx whose message was written
 * for the client (`expose`).
 */
function asExposedClientError(
  error: unknown,
): { status: number; message: string; type?: unknown } | null {
  if (!(error instanceof Error)) return null;
  const { status, expose, type } = error as Error & {
    status?: unknown;
    expose?: unknown;
    type?: unknown;
  };
  if (typeof status !== 'number' || status < 400 || status > 499 || expose !== true) return null;
  return { status, message: error.message, type };
}

/**
 * The router decodes path parameters before any handler runs; a `%` sequence that is not UTF-8
 * (`/agreements/%E0%A4`) throws a URIError it marks 400 but not `expose`.
 */
function isUndecodablePath(error: unknown): boolean {
  return error instanceof URIError && (error as URIError & { status?: unknown }).status === 400;
}

// A store outage or a restart usually passes within seconds; clients (and our own integrations)
// should come back then rather than hammer a recovering server.
const RETRY_AFTER_SECONDS = '5';

export function sendProblem(req: Request, res: Response, problem: Problem): void {
  // The default only: a route that knows better (a read model a moment behind) said so already.
  if (problem.status === 503 && !res.hasHeader('Retry-After'))
    res.setHeader('Retry-After', RETRY_AFTER_SECONDS);
  res
    .status(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .json({ ...problem, instance: req.originalUrl, requestId: req.id });
}

/** The one place errors become HTTP answers. Express 5 forwards async errors here too. */
export function problemDetailsHandler(): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    // Too late for a problem document: let express close the connection.
    if (res.headersSent) {
      next(error);
      return;
    }
    const problem = problemFor(error);
    if (error instanceof HttpProblemError) {
      for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
    }
    // The completion line logs res.err with its stack: for what went wrong, not for a problem a
    // route answered on purpose (a read model behind: its body says all there is).
    if (problem.status >= 500 && !(error instanceof HttpProblemError))
      res.err = error instanceof Error ? error : new Error(String(error));
    sendProblem(req, res, problem);
  };
}

export function routeNotFound(): RequestHandler {
  return (req, res) => {
    sendProblem(req, res, httpProblem(404, `There is no ${req.method} ${req.path} here.`));
  };
}
