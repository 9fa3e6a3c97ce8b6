import { randomUUID } from 'node:crypto';
import type { ReadModelMigration, ReadStore, SqlExecutor } from '../readstore/readStore';

/**
 * The inbox: every webhook delivery as it arrived (headers, raw body, integration, time) and what
 * became of it, written to the read store before the delivery is answered, and the webhook ids
 * claimed so far. A webhook id is a permanent idempotency key per integration: the first delivery
 * that gets its events committed (or its fact quarantined) keeps the id and its answer for good.
 *
 * Not a read model: nothing here can be recomputed from the events, so it is never rebuilt.
 */
export const WEBHOOK_INBOX_OWNER = 'webhook-inbox';

export const DELIVERY_OUTCOMES = [
  /** Verified and claimed; its fact is being recorded (or the process died meanwhile). */
  'processing',
  /** Its events are committed. */
  'accepted',
  /** Kept for an admin to replay: an unknown event type, or a fact that cannot be placed yet. */
  'quarantined',
  /** Refused (a 4xx answer): bad signature, not JSON, invalid, not allowed, ... */
  'rejected',
  /** A redelivery of a webhook id already answered: answered the same, nothing appended. */
  'duplicate',
  /** The service could not record it (a store unavailable): the sender retries. */
  'failed',
  /** A quarantined delivery an admin replayed: `replayedAs` is the delivery of the replay. */
  'replayed',
] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

// Portable DDL. Instants are kept twice: RFC 3339 to read, epoch milliseconds to sort.
const CREATE_INBOX = `
CREATE TABLE webhook_deliveries (
  inbox_id TEXT PRIMARY KEY,
  integration_id TEXT NOT NULL,
  webhook_id TEXT,
  received_at TEXT NOT NULL,
  received_at_ms BIGINT NOT NULL,
  headers TEXT NOT NULL,
  body TEXT NOT NULL,
  body_encoding TEXT NOT NULL CHECK (body_encoding IN ('utf8', 'base64')),
  body_bytes INTEGER NOT NULL,
  body_truncated INTEGER NOT NULL,
  body_sha256 TEXT,
  authenticated INTEGER NOT NULL,
  event_type TEXT,
  outcome TEXT NOT NULL CHECK (outcome IN ('processing', 'accepted', 'quarantined', 'rejected', 'duplicate', 'failed', 'replayed')),
  status INTEGER,
  reason TEXT,
  detail TEXT,
  answer TEXT,
  event_ids TEXT,
  positions TEXT,
  replay_of TEXT,
  replayed_as TEXT,
  replayed_by TEXT,
  completed_at TEXT
);
CREATE INDEX webhook_deliveries_by_time ON webhook_deliveries (received_at_ms, inbox_id);
CREATE INDEX webhook_deliveries_by_outcome ON webhook_deliveries (outcome, received_at_ms, inbox_id);
CREATE INDEX webhook_deliveries_by_webhook_id ON webhook_deliveries (integration_id, webhook_id);
CREATE TABLE webhook_ids (
  integration_id TEXT NOT NULL,
  webhook_id TEXT NOT NULL,
  body_sha256 TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('in-progress', 'completed')),
  claim_token TEXT NOT NULL,
  claimed_at_ms BIGINT NOT NULL,
  inbox_id TEXT NOT NULL,
  status INTEGER,
  answer TEXT,
  PRIMARY KEY (integration_id, webhook_id)
);
`;

// The unauthenticated deliveries alone, oldest first: what the bound on them prunes, found
// without reading the authenticated ones. Partial indexes read the same in both dialects.
const INDEX_UNAUTHENTICATED = `
CREATE INDEX webhook_deliveries_unauthenticated ON webhook_deliveries (received_at_ms, inbox_id)
  WHERE authenticated = 0;
`;

export const webhookInboxMigrations: readonly ReadModelMigration[] = [
  { version: 1, name: 'webhook inbox', sqlite: CREATE_INBOX, postgres: CREATE_INBOX },
  {
    version: 2,
    name: 'webhook inbox: unauthenticated deliveries by time',
    sqlite: INDEX_UNAUTHENTICATED,
    postgres: INDEX_UNAUTHENTICATED,
  },
];

/**
 * How many unauthenticated deliveries (401, 404, 413: anyone's) the inbox keeps by default, the
 * most recent: enough to see what a misconfigured sender posts, not a table anyone can fill.
 */
export const DEFAULT_UNAUTHENTICATED_KEPT = 1_000;
// The most unauthenticated deliveries one new one removes: one in the steady state; a backlog
// (kept before the bound, or under a larger one) goes in short transactions, not all at once.
const PRUNED_AT_MOST = 100;

/** What a delivery was answered: replayed as it is to a redelivery. */
export interface DeliveryAnswer {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface NewDelivery {
  readonly inboxId: string;
  readonly integrationId: string;
  readonly webhookId: string | null;
  readonly receivedAt: Date;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** The size of the body as received, even when less (or none) of it is kept. */
  readonly bodyBytes: number;
  readonly bodyTruncated: boolean;
  readonly bodySha256: string | null;
  readonly authenticated: boolean;
  readonly replayOf?: string;
  readonly replayedBy?: string;
}

/** What became of a delivery. */
export interface DeliveryResult {
  readonly outcome: DeliveryOutcome;
  readonly status: number;
  readonly reason: string | null;
  readonly detail: string | null;
  readonly eventType: string | null;
  readonly answer: DeliveryAnswer;
  readonly eventIds?: readonly string[];
  readonly positions?: readonly number[];
}

export interface DeliverySummary {
  readonly inboxId: string;
  readonly integrationId: string;
  readonly webhookId: string | null;
  readonly receivedAt: string;
  readonly eventType: string | null;
  readonly outcome: DeliveryOutcome;
  readonly status: number | null;
  readonly reason: string | null;
  readonly detail: string | null;
  readonly authenticated: boolean;
  readonly bodyBytes: number;
  readonly bodyTruncated: boolean;
  readonly eventIds: readonly string[];
  readonly positions: readonly number[];
  readonly replayOf: string | null;
  readonly replayedAs: string | null;
  readonly replayedBy: string | null;
  readonly completedAt: string | null;
}

export interface Delivery extends DeliverySummary {
  readonly headers: Readonly<Record<string, string>>;
  /** The body as kept: text, or base64 when it was not UTF-8 text (see bodyEncoding). */
  readonly body: string;
  readonly bodyEncoding: 'utf8' | 'base64';
  readonly bodySha256: string | null;
  readonly answer: DeliveryAnswer | null;
}

export type WebhookIdClaim =
  | { readonly kind: 'claimed'; readonly token: string }
  | { readonly kind: 'completed'; readonly inboxId: string; readonly answer: DeliveryAnswer }
  | { readonly kind: 'reused'; readonly inboxId: string }
  | { readonly kind: 'in-flight'; readonly inboxId: string };

export interface DeliveryFilter {
  readonly outcome?: DeliveryOutcome;
  readonly integrationId?: string;
  readonly webhookId?: string;
}

/** Newest first: a page ends at (receivedAtMs, inboxId); the next starts after it. */
export interface DeliveryCursor {
  readonly receivedAtMs: number;
  readonly inboxId: string;
}

interface DeliveryRow {
  inbox_id: string;
  integration_id: string;
  webhook_id: string | null;
  received_at: string;
  received_at_ms: number | string;
  headers: string;
  body: string;
  body_encoding: 'utf8' | 'base64';
  body_bytes: number | string;
  body_truncated: number | string;
  body_sha256: string | null;
  authenticated: number | string;
  event_type: string | null;
  outcome: DeliveryOutcome;
  status: number | string | null;
  reason: string | null;
  detail: string | null;
  answer: string | null;
  event_ids: string | null;
  positions: string | null;
  replay_of: string | null;
  replayed_as: string | null;
  replayed_by: string | null;
  completed_at: string | null;
}

interface ClaimRow {
  body_sha256: string;
  state: 'in-progress' | 'completed';
  claim_token: string;
  claimed_at_ms: number | string;
  inbox_id: string;
  answer: string | null;
}

// A claim older than this belongs to a process that died mid-delivery: another may take it over
// (the events' ids come from the webhook id, so running it again appends nothing twice, even if
// the first process was only slow). Longer than a redelivery waits for it (10 s), so a live
// delivery is normally answered first; short, so a sender retrying after a crash is not refused
// for long.
export const IN_FLIGHT_TIMEOUT_MS = 15_000;
const SUMMARY_COLUMNS = `inbox_id, integration_id, webhook_id, received_at, received_at_ms,
  body_bytes, body_truncated, authenticated, event_type, outcome, status, reason, detail,
  event_ids, positions, replay_of, replayed_as, replayed_by, completed_at`;

export class WebhookInbox {
  /**
   * @param unauthenticatedKept how many unauthenticated deliveries to keep, the most recent;
   *   authenticated ones are all kept.
   */
  constructor(
    private readonly readStore: ReadStore,
    private readonly clock: () => Date = () => new Date(),
    private readonly unauthenticatedKept: number = DEFAULT_UNAUTHENTICATED_KEPT,
  ) {
    if (!Number.isSafeInteger(unauthenticatedKept) || unauthenticatedKept < 1)
      throw new RangeError(
        `unauthenticatedKept must be a positive integer, not ${unauthenticatedKept}`,
      );
  }

  async migrate(): Promise<void> {
    await this.readStore.migrate(WEBHOOK_INBOX_OWNER, webhookInboxMigrations);
  }

  /**
   * Records a delivery already decided (a rejection before any work). An unauthenticated one
   * removes, in the same transaction, the oldest unauthenticated deliveries beyond the most
   * recent `unauthenticatedKept`: anyone can post them, so they must not grow without bound.
   * Answers how many it removed.
   */
  async record(delivery: NewDelivery, result: DeliveryResult): Promise<number> {
    return this.readStore.transaction(async (tx) => {
      await insert(tx, delivery);
      await finish(tx, delivery.inboxId, result, this.clock());
      return delivery.authenticated ? 0 : pruneUnauthenticated(tx, this.unauthenticatedKept);
    });
  }

  /**
   * Records a verified delivery as `processing` and claims its webhook id, in one transaction:
   * of concurrent deliveries of one id, exactly one gets `claimed`; the others learn who holds
   * it. A claim abandoned by a dead process is taken over.
   */
  async receive(delivery: NewDelivery & { readonly webhookId: string }): Promise<WebhookIdClaim> {
    return this.readStore.transaction(async (tx) => {
      await insert(tx, delivery);
      return claim(tx, delivery, this.clock().getTime());
    });
  }

  /** Asks again who holds a webhook id (while the first delivery of it is being processed). */
  async claimAgain(
    delivery: NewDelivery & { readonly webhookId: string },
  ): Promise<WebhookIdClaim> {
    return this.readStore.transaction((tx) => claim(tx, delivery, this.clock().getTime()));
  }

  /**
   * Records what became of a delivery; with its claim, keeps the answer for redeliveries
   * (`complete`) or lets the id go so that a redelivery is processed afresh (`release`).
   */
  async finish(
    inboxId: string,
    result: DeliveryResult,
    claimed?: {
      readonly integrationId: string;
      readonly webhookId: string;
      readonly token: string;
      readonly keep: boolean;
    },
  ): Promise<void> {
    await this.readStore.transaction(async (tx) => {
      await finish(tx, inboxId, result, this.clock());
      if (claimed === undefined) return;
      const key = [claimed.integrationId, claimed.webhookId, claimed.token];
      if (claimed.keep)
        await tx.execute(
          `UPDATE webhook_ids SET state = 'completed', status = ?, answer = ?
            WHERE integration_id = ? AND webhook_id = ? AND claim_token = ?`,
          [result.answer.status, JSON.stringify(result.answer), ...key],
        );
      else
        await tx.execute(
          'DELETE FROM webhook_ids WHERE integration_id = ? AND webhook_id = ? AND claim_token = ?',
          key,
        );
    });
  }

  /**
   * Starts a replay of a quarantined delivery: marks it replayed by the new delivery, which is
   * recorded as `processing`. Null when it is no longer quarantined (replayed meanwhile).
   */
  async startReplay(original: Delivery, replay: NewDelivery): Promise<boolean> {
    return this.readStore.transaction(async (tx) => {
      const changed = await tx.execute(
        `UPDATE webhook_deliveries SET outcome = 'replayed', replayed_as = ?
          WHERE inbox_id = ? AND outcome = 'quarantined'`,
        [replay.inboxId, original.inboxId],
      );
      if (changed !== 1) return false;
      await insert(tx, replay);
      return true;
    });
  }

  async get(inboxId: string): Promise<Delivery | null> {
    const [row] = await this.readStore.query<DeliveryRow>(
      'SELECT * FROM webhook_deliveries WHERE inbox_id = ?',
      [inboxId],
    );
    return row === undefined ? null : deliveryOf(row);
  }

  async list(
    filter: DeliveryFilter,
    page: { readonly after?: DeliveryCursor; readonly limit: number },
  ): Promise<{ deliveries: DeliverySummary[]; next: DeliveryCursor | null }> {
    const conditions: string[] = [];
    const parameters: (string | number)[] = [];
    if (filter.outcome !== undefined) {
      conditions.push('outcome = ?');
      parameters.push(filter.outcome);
    }
    if (filter.integrationId !== undefined) {
      conditions.push('integration_id = ?');
      parameters.push(filter.integrationId);
    }
    if (filter.webhookId !== undefined) {
      conditions.push('webhook_id = ?');
      parameters.push(filter.webhookId);
    }
    if (page.after !== undefined) {
      conditions.push('(received_at_ms < ? OR (received_at_ms = ? AND inbox_id < ?))');
      parameters.push(page.after.receivedAtMs, page.after.receivedAtMs, page.after.inboxId);
    }
    const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
    const rows = await this.readStore.query<DeliveryRow>(
      `SELECT ${SUMMARY_COLUMNS} FROM webhook_deliveries ${where}
        ORDER BY received_at_ms DESC, inbox_id DESC LIMIT ?`,
      [...parameters, page.limit + 1],
    );
    const shown = rows.slice(0, page.limit);
    const last = shown.at(-1);
    return {
      deliveries: shown.map(summaryOf),
      next:
        rows.length > page.limit && last !== undefined
          ? { receivedAtMs: Number(last.received_at_ms), inboxId: last.inbox_id }
          : null,
    };
  }
}

/**
 * A UUID in the layout of version 7: the milliseconds first, then random bits. The inbox's
 * primary key index then grows at its end, as the log does, instead of taking each new id into
 * a page anywhere in it: a random id dirtied a page of the index per delivery, written out at
 * every commit of the read store.
 */
export const newInboxId = (now: number = Date.now()): string => {
  const time = now.toString(16).padStart(12, '0');
  // randomUUID: xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx; its random part from the 15th character on.
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${randomUUID().slice(15)}`;
};

async function insert(tx: SqlExecutor, delivery: NewDelivery): Promise<void> {
  const { text, encoding } = storedBody(delivery.body);
  await tx.execute(
    `INSERT INTO webhook_deliveries
       (inbox_id, integration_id, webhook_id, received_at, received_at_ms, headers, body,
        body_encoding, body_bytes, body_truncated, body_sha256, authenticated, outcome,
        replay_of, replayed_by)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'processing', ?, ?)`,
    [
      delivery.inboxId,
      delivery.integrationId,
      delivery.webhookId,
      delivery.receivedAt.toISOString(),
      delivery.receivedAt.getTime(),
      JSON.stringify(delivery.headers),
      text,
      encoding,
      delivery.bodyBytes,
      delivery.bodyTruncated ? 1 : 0,
      delivery.bodySha256,
      delivery.authenticated ? 1 : 0,
      delivery.replayOf ?? null,
      delivery.replayedBy ?? null,
    ],
  );
}

/**
 * Removes the unauthenticated deliveries beyond the `kept` most recent (by the time they were
 * received, as the listing orders them; the inbox id breaks ties), at most PRUNED_AT_MOST of
 * them. The look-up walks webhook_deliveries_unauthenticated from its newest end, `kept` entries
 * and those it removes, whatever the number of authenticated deliveries; the removal goes by
 * primary key. `authenticated = 0` in both keeps every authenticated delivery out of reach.
 */
async function pruneUnauthenticated(tx: SqlExecutor, kept: number): Promise<number> {
  const beyond = await tx.query<{ inbox_id: string }>(
    `SELECT inbox_id FROM webhook_deliveries WHERE authenticated = 0
      ORDER BY received_at_ms DESC, inbox_id DESC LIMIT ? OFFSET ?`,
    [PRUNED_AT_MOST, kept],
  );
  if (beyond.length === 0) return 0;
  return tx.execute(
    `DELETE FROM webhook_deliveries
      WHERE authenticated = 0 AND inbox_id IN (${beyond.map(() => '?').join(', ')})`,
    beyond.map((row) => row.inbox_id),
  );
}

async function finish(
  tx: SqlExecutor,
  inboxId: string,
  result: DeliveryResult,
  now: Date,
): Promise<void> {
  await tx.execute(
    `UPDATE webhook_deliveries
        SET outcome = ?, status = ?, reason = ?, detail = ?, event_type = ?, answer = ?,
            event_ids = ?, positions = ?, completed_at = ?
      WHERE inbox_id = ?`,
    [
      result.outcome,
      result.status,
      storableText(result.reason),
      storableText(result.detail),
      storableText(result.eventType),
      JSON.stringify(result.answer),
      JSON.stringify(result.eventIds ?? []),
      JSON.stringify(result.positions ?? []),
      now.toISOString(),
      inboxId,
    ],
  );
}

async function claim(
  tx: SqlExecutor,
  delivery: NewDelivery & { readonly webhookId: string },
  now: number,
): Promise<WebhookIdClaim> {
  const token = randomUUID();
  const key = [delivery.integrationId, delivery.webhookId];
  const inserted = await tx.execute(
    `INSERT INTO webhook_ids
       (integration_id, webhook_id, body_sha256, state, claim_token, claimed_at_ms, inbox_id)
     VALUES (?, ?, ?, 'in-progress', ?, ?, ?)
     ON CONFLICT (integration_id, webhook_id) DO NOTHING`,
    [...key, delivery.bodySha256 ?? '', token, now, delivery.inboxId],
  );
  if (inserted === 1) return { kind: 'claimed', token };
  const [row] = await tx.query<ClaimRow>(
    `SELECT body_sha256, state, claim_token, claimed_at_ms, inbox_id, answer
       FROM webhook_ids WHERE integration_id = ? AND webhook_id = ?`,
    key,
  );
  // Released between the insert and the select: the next attempt claims it.
  if (row === undefined) return { kind: 'in-flight', inboxId: '' };
  if (row.body_sha256 !== delivery.bodySha256) return { kind: 'reused', inboxId: row.inbox_id };
  if (row.state === 'completed' && row.answer !== null)
    return {
      kind: 'completed',
      inboxId: row.inbox_id,
      answer: JSON.parse(row.answer) as DeliveryAnswer,
    };
  if (Number(row.claimed_at_ms) <= now - IN_FLIGHT_TIMEOUT_MS) {
    const taken = await tx.execute(
      `UPDATE webhook_ids SET claim_token = ?, claimed_at_ms = ?, inbox_id = ?
        WHERE integration_id = ? AND webhook_id = ? AND claim_token = ?`,
      [token, now, delivery.inboxId, ...key, row.claim_token],
    );
    if (taken === 1) return { kind: 'claimed', token };
  }
  return { kind: 'in-flight', inboxId: row.inbox_id };
}

/**
 * PostgreSQL text cannot hold U+0000, and a detail may quote what the sender sent (a parser's
 * message, an unknown event type): kept with it spelled as `\u0000`. The answer, JSON, is exact.
 */
function storableText(value: string | null): string | null {
  return value === null ? null : value.replaceAll('\u0000', '\\u0000');
}

// PostgreSQL text cannot hold NUL, and a body need not be UTF-8: such bodies are kept in base64.
function storedBody(body: Buffer): { text: string; encoding: 'utf8' | 'base64' } {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    if (!text.includes('\u0000')) return { text, encoding: 'utf8' };
  } catch {
    // not UTF-8
  }
  return { text: body.toString('base64'), encoding: 'base64' };
}

/** The bytes of a body as kept. */
export function bodyBytesOf(delivery: Pick<Delivery, 'body' | 'bodyEncoding'>): Buffer {
  return Buffer.from(delivery.body, delivery.bodyEncoding === 'utf8' ? 'utf8' : 'base64');
}

function summaryOf(row: DeliveryRow): DeliverySummary {
  return {
    inboxId: row.inbox_id,
    integrationId: row.integration_id,
    webhookId: row.webhook_id,
    receivedAt: row.received_at,
    eventType: row.event_type,
    outcome: row.outcome,
    status: row.status === null ? null : Number(row.status),
    reason: row.reason,
    detail: row.detail,
    authenticated: Number(row.authenticated) === 1,
    bodyBytes: Number(row.body_bytes),
    bodyTruncated: Number(row.body_truncated) === 1,
    eventIds: row.event_ids === null ? [] : (JSON.parse(row.event_ids) as string[]),
    positions: row.positions === null ? [] : (JSON.parse(row.positions) as number[]),
    replayOf: row.replay_of,
    replayedAs: row.replayed_as,
    replayedBy: row.replayed_by,
    completedAt: row.completed_at,
  };
}

function deliveryOf(row: DeliveryRow): Delivery {
  return {
    ...summaryOf(row),
    headers: JSON.parse(row.headers) as Record<string, string>,
    body: row.body,
    bodyEncoding: row.body_encoding,
    bodySha256: row.body_sha256,
    answer: row.answer === null ? null : (JSON.parse(row.answer) as DeliveryAnswer),
  };
}
