import type { Request, Response } from 'express';
import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { canonicalJson } from '../../eventstore/json';
import type { ReadModelMigration, ReadStore } from '../../readstore/readStore';
import { HttpProblemError, problemType } from '../problemDetails';
import { ValidationError } from '../validationError';

/**
 * Idempotency-Key for writes (IETF draft-ietf-httpapi-idempotency-key-header): a client that
 * retries a POST after a timeout gets the first answer again instead of a second effect. The
 * events a write appends are already idempotent on their ids at the event store; this layer
 * guards the HTTP answer (a replay sends the same status, Location and body as the first time).
 *
 * Records live in the read store, so every API instance sees them: one row per (API key id,
 * Idempotency-Key), claimed by an INSERT that the primary key makes atomic. They are kept 24
 * hours; a record older than that is treated as absent at once, and `purgeExpired` (run it
 * periodically, e.g. hourly) deletes them.
 */
export const IDEMPOTENCY_OWNER = 'idempotency';
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
// A claim older than this is taken to belong to a process that died mid-request.
export const IN_FLIGHT_TIMEOUT_MS = 60 * 1000;
const RETRY_AFTER_SECONDS = '1';
const MAX_KEY_LENGTH = 255;

// Portable DDL. Instants are epoch milliseconds: numbers compare the same on both engines, where
// text would follow PostgreSQL's collation.
const CREATE_IDEMPOTENCY_KEYS = `
CREATE TABLE idempotency_keys (
  principal_key_id TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('in-progress', 'completed')),
  claim_token TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  response_status INTEGER,
  response_headers TEXT,
  response_body TEXT,
  PRIMARY KEY (principal_key_id, idempotency_key)
);
CREATE INDEX idempotency_keys_by_creation ON idempotency_keys (created_at_ms);
`;

export const idempotencyMigrations: readonly ReadModelMigration[] = [
  {
    version: 1,
    name: 'idempotency keys',
    sqlite: CREATE_IDEMPOTENCY_KEYS,
    postgres: CREATE_IDEMPOTENCY_KEYS,
  },
];

/** What a write answers: replayed as it is to a retry with the same key and body. */
export interface IdempotentAnswer {
  readonly status: number;
  /** The headers worth replaying (Location, ETag, X-Stream-Version, Content-Type). */
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON; absent for no body. */
  readonly body?: unknown;
}

export interface IdempotentRequest {
  /** The parsed header (`idempotencyKeyOf`); undefined runs the work without a record. */
  readonly key: string | undefined;
  /** Keys are scoped by caller: two API keys may pick the same Idempotency-Key. */
  readonly principalKeyId: string;
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

export interface IdempotencyStoreOptions {
  readonly readStore: ReadStore;
  readonly clock?: () => Date;
  readonly ttlMs?: number;
  readonly inFlightTimeoutMs?: number;
  readonly logger?: Logger;
}

interface StoredRow {
  request_hash: string;
  state: 'in-progress' | 'completed';
  claim_token: string;
  created_at_ms: number;
  response_status: number | null;
  response_headers: string | null;
  response_body: string | null;
}

export type IdempotencyClaim =
  | { readonly kind: 'claimed'; readonly token: string }
  | { readonly kind: 'completed'; readonly answer: IdempotentAnswer };

/** The idempotency records in the read store. */
export class IdempotencyStore {
  private readonly readStore: ReadStore;
  private readonly clock: () => Date;
  private readonly ttlMs: number;
  private readonly inFlightTimeoutMs: number;
  readonly logger: Logger | undefined;

  constructor(options: IdempotencyStoreOptions) {
    this.readStore = options.readStore;
    this.clock = options.clock ?? (() => new Date());
    this.ttlMs = options.ttlMs ?? IDEMPOTENCY_TTL_MS;
    this.inFlightTimeoutMs = options.inFlightTimeoutMs ?? IN_FLIGHT_TIMEOUT_MS;
    this.logger = options.logger;
  }

  /** Creates the table if needed; idempotent, and safe from several processes at once. */
  async migrate(): Promise<void> {
    await this.readStore.migrate(IDEMPOTENCY_OWNER, idempotencyMigrations);
  }

  /**
   * Claims the key for this request, or finds its first answer. Throws the 422 (reused with
   * another request) and 409 (still in flight) problems.
   */
  async claim(principalKeyId: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    // A claim can lose twice in a row only to a record released or expired in between; a few
    // rounds settle it.
    for (let round = 0; round < 3; round++) {
      const now = this.clock().getTime();
      const token = randomUUID();
      const inserted = await this.readStore.execute(
        `INSERT INTO idempotency_keys
           (principal_key_id, idempotency_key, request_hash, state, claim_token, created_at_ms)
         VALUES (?, ?, ?, 'in-progress', ?, ?)
         ON CONFLICT (principal_key_id, idempotency_key) DO NOTHING`,
        [principalKeyId, key, requestHash, token, now],
      );
      if (inserted === 1) return { kind: 'claimed', token };
      const [row] = await this.readStore.query<StoredRow>(
        `SELECT request_hash, state, claim_token, created_at_ms, response_status,
                response_headers, response_body
           FROM idempotency_keys WHERE principal_key_id = ? AND idempotency_key = ?`,
        [principalKeyId, key],
      );
      if (row === undefined) continue; // released since: claim again
      const expired = row.created_at_ms <= now - this.ttlMs;
      if (!expired && row.request_hash !== requestHash) throw new IdempotencyKeyReusedError(key);
      const abandoned =
        row.state === 'in-progress' && row.created_at_ms <= now - this.inFlightTimeoutMs;
      if (expired || abandoned) {
        if (await this.takeOver(principalKeyId, key, requestHash, row.claim_token, token, now)) {
          return { kind: 'claimed', token };
        }
        continue;
      }
      if (row.state === 'in-progress') throw new IdempotencyKeyInFlightError(key);
      return { kind: 'completed', answer: storedAnswer(row) };
    }
    throw new IdempotencyKeyInFlightError(key);
  }

  /** Records the answer of a claim; a claim taken over meanwhile is left to its new owner. */
  async complete(principalKeyId: string, key: string, token: string, answer: IdempotentAnswer) {
    await this.readStore.execute(
      `UPDATE idempotency_keys
          SET state = 'completed', response_status = ?, response_headers = ?, response_body = ?
        WHERE principal_key_id = ? AND idempotency_key = ? AND claim_token = ?`,
      [
        answer.status,
        JSON.stringify(answer.headers ?? {}),
        answer.body === undefined ? null : JSON.stringify(answer.body),
        principalKeyId,
        key,
        token,
      ],
    );
  }

  /** Forgets a claim whose work failed, so that a retry runs it again. */
  async release(principalKeyId: string, key: string, token: string): Promise<void> {
    await this.readStore.execute(
      'DELETE FROM idempotency_keys WHERE principal_key_id = ? AND idempotency_key = ? AND claim_token = ?',
      [principalKeyId, key, token],
    );
  }

  /** Deletes the records past their 24 hours; answers how many. */
  async purgeExpired(): Promise<number> {
    return this.readStore.execute('DELETE FROM idempotency_keys WHERE created_at_ms <= ?', [
      this.clock().getTime() - this.ttlMs,
    ]);
  }

  // Compare-and-set on the old claim token: of several retries finding the same dead claim, one wins.
  private async takeOver(
    principalKeyId: string,
    key: string,
    requestHash: string,
    oldToken: string,
    token: string,
    now: number,
  ): Promise<boolean> {
    const changed = await this.readStore.execute(
      `UPDATE idempotency_keys
          SET request_hash = ?, state = 'in-progress', claim_token = ?, created_at_ms = ?,
              response_status = NULL, response_headers = NULL, response_body = NULL
        WHERE principal_key_id = ? AND idempotency_key = ? AND claim_token = ?`,
      [requestHash, token, now, principalKeyId, key, oldToken],
    );
    return changed === 1;
  }
}

/**
 * Runs `work` once per (caller, Idempotency-Key): the first request runs it and its answer is
 * recorded; a retry with the same method, path and body gets that answer again with
 * `Idempotent-Replayed: true`. Answers of 5xx are not recorded (the retry runs again); 4xx
 * answers are (the outcome is the outcome). When `work` throws, the claim is released and the
 * error goes on to the problem handler: throw only for what a retry should run again, and
 * return a 4xx answer to have it remembered.
 */
export async function withIdempotency(
  store: IdempotencyStore,
  request: IdempotentRequest,
  work: () => Promise<IdempotentAnswer>,
): Promise<IdempotentAnswer> {
  const { key, principalKeyId } = request;
  if (key === undefined) return work();
  const claim = await store.claim(principalKeyId, key, requestHashOf(request));
  if (claim.kind === 'completed') {
    return {
      ...claim.answer,
      headers: { ...claim.answer.headers, [IDEMPOTENT_REPLAYED_HEADER]: 'true' },
    };
  }
  let answer: IdempotentAnswer;
  try {
    answer = await work();
  } catch (error) {
    await releaseQuietly(store, principalKeyId, key, claim.token);
    throw error;
  }
  if (answer.status >= 500) {
    await releaseQuietly(store, principalKeyId, key, claim.token);
    return answer;
  }
  // The work is done: its answer goes to the client even if it cannot be recorded. A retry then
  // finds the claim in flight until it counts as abandoned, and runs again on the same event ids.
  await store.complete(principalKeyId, key, claim.token, answer).catch((error: unknown) => {
    store.logger?.warn({ err: error, idempotencyKey: key }, 'cannot record an idempotent answer');
  });
  return answer;
}

/** SHA-256 (hex) of the canonical JSON of method, path and body: what "the same request" means. */
export function requestHashOf(request: Pick<IdempotentRequest, 'method' | 'path' | 'body'>) {
  const { method, path, body } = request;
  return createHash('sha256')
    .update(canonicalJson({ method: method.toUpperCase(), path, body: body ?? null }))
    .digest('hex');
}

const POINTER = '/headers/idempotency-key';
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * The Idempotency-Key of a request. The draft makes it a structured-field string (`"abc"`); the
 * bare token most clients send is taken too. Missing: undefined, or 400 when `required`.
 * Malformed (empty, over 255 characters, anything but visible ASCII, several keys): 422 naming
 * the header.
 */
export function idempotencyKeyOf(req: Request, options: { required?: boolean } = {}) {
  const header = req.get(IDEMPOTENCY_KEY_HEADER);
  if (header === undefined) {
    if (options.required === true) throw new IdempotencyKeyMissingError();
    return undefined;
  }
  const quoted = /^"((?:[^"\\]|\\["\\])*)"$/.exec(header.trim());
  const key = quoted === null ? header.trim() : quoted[1]!.replace(/\\(["\\])/g, '$1');
  const malformed = (detail: string): ValidationError =>
    new ValidationError([{ detail, pointer: POINTER }], `${IDEMPOTENCY_KEY_HEADER}: ${detail}`);
  if (key.length === 0) throw malformed('must not be empty');
  if (key.length > MAX_KEY_LENGTH) throw malformed(`must be at most ${MAX_KEY_LENGTH} characters`);
  if (!VISIBLE_ASCII.test(key)) {
    throw malformed('must be visible ASCII characters only, e.g. a UUID; send one key');
  }
  return key;
}

/** Sends an answer from `withIdempotency`: its status, headers and JSON body (if any). */
export function sendIdempotentAnswer(res: Response, answer: IdempotentAnswer): void {
  for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
  res.status(answer.status);
  if (answer.body === undefined) res.end();
  else res.json(answer.body);
}

/**
 * The whole of it for a route handler: reads the key and the caller from the request, runs
 * `work` at most once per key, sends the answer.
 */
export async function respondIdempotently(
  store: IdempotencyStore,
  input: { req: Request; res: Response; principalKeyId: string; body: unknown; required?: boolean },
  work: () => Promise<IdempotentAnswer>,
): Promise<void> {
  const { req, res, principalKeyId, body, required } = input;
  const key = idempotencyKeyOf(req, { required: required ?? false });
  const answer = await withIdempotency(
    store,
    { key, principalKeyId, method: req.method, path: req.originalUrl, body },
    work,
  );
  sendIdempotentAnswer(res, answer);
}

/** 422: the key was used before for another request (draft §2.7). */
export class IdempotencyKeyReusedError extends HttpProblemError {
  constructor(readonly key: string) {
    super({
      type: problemType('idempotency-key-reused'),
      title: 'This Idempotency-Key was used for another request',
      status: 422,
      detail: `The Idempotency-Key ${key} was sent before with another method, path or body. Use a new key for a new request.`,
      errors: [{ detail: 'already used for another request', pointer: POINTER }],
    });
    this.name = 'IdempotencyKeyReusedError';
  }
}

/** 409: the first request with this key is still running (draft §2.7). */
export class IdempotencyKeyInFlightError extends HttpProblemError {
  constructor(readonly key: string) {
    super(
      {
        type: problemType('idempotency-key-in-flight'),
        title: 'A request with this Idempotency-Key is still running',
        status: 409,
        detail: `The first request with Idempotency-Key ${key} has not finished. Retry after a moment to get its answer.`,
      },
      { 'Retry-After': RETRY_AFTER_SECONDS },
    );
    this.name = 'IdempotencyKeyInFlightError';
  }
}

/** 400: this operation needs an Idempotency-Key (draft §2.7). */
export class IdempotencyKeyMissingError extends HttpProblemError {
  constructor() {
    super({
      type: problemType('idempotency-key-missing'),
      title: 'An Idempotency-Key is required',
      status: 400,
      detail: `Send an ${IDEMPOTENCY_KEY_HEADER} header (e.g. a fresh UUID per operation, the same one on each retry).`,
    });
    this.name = 'IdempotencyKeyMissingError';
  }
}

function storedAnswer(row: StoredRow): IdempotentAnswer {
  const headers = JSON.parse(row.response_headers ?? '{}') as Record<string, string>;
  return {
    status: row.response_status ?? 500,
    headers,
    ...(row.response_body !== null && { body: JSON.parse(row.response_body) as unknown }),
  };
}

async function releaseQuietly(
  store: IdempotencyStore,
  principalKeyId: string,
  key: string,
  token: string,
): Promise<void> {
  // The work's own error (or answer) matters more; an unreleased claim is taken over once it is
  // older than the in-flight timeout.
  await store.release(principalKeyId, key, token).catch((error: unknown) => {
    store.logger?.warn({ err: error, idempotencyKey: key }, 'cannot release an idempotency claim');
  });
}
