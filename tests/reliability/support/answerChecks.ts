import { join } from 'node:path';
import type { FuzzAnswer, SentRequest } from './fuzzClient';

const ROOT = join(__dirname, '..', '..', '..');

// A V8 stack frame (`    at fn (file:1:2)`), or what drivers and runtimes say when an error
// escapes: none of it may reach a client.
const STACK_FRAME = /^\s*at .+(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$/m;
const INTERNALS = [
  ROOT,
  'node_modules',
  '/dist/src/',
  'SQLITE_',
  'SqliteError',
  'better-sqlite3',
  'duplicate key value',
  'violates ',
  'syntax error at or near',
  'TypeError',
  'ReferenceError',
  'RangeError',
  'Cannot read properties',
  'is not a function',
];

// Static files of the docs page and the API's own description may mention anything.
const UNCHECKED_BODIES = /^\/(docs|openapi\.json)/;

/**
 * What every answer must be, whatever was sent: no server error (but a read model behind a
 * `waitFor`, or a hash chain being rebuilt), no internals, and every refusal an RFC 9457 problem
 * naming what was wrong.
 */
export function answerViolations(sent: SentRequest, answer: FuzzAnswer): string[] {
  const violations: string[] = [];
  const { status } = answer;
  const pathname = new URL(sent.url).pathname;
  if (status >= 500 && !isReadModelBehind(sent, answer) && !isRebuilding(answer))
    violations.push(`answered ${status}`);
  if (!UNCHECKED_BODIES.test(pathname)) violations.push(...leaks(answer.text));
  if (status >= 400 && sent.method !== 'HEAD') violations.push(...problemViolations(answer));
  return violations;
}

/**
 * The one 5xx a healthy service gives: a read that asked to wait for a position (`waitFor`) its
 * read model has not reached in 10 s. Retry-After tells the client when to come back; nothing
 * else (a store outage) is expected while the fuzzer runs.
 */
function isReadModelBehind(sent: SentRequest, answer: FuzzAnswer): boolean {
  const type = (answer.json as { type?: unknown } | undefined)?.type;
  // A HEAD answer has no body to name its type: its headers say it is a problem.
  const named =
    sent.method === 'HEAD'
      ? (answer.headers.get('content-type') ?? '').startsWith('application/problem+json')
      : type === '/problems/read-model-behind';
  return (
    answer.status === 503 &&
    answer.headers.has('retry-after') &&
    named &&
    new URL(sent.url).searchParams.has('waitFor')
  );
}

/**
 * A proof asked while a rebuild (which the fuzzer itself starts, POST /admin/rebuilds) empties and
 * refills the hash chain: retryable, and said so.
 */
function isRebuilding(answer: FuzzAnswer): boolean {
  const type = (answer.json as { type?: unknown } | undefined)?.type;
  return (
    answer.status === 503 &&
    answer.headers.has('retry-after') &&
    type === '/problems/read-model-rebuilding'
  );
}

function leaks(text: string): string[] {
  const found: string[] = [];
  if (STACK_FRAME.test(text)) found.push('the body holds a stack frame');
  for (const internal of INTERNALS)
    if (text.includes(internal)) found.push(`the body mentions ${JSON.stringify(internal)}`);
  return found;
}

// RFC 6901: '' or a sequence of '/' + reference tokens where '~' is only in ~0 and ~1.
const JSON_POINTER = /^(\/([^~]|~[01])*)*$/;

function problemViolations({ status, headers, json }: FuzzAnswer): string[] {
  const violations: string[] = [];
  const contentType = headers.get('content-type') ?? '';
  if (!contentType.startsWith('application/problem+json'))
    violations.push(
      `a ${status} of type ${JSON.stringify(contentType)}, not application/problem+json`,
    );
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    return [...violations, `a ${status} whose body is not a JSON object`];
  const problem = json as Record<string, unknown>;
  for (const member of ['type', 'title', 'detail'])
    if (typeof problem[member] !== 'string' || problem[member] === '')
      violations.push(`the problem has no ${member}`);
  if (problem.status !== status)
    violations.push(`the problem says status ${String(problem.status)}`);
  if (status === 422) violations.push(...fieldErrorViolations(problem.errors));
  return violations;
}

function fieldErrorViolations(errors: unknown): string[] {
  if (!Array.isArray(errors) || errors.length === 0)
    return ['a 422 without errors naming the fields'];
  return errors.flatMap((error: unknown, index) => {
    const { detail, pointer } = (error ?? {}) as { detail?: unknown; pointer?: unknown };
    const found: string[] = [];
    if (typeof detail !== 'string' || detail === '') found.push(`errors[${index}] has no detail`);
    if (typeof pointer !== 'string' || !JSON_POINTER.test(pointer))
      found.push(`errors[${index}].pointer ${JSON.stringify(pointer)} is not a JSON pointer`);
    return found;
  });
}
