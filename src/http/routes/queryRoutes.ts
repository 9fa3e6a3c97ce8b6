import { z } from 'zod';
import { withoutSecretHash } from '../../auth/withoutSecretHash';
import { withoutWebhookSecret } from '../../integrations/withoutWebhookSecret';
import type { ReadStore, SqlExecutor } from '../../readstore/readStore';
import { sendJsonWithETag } from '../api/etag';
import { streamVersionETag } from '../api/ifMatch';
import { cursorSchema, limitSchema } from '../api/pagination';
import { defineRoute, type AnyRoute } from '../api/route';
import { HttpProblemError, httpProblem } from '../problemDetails';
import {
  condition,
  decimalOf,
  exportFormatSchema,
  moneyJson,
  sendExport,
  sendPage,
  type Condition,
  type ListSource,
} from './readModelPages';
import { agreementTotalsAsOf, obligationsAsOf } from './obligationsAsOf';
import { awaitProjection, waitForSchema } from './readYourWrites';

const READERS = ['auditor', 'admin'] as const;
const dateSchema = z.iso.date();
const idSchema = z.string().min(1).max(200);

const listQuery = <Shape extends z.ZodRawShape>(shape: Shape) =>
  z.strictObject({ cursor: cursorSchema, limit: limitSchema, waitFor: waitForSchema, ...shape });
const exportQuery = <Shape extends z.ZodRawShape>(shape: Shape) =>
  z.strictObject({ format: exportFormatSchema, waitFor: waitForSchema, ...shape });

const notFound = (what: string): HttpProblemError =>
  new HttpProblemError(httpProblem(404, `There is no ${what}.`));

// --- record time -------------------------------------------------------------------------------

export const recordedAtSchema = z
  .union([
    z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    z.iso.datetime({ offset: true }),
  ])
  .optional()
  .describe(
    'record time: what the service knew at a global position (an integer) or an RFC 3339 instant (the last position recorded at or before it); default: now',
  );

/**
 * The global position a `recordedAt` names: itself, or the last position recorded at or before
 * the instant (0 before the first event). The read model must have applied it: the answer waits
 * for it as `waitFor` does, and is 503 if it does not come.
 */
export async function recordedPosition(
  readStore: SqlExecutor,
  recordedAt: number | string,
  projection: string,
): Promise<number> {
  let position: number;
  if (typeof recordedAt === 'number') position = recordedAt;
  else {
    const instant = new Date(recordedAt).toISOString();
    const [row] = await readStore.query<{ position: number | string | null }>(
      'SELECT MAX(global_position) AS position FROM audit_trail WHERE recorded_at <= ?',
      [instant],
    );
    position = Number(row?.position ?? 0);
  }
  await awaitProjection(readStore, projection, position);
  return position;
}

/** `recordedAt` as a position, once the projection has applied it; undefined for now. */
const positionOf = async (
  readStore: ReadStore,
  recordedAt: number | string | undefined,
  projection: string,
): Promise<number | undefined> =>
  recordedAt === undefined ? undefined : recordedPosition(readStore, recordedAt, projection);

/** The versions of a row current at record position `position`. */
const recordedAtCondition = (position: number): Condition =>
  condition(
    'recorded_from_position <= ? AND (recorded_until_position IS NULL OR recorded_until_position > ?)',
    position,
    position,
  );

/** The obligations as of a date, as recorded at `recordedAt` (now when undefined). */
async function obligationsAt(
  readStore: ReadStore,
  asOf: string,
  recordedAt: number | string | undefined,
): Promise<{
  source: ListSource<ObligationRow>;
  conditions: Condition[];
  position: number | undefined;
}> {
  const position =
    recordedAt === undefined
      ? undefined
      : await recordedPosition(readStore, recordedAt, 'obligations');
  return {
    source: { ...obligationSource(asOf), table: obligationsAsOf(asOf, position) },
    conditions: [],
    position,
  };
}

/** The live table, or its versions as recorded at a position, with the condition selecting them. */
async function recordTime<Row>(
  readStore: ReadStore,
  source: ListSource<Row>,
  recordedAt: number | string | undefined,
): Promise<{ source: ListSource<Row>; conditions: Condition[]; position?: number }> {
  if (recordedAt === undefined) return { source, conditions: [] };
  const position = await recordedPosition(readStore, recordedAt, 'obligations');
  return {
    source: { ...source, table: source.table.replace(/s$/, '_versions') },
    conditions: [recordedAtCondition(position)],
    position,
  };
}

// --- agreements -------------------------------------------------------------------------------

interface AgreementRow {
  agreement_id: string;
  title: string;
  licensor_party_id: string;
  licensor_name: string;
  licensee_party_id: string;
  licensee_name: string;
  signed_on: string;
  terminated_on: string | null;
  payment_currency: string;
  /** On the current row only: a version refers to its terms by `terms_position`. */
  terms?: string;
  terms_position: number | string;
  stream_version: number;
  obligation_count: number;
  earned_minor: number | string;
  paid_minor: number | string;
  open_minor: number | string;
  created_position: number;
}

const agreementSource: ListSource<AgreementRow> = {
  table: 'agreements',
  positionColumn: 'created_position',
  present: (row) => ({
    agreementId: row.agreement_id,
    title: row.title,
    licensor: { partyId: row.licensor_party_id, name: row.licensor_name },
    licensee: { partyId: row.licensee_party_id, name: row.licensee_name },
    signedOn: row.signed_on,
    terminatedOn: row.terminated_on,
    paymentCurrency: row.payment_currency,
    version: Number(row.stream_version),
    summary: {
      obligations: Number(row.obligation_count),
      earned: moneyJson(row.earned_minor, row.payment_currency),
      paid: moneyJson(row.paid_minor, row.payment_currency),
      open: moneyJson(row.open_minor, row.payment_currency),
    },
  }),
};

const agreementAsOfSchema = z.iso
  .date()
  .optional()
  .describe(
    'valid time: only agreements signed on or before this business date, their summary (obligations, earned, paid, open) that of their obligations as of it (see the obligation reads); default: everything recorded, whatever its dates',
  );

/**
 * Agreements as of a date: signed by then, the summary replaced by their obligations' as of the
 * date (one grouped query per page), as recorded at `position`.
 */
function agreementsAsOf(
  source: ListSource<AgreementRow>,
  conditions: Condition[],
  asOf: string,
  position: number | undefined,
): ListSource<AgreementRow> {
  conditions.push(condition('signed_on <= ?', asOf));
  return {
    ...source,
    enrich: async (readStore, rows) => {
      const totals = await agreementTotalsAsOf(
        readStore,
        rows.map((row) => row.agreement_id),
        asOf,
        position,
      );
      return rows.map((row) => ({ ...row, ...totals.get(row.agreement_id) }));
    },
  };
}

/** The terms a version of an agreement refers to: kept once per signature or amendment. */
async function termsOf(readStore: ReadStore, row: AgreementRow): Promise<string> {
  const [found] = await readStore.query<{ terms: string }>(
    'SELECT terms FROM agreement_terms WHERE agreement_id = ? AND terms_position = ?',
    [row.agreement_id, row.terms_position],
  );
  if (found === undefined)
    throw new Error(`no terms of agreement ${row.agreement_id} at ${row.terms_position}`);
  return found.terms;
}

// --- obligations ------------------------------------------------------------------------------

interface ObligationRow {
  obligation_id: string;
  agreement_id: string;
  kind: string;
  clause_id: string | null;
  terms_event_id: string;
  triggering_event_id: string | null;
  charged_on_obligation_id: string | null;
  currency: string;
  amount_minor: number;
  adjustments_minor: number;
  waived_minor: number;
  amount_due_minor: number;
  amount_paid_minor: number;
  open_minor: number;
  disputed_minor: number;
  arises_on: string;
  due_on: string | null;
  status: string;
  payer_party_id: string;
  payee_party_id: string | null;
  created_position: number;
}

/** Overdue is derived, never stored: open, not disputed, and due before the as-of date. */
const isOverdue = (row: ObligationRow, asOf: string): boolean =>
  row.due_on !== null &&
  row.due_on < asOf &&
  Number(row.open_minor) > 0 &&
  (row.status === 'payable' || row.status === 'partially-paid');

const obligationSource = (asOf: string): ListSource<ObligationRow> => ({
  table: 'obligations',
  positionColumn: 'created_position',
  present: (row) => ({
    obligationId: row.obligation_id,
    agreementId: row.agreement_id,
    kind: row.kind,
    clauseId: row.clause_id,
    termsEventId: row.terms_event_id,
    triggeringEventId: row.triggering_event_id,
    chargedOnObligationId: row.charged_on_obligation_id,
    amount: moneyJson(row.amount_minor, row.currency),
    adjustments: moneyJson(row.adjustments_minor, row.currency),
    waived: moneyJson(row.waived_minor, row.currency),
    amountDue: moneyJson(row.amount_due_minor, row.currency),
    amountPaid: moneyJson(row.amount_paid_minor, row.currency),
    openBalance: moneyJson(row.open_minor, row.currency),
    disputed: moneyJson(row.disputed_minor, row.currency),
    arisesOn: row.arises_on,
    dueOn: row.due_on,
    status: row.status,
    overdue: isOverdue(row, asOf),
    asOf,
    payerPartyId: row.payer_party_id,
    payeePartyId: row.payee_party_id,
  }),
});

const obligationAsOfSchema = dateSchema
  .optional()
  .describe(
    'valid time, a business date (default: today, UTC): only obligations arisen on or before it; ' +
      'each as it stood that day by the days things took effect: adjustments from `adjustedOn`, ' +
      'waivers from `waivedOn`, disputes from `disputedOn` until `resolvedOn`, payments from the ' +
      'day received (a credit from the day applied), the due date from the day of the notice or ' +
      'invoice it counts from (or from the day the obligation arose, when it came with one). So ' +
      'amount due, paid, open balance, disputed, due date, status and overdue (due before the ' +
      'date, open, not disputed) are the date’s, and the status filters use them. A reversal has ' +
      'no day of its own: what it reverses is taken out at every date. Combinable with recordedAt',
  );

const OBLIGATION_STATUSES = [
  'accrued',
  'payable',
  'partially-paid',
  'paid',
  'waived',
  'disputed',
  'reversed',
  'credit',
  'credit-used',
  'overdue',
  'open',
] as const;

const obligationFilters = {
  agreementId: idSchema.optional(),
  party: idSchema.optional().describe('payer or payee party id'),
  payerPartyId: idSchema.optional(),
  payeePartyId: idSchema.optional(),
  kind: z
    .enum([
      'upfront-fee',
      'milestone',
      'royalty',
      'minimum-royalty-shortfall',
      'late-interest',
      'audit-shortfall',
      'audit-cost',
    ])
    .optional(),
  status: z
    .enum(OBLIGATION_STATUSES)
    .optional()
    .describe(
      'a status; `overdue` (derived from asOf) or `open` (anything still owed); `credit`: a credit note still unused',
    ),
  dueBefore: dateSchema.optional().describe('due strictly before this date'),
  dueOnOrAfter: dateSchema.optional().describe('due on or after this date'),
  asOf: obligationAsOfSchema,
  recordedAt: recordedAtSchema,
};

type ObligationFilters = {
  [K in Exclude<keyof typeof obligationFilters, 'recordedAt'>]?: string | undefined;
};

const today = (): string => new Date().toISOString().slice(0, 10);

function obligationConditions(query: ObligationFilters, asOf: string): Condition[] {
  const conditions: Condition[] = [];
  if (query.agreementId) conditions.push(condition('agreement_id = ?', query.agreementId));
  if (query.party)
    conditions.push(
      condition('payer_party_id = ? OR payee_party_id = ?', query.party, query.party),
    );
  if (query.payerPartyId) conditions.push(condition('payer_party_id = ?', query.payerPartyId));
  if (query.payeePartyId) conditions.push(condition('payee_party_id = ?', query.payeePartyId));
  if (query.kind) conditions.push(condition('kind = ?', query.kind));
  if (query.dueBefore) conditions.push(condition('due_on < ?', query.dueBefore));
  if (query.dueOnOrAfter) conditions.push(condition('due_on >= ?', query.dueOnOrAfter));
  if (query.status === 'overdue')
    conditions.push(
      condition("status IN ('payable', 'partially-paid') AND open_minor > 0 AND due_on < ?", asOf),
    );
  else if (query.status === 'open')
    conditions.push(condition("open_minor > 0 AND status NOT IN ('reversed', 'waived')"));
  else if (query.status) conditions.push(condition('status = ?', query.status));
  return conditions;
}

const OBLIGATION_CSV = [
  { key: 'obligationId' },
  { key: 'agreementId' },
  { key: 'kind' },
  { key: 'clauseId' },
  { key: 'currency' },
  { key: 'amountDue', kind: 'number' as const },
  { key: 'amountPaid', kind: 'number' as const },
  { key: 'openBalance', kind: 'number' as const },
  { key: 'arisesOn' },
  { key: 'dueOn' },
  { key: 'status' },
  { key: 'overdue' },
  { key: 'payerPartyId' },
  { key: 'payeePartyId' },
  { key: 'triggeringEventId' },
];

// --- payments ---------------------------------------------------------------------------------

interface PaymentRow {
  payment_event_id: string;
  agreement_id: string;
  payer_party_id: string;
  payee_party_id: string;
  currency: string;
  amount_minor: number;
  applied_minor: number;
  received_on: string;
  reference: string | null;
  reversed: number;
  position: number;
  settled?: AllocationRow[];
}

interface AllocationRow {
  applied_by_event_id: string;
  obligation_id: string;
  payment_event_id: string | null;
  currency: string;
  amount_minor: number;
  applied_on: string | null;
  reversed: number;
}

/**
 * Record time over an append-only table (`position` its event's, `reversed_position` its
 * reversal's): the rows recorded by `position`, reversed only if the reversal was too.
 */
const reversedAt = (alias: string, position: number): string =>
  `CASE WHEN ${alias}.reversed = 1 AND (${alias}.reversed_position IS NULL OR ` +
  `${alias}.reversed_position <= ${position}) THEN 1 ELSE 0 END`;

const checkedPosition = (position: number): number => {
  if (!Number.isSafeInteger(position)) throw new Error(`not a position: ${position}`);
  return position;
};

/** The payment allocations as recorded at `position` (now when undefined). */
export const allocationsAt = (position: number | undefined): string =>
  position === undefined
    ? 'payment_allocations'
    : `(SELECT a.applied_by_event_id, a.obligation_id, a.agreement_id, a.payment_event_id, ` +
      `a.credit_obligation_id, a.currency, a.amount_minor, a.applied_on, ` +
      `${reversedAt('a', checkedPosition(position))} AS reversed, a.position ` +
      `FROM payment_allocations a WHERE a.position <= ${position}) allocations_at`;

/** The payments as recorded at `position`: applied is what the allocations recorded by then add to. */
export const paymentsAt = (position: number | undefined): string =>
  position === undefined
    ? 'payments'
    : `(SELECT p.payment_event_id, p.agreement_id, p.payer_party_id, p.payee_party_id, ` +
      `p.currency, p.amount_minor, CAST(COALESCE((SELECT SUM(allocations_at.amount_minor) FROM ${allocationsAt(position)} ` +
      `WHERE allocations_at.payment_event_id = p.payment_event_id AND allocations_at.reversed = 0), 0) AS BIGINT) ` +
      `AS applied_minor, p.received_on, p.reference, ${reversedAt('p', checkedPosition(position))} AS reversed, ` +
      `p.position FROM payments p WHERE p.position <= ${position}) payments_at`;

/** The royalty statement lines as recorded at `position`. */
export const royaltyLinesAt = (position: number | undefined): string =>
  position === undefined
    ? 'royalty_statement_lines'
    : `(SELECT r.event_id, r.agreement_id, r.clause_id, r.product_id, r.country, r.period_from, ` +
      `r.period_to, r.currency, r.royalty_minor, r.previously_accrued_minor, r.amount_minor, ` +
      `r.due_on, r.caused_by_event_id, r.computation, ${reversedAt('r', checkedPosition(position))} ` +
      `AS reversed, r.position FROM royalty_statement_lines r WHERE r.position <= ${position}) lines_at`;

const paymentSourceAt = (position: number | undefined): ListSource<PaymentRow> => ({
  ...paymentSource,
  table: paymentsAt(position),
  enrich: async (readStore, rows) => {
    if (rows.length === 0) return rows;
    const allocations = await readStore.query<AllocationRow>(
      `SELECT * FROM ${allocationsAt(position)} WHERE payment_event_id IN (${rows.map(() => '?').join(', ')}) ORDER BY position`,
      rows.map((row) => row.payment_event_id),
    );
    return rows.map((row) => ({
      ...row,
      settled: allocations.filter((a) => a.payment_event_id === row.payment_event_id),
    }));
  },
});

const paymentSource: ListSource<PaymentRow> = {
  table: 'payments',
  positionColumn: 'position',
  present: (row) => ({
    paymentEventId: row.payment_event_id,
    agreementId: row.agreement_id,
    payerPartyId: row.payer_party_id,
    payeePartyId: row.payee_party_id,
    amount: moneyJson(row.amount_minor, row.currency),
    applied: moneyJson(row.applied_minor, row.currency),
    unapplied: moneyJson(BigInt(row.amount_minor) - BigInt(row.applied_minor), row.currency),
    receivedOn: row.received_on,
    reference: row.reference,
    reversed: Number(row.reversed) === 1,
    ...(row.settled && { settled: row.settled.map(presentAllocation) }),
  }),
  enrich: async (readStore, rows) => {
    if (rows.length === 0) return rows;
    const allocations = await readStore.query<AllocationRow>(
      `SELECT * FROM payment_allocations WHERE payment_event_id IN (${rows.map(() => '?').join(', ')}) ORDER BY position`,
      rows.map((row) => row.payment_event_id),
    );
    return rows.map((row) => ({
      ...row,
      settled: allocations.filter((a) => a.payment_event_id === row.payment_event_id),
    }));
  },
};

const paymentFilters = {
  agreementId: idSchema.optional(),
  party: idSchema.optional().describe('payer or payee party id'),
  receivedOnOrAfter: dateSchema.optional(),
  receivedBefore: dateSchema.optional(),
  asOf: dateSchema.optional().describe('valid time: only payments received on or before this date'),
  recordedAt: recordedAtSchema,
};
type PaymentFilters = {
  [K in Exclude<keyof typeof paymentFilters, 'recordedAt'>]?: string | undefined;
};

function paymentConditions(query: PaymentFilters): Condition[] {
  const conditions: Condition[] = [];
  if (query.agreementId) conditions.push(condition('agreement_id = ?', query.agreementId));
  if (query.party)
    conditions.push(
      condition('payer_party_id = ? OR payee_party_id = ?', query.party, query.party),
    );
  if (query.receivedOnOrAfter)
    conditions.push(condition('received_on >= ?', query.receivedOnOrAfter));
  if (query.receivedBefore) conditions.push(condition('received_on < ?', query.receivedBefore));
  if (query.asOf) conditions.push(condition('received_on <= ?', query.asOf));
  return conditions;
}

const PAYMENT_CSV = [
  { key: 'paymentEventId' },
  { key: 'agreementId' },
  { key: 'receivedOn' },
  { key: 'payerPartyId' },
  { key: 'payeePartyId' },
  { key: 'currency' },
  { key: 'amount', kind: 'number' as const },
  { key: 'applied', kind: 'number' as const },
  { key: 'unapplied', kind: 'number' as const },
  { key: 'reference' },
  { key: 'reversed' },
  { key: 'settledObligationIds' },
];

// --- royalty statements -----------------------------------------------------------------------

interface RoyaltyLineRow {
  event_id: string;
  agreement_id: string;
  clause_id: string;
  product_id: string;
  country: string;
  period_from: string;
  period_to: string;
  currency: string;
  royalty_minor: number;
  previously_accrued_minor: number;
  amount_minor: number;
  due_on: string | null;
  caused_by_event_id: string | null;
  computation: string;
  reversed: number;
  position: number;
}

const royaltySource: ListSource<RoyaltyLineRow> = {
  table: 'royalty_statement_lines',
  positionColumn: 'position',
  present: (row) => ({
    entryId: row.event_id,
    agreementId: row.agreement_id,
    clauseId: row.clause_id,
    productId: row.product_id,
    country: row.country,
    period: { from: row.period_from, to: row.period_to },
    royalty: moneyJson(row.royalty_minor, row.currency),
    previouslyAccrued: moneyJson(row.previously_accrued_minor, row.currency),
    amount: moneyJson(row.amount_minor, row.currency),
    dueOn: row.due_on,
    causedByEventId: row.caused_by_event_id,
    computation: JSON.parse(row.computation) as unknown,
    reversed: Number(row.reversed) === 1,
  }),
};

const royaltyFilters = {
  agreementId: idSchema.optional(),
  productId: idSchema.optional(),
  country: z.string().length(2).optional(),
  periodFrom: dateSchema.optional().describe('periods starting on or after this date'),
  periodTo: dateSchema.optional().describe('periods ending on or before this date'),
  asOf: dateSchema
    .optional()
    .describe('valid time: only lines whose period had begun by this date (as their obligations)'),
  recordedAt: recordedAtSchema,
};
type RoyaltyFilters = {
  [K in Exclude<keyof typeof royaltyFilters, 'recordedAt'>]?: string | undefined;
};

function royaltyConditions(query: RoyaltyFilters): Condition[] {
  const conditions: Condition[] = [];
  if (query.agreementId) conditions.push(condition('agreement_id = ?', query.agreementId));
  if (query.productId) conditions.push(condition('product_id = ?', query.productId));
  if (query.country) conditions.push(condition('country = ?', query.country));
  if (query.periodFrom) conditions.push(condition('period_from >= ?', query.periodFrom));
  if (query.periodTo) conditions.push(condition('period_to <= ?', query.periodTo));
  if (query.asOf) conditions.push(condition('period_from <= ?', query.asOf));
  return conditions;
}

const ROYALTY_CSV = [
  { key: 'entryId' },
  { key: 'agreementId' },
  { key: 'clauseId' },
  { key: 'productId' },
  { key: 'country' },
  { key: 'periodFrom' },
  { key: 'periodTo' },
  { key: 'currency' },
  { key: 'royalty', kind: 'number' as const },
  { key: 'previouslyAccrued', kind: 'number' as const },
  { key: 'amount', kind: 'number' as const },
  { key: 'dueOn' },
  { key: 'reversed' },
];

// --- audit trail ------------------------------------------------------------------------------

interface AuditRow {
  global_position: number;
  event_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  occurred_at: string;
  recorded_at: string;
  actor: string;
  source: string | null;
  correlation_id: string | null;
  causation_id: string | null;
  data: string;
}

const auditSource: ListSource<AuditRow> = {
  table: 'audit_trail',
  positionColumn: 'global_position',
  present: (row) => ({
    position: Number(row.global_position),
    eventId: row.event_id,
    streamId: row.stream_id,
    streamVersion: Number(row.stream_version),
    type: row.type,
    schemaVersion: Number(row.schema_version),
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
    actor: row.actor,
    source: row.source,
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    // A key's secret hash is useless to a reader and is better never shown; a webhook secret
    // must never be shown again.
    data: withoutWebhookSecret(row.type, withoutSecretHash(row.type, JSON.parse(row.data))),
  }),
};

const auditFilters = {
  streamId: z.string().min(1).max(300).optional(),
  agreementId: idSchema.optional().describe('the events of agreement-<agreementId>'),
  type: z.string().min(1).max(200).optional(),
  actor: z.string().min(1).max(300).optional(),
  correlationId: z.string().min(1).max(300).optional(),
  asOf: dateSchema
    .optional()
    .describe(
      'valid time: only events that occurred on or before this date (`occurredAt`, a date or an instant, compared on its date part); combinable with recordedAt',
    ),
  recordedAt: recordedAtSchema,
};
type AuditFilters = {
  [K in Exclude<keyof typeof auditFilters, 'recordedAt'>]?: string | undefined;
};

function auditConditions(query: AuditFilters): Condition[] {
  const conditions: Condition[] = [];
  if (query.streamId) conditions.push(condition('stream_id = ?', query.streamId));
  if (query.agreementId)
    conditions.push(condition('stream_id = ?', `agreement-${query.agreementId}`));
  if (query.type) conditions.push(condition('type = ?', query.type));
  if (query.actor) conditions.push(condition('actor = ?', query.actor));
  if (query.correlationId) conditions.push(condition('correlation_id = ?', query.correlationId));
  // occurred_at is a date or an RFC 3339 instant: its first ten characters are its date.
  if (query.asOf) conditions.push(condition('SUBSTR(occurred_at, 1, 10) <= ?', query.asOf));
  return conditions;
}

const AUDIT_CSV = [
  { key: 'position', kind: 'number' as const },
  { key: 'eventId' },
  { key: 'streamId' },
  { key: 'streamVersion', kind: 'number' as const },
  { key: 'type' },
  { key: 'schemaVersion', kind: 'number' as const },
  { key: 'occurredAt' },
  { key: 'recordedAt' },
  { key: 'actor' },
  { key: 'source' },
  { key: 'correlationId' },
  { key: 'causationId' },
  { key: 'data' },
];

const PAGE_RESPONSES = {
  200: { description: 'a page of items; `Link: <...>; rel="next"` when there are more' },
  304: { description: 'unchanged since the ETag sent in If-None-Match' },
  401: { description: 'no valid API key' },
  403: { description: 'the key’s role may not read' },
  422: { description: 'a bad filter or cursor, named by its pointer' },
  503: { description: 'the read model has not reached `waitFor` yet, or a store is down' },
};
const EXPORT_RESPONSES = {
  200: {
    description: 'every matching row, streamed',
    contentTypes: ['text/csv', 'application/x-ndjson'],
  },
  401: { description: 'no valid API key' },
  403: { description: 'the key’s role may not read' },
  422: { description: 'a bad filter' },
};
const ONE_RESPONSES = {
  200: { description: 'found' },
  304: { description: 'unchanged since the ETag sent in If-None-Match' },
  401: { description: 'no valid API key' },
  404: { description: 'not found' },
};

/** Lists, single items and exports of every read model, for auditors and admins. */
export function queryRoutes({ readStore }: { readonly readStore: ReadStore }): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/agreements',
      operationId: 'listAgreements',
      summary: 'Agreements, with parties and the summary of earned, paid and open',
      tags: ['Agreements'],
      access: READERS,
      query: listQuery({
        party: idSchema.optional().describe('licensor or licensee party id'),
        asOf: agreementAsOfSchema,
        recordedAt: recordedAtSchema,
      }),
      responses: PAGE_RESPONSES,
      handler: async ({ query, req, res }) => {
        await awaitProjection(readStore, 'obligations', query.waitFor);
        const recorded = await recordTime(readStore, agreementSource, query.recordedAt);
        const { conditions } = recorded;
        const source =
          query.asOf === undefined
            ? recorded.source
            : agreementsAsOf(recorded.source, conditions, query.asOf, recorded.position);
        if (query.party)
          conditions.push(
            condition('licensor_party_id = ? OR licensee_party_id = ?', query.party, query.party),
          );
        await sendPage(req, res, readStore, source, conditions, query);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/agreements/:agreementId',
      operationId: 'getAgreement',
      summary: 'One agreement: its current terms and summary; its ETag is the stream version',
      tags: ['Agreements'],
      access: READERS,
      params: z.strictObject({ agreementId: idSchema }),
      query: z.strictObject({
        waitFor: waitForSchema,
        asOf: agreementAsOfSchema,
        recordedAt: recordedAtSchema,
      }),
      responses: ONE_RESPONSES,
      handler: async ({ params, query, req, res }) => {
        await awaitProjection(readStore, 'obligations', query.waitFor);
        const recorded = await recordTime(readStore, agreementSource, query.recordedAt);
        const where = [condition('agreement_id = ?', params.agreementId), ...recorded.conditions];
        const source =
          query.asOf === undefined
            ? recorded.source
            : agreementsAsOf(recorded.source, where, query.asOf, recorded.position);
        const found = await readStore.query<AgreementRow>(
          `SELECT * FROM ${source.table} WHERE ${where.map((c) => `(${c.sql})`).join(' AND ')}`,
          where.flatMap((c) => c.parameters),
        );
        const [row] = source.enrich ? await source.enrich(readStore, found) : found;
        if (row === undefined) throw notFound(`agreement ${params.agreementId}`);
        const terms = row.terms ?? (await termsOf(readStore, row));
        sendJsonWithETag(
          req,
          res,
          { ...agreementSource.present(row), terms: JSON.parse(terms) as unknown },
          { etag: streamVersionETag(Number(row.stream_version)) },
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/obligations',
      operationId: 'listObligations',
      summary: 'Obligations: amount, payer, payee, due date, paid, open balance, status, overdue',
      tags: ['Obligations'],
      access: READERS,
      query: listQuery(obligationFilters),
      responses: PAGE_RESPONSES,
      handler: async ({ query, req, res }) => {
        await awaitProjection(readStore, 'obligations', query.waitFor);
        const asOf = query.asOf ?? today();
        const { source, conditions } = await obligationsAt(readStore, asOf, query.recordedAt);
        await sendPage(
          req,
          res,
          readStore,
          source,
          [...conditions, ...obligationConditions(query, asOf)],
          query,
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/obligations/export',
      operationId: 'exportObligations',
      summary: 'Every matching obligation as CSV or NDJSON, streamed',
      tags: ['Obligations', 'Exports'],
      access: READERS,
      query: exportQuery(obligationFilters),
      responses: EXPORT_RESPONSES,
      handler: async ({ query, res }) => {
        await awaitProjection(readStore, 'obligations', query.waitFor);
        const asOf = query.asOf ?? today();
        const { source, conditions } = await obligationsAt(readStore, asOf, query.recordedAt);
        await sendExport(
          res,
          readStore,
          source,
          [...conditions, ...obligationConditions(query, asOf)],
          {
            format: query.format,
            filename: 'obligations',
            csvColumns: OBLIGATION_CSV,
            csvRow: (row) => ({
              ...source.present(row),
              currency: row.currency,
              amountDue: decimalOf(row.amount_due_minor, row.currency),
              amountPaid: decimalOf(row.amount_paid_minor, row.currency),
              openBalance: decimalOf(row.open_minor, row.currency),
            }),
          },
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/obligations/:obligationId',
      operationId: 'getObligation',
      summary: 'One obligation, with the payments applied to it',
      tags: ['Obligations'],
      access: READERS,
      params: z.strictObject({ obligationId: idSchema }),
      query: z.strictObject({
        waitFor: waitForSchema,
        asOf: obligationAsOfSchema,
        recordedAt: recordedAtSchema,
      }),
      responses: ONE_RESPONSES,
      handler: async ({ params, query, req, res }) => {
        await awaitProjection(readStore, 'obligations', query.waitFor);
        await awaitProjection(readStore, 'payments', query.waitFor);
        const { source, conditions, position } = await obligationsAt(
          readStore,
          query.asOf ?? today(),
          query.recordedAt,
        );
        const where = [condition('obligation_id = ?', params.obligationId), ...conditions];
        const [row] = await readStore.query<ObligationRow>(
          `SELECT * FROM ${source.table} WHERE ${where.map((c) => `(${c.sql})`).join(' AND ')}`,
          where.flatMap((c) => c.parameters),
        );
        if (row === undefined) throw notFound(`obligation ${params.obligationId}`);
        // Recorded at a position: the allocations recorded by then, reversed if by then.
        const recorded = position;
        const allocations = await readStore.query<AllocationRow>(
          `SELECT * FROM ${allocationsAt(recorded)} WHERE obligation_id = ? ORDER BY position`,
          [params.obligationId],
        );
        sendJsonWithETag(req, res, {
          ...obligationSource(query.asOf ?? today()).present(row),
          payments: allocations.map(presentAllocation),
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/payments',
      operationId: 'listPayments',
      summary: 'The payment history, per agreement or per counterparty',
      tags: ['Payments'],
      access: READERS,
      query: listQuery(paymentFilters),
      responses: PAGE_RESPONSES,
      handler: async ({ query, req, res }) => {
        await awaitProjection(readStore, 'payments', query.waitFor);
        const position = await positionOf(readStore, query.recordedAt, 'payments');
        await sendPage(
          req,
          res,
          readStore,
          paymentSourceAt(position),
          paymentConditions(query),
          query,
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/payments/export',
      operationId: 'exportPayments',
      summary: 'The payment history as CSV or NDJSON, with the obligations each payment settled',
      tags: ['Payments', 'Exports'],
      access: READERS,
      query: exportQuery(paymentFilters),
      responses: EXPORT_RESPONSES,
      handler: async ({ query, res }) => {
        await awaitProjection(readStore, 'payments', query.waitFor);
        const position = await positionOf(readStore, query.recordedAt, 'payments');
        await sendExport(res, readStore, paymentSourceAt(position), paymentConditions(query), {
          format: query.format,
          filename: 'payments',
          csvColumns: PAYMENT_CSV,
          csvRow: (row) => ({
            ...paymentSource.present(row),
            currency: row.currency,
            amount: decimalOf(row.amount_minor, row.currency),
            applied: decimalOf(row.applied_minor, row.currency),
            unapplied: decimalOf(
              BigInt(row.amount_minor) - BigInt(row.applied_minor),
              row.currency,
            ),
            settledObligationIds: (row.settled ?? [])
              .filter((allocation) => Number(allocation.reversed) === 0)
              .map((allocation) => allocation.obligation_id)
              .join(' '),
          }),
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/payments/:paymentEventId',
      operationId: 'getPayment',
      summary: 'One payment and the obligations it settled',
      tags: ['Payments'],
      access: READERS,
      params: z.strictObject({ paymentEventId: idSchema }),
      query: z.strictObject({ waitFor: waitForSchema, recordedAt: recordedAtSchema }),
      responses: ONE_RESPONSES,
      handler: async ({ params, query, req, res }) => {
        await awaitProjection(readStore, 'payments', query.waitFor);
        const position = await positionOf(readStore, query.recordedAt, 'payments');
        const [row] = await readStore.query<PaymentRow>(
          `SELECT * FROM ${paymentsAt(position)} WHERE payment_event_id = ?`,
          [params.paymentEventId],
        );
        if (row === undefined) throw notFound(`payment ${params.paymentEventId}`);
        const allocations = await readStore.query<AllocationRow>(
          `SELECT * FROM ${allocationsAt(position)} WHERE payment_event_id = ? ORDER BY position`,
          [params.paymentEventId],
        );
        sendJsonWithETag(req, res, {
          ...paymentSource.present(row),
          settled: allocations.map(presentAllocation),
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/royalty-statements',
      operationId: 'listRoyaltyStatementLines',
      summary:
        'Royalty statement lines per agreement, product, country and period, with the computation',
      tags: ['Royalties'],
      access: READERS,
      query: listQuery(royaltyFilters),
      responses: PAGE_RESPONSES,
      handler: async ({ query, req, res }) => {
        await awaitProjection(readStore, 'royalty-statements', query.waitFor);
        const position = await positionOf(readStore, query.recordedAt, 'royalty-statements');
        await sendPage(
          req,
          res,
          readStore,
          { ...royaltySource, table: royaltyLinesAt(position) },
          royaltyConditions(query),
          query,
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/royalty-statements/export',
      operationId: 'exportRoyaltyStatementLines',
      summary: 'Royalty statement lines as CSV or NDJSON',
      tags: ['Royalties', 'Exports'],
      access: READERS,
      query: exportQuery(royaltyFilters),
      responses: EXPORT_RESPONSES,
      handler: async ({ query, res }) => {
        await awaitProjection(readStore, 'royalty-statements', query.waitFor);
        const position = await positionOf(readStore, query.recordedAt, 'royalty-statements');
        const source = { ...royaltySource, table: royaltyLinesAt(position) };
        await sendExport(res, readStore, source, royaltyConditions(query), {
          format: query.format,
          filename: 'royalty-statements',
          csvColumns: ROYALTY_CSV,
          csvRow: (row) => ({
            ...royaltySource.present(row),
            periodFrom: row.period_from,
            periodTo: row.period_to,
            currency: row.currency,
            royalty: decimalOf(row.royalty_minor, row.currency),
            previouslyAccrued: decimalOf(row.previously_accrued_minor, row.currency),
            amount: decimalOf(row.amount_minor, row.currency),
          }),
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/audit-trail',
      operationId: 'listAuditTrail',
      summary: 'Every event with its metadata (who, when recorded, when it happened), in log order',
      tags: ['Audit'],
      access: READERS,
      query: listQuery(auditFilters),
      responses: PAGE_RESPONSES,
      handler: async ({ query, req, res }) => {
        await awaitProjection(readStore, 'audit-trail', query.waitFor);
        const position = await positionOf(readStore, query.recordedAt, 'audit-trail');
        const conditions = auditConditions(query);
        if (position !== undefined) conditions.push(condition('global_position <= ?', position));
        await sendPage(req, res, readStore, auditSource, conditions, query);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/audit-trail/export',
      operationId: 'exportAuditTrail',
      summary: 'The audit trail as CSV or NDJSON',
      tags: ['Audit', 'Exports'],
      access: READERS,
      query: exportQuery(auditFilters),
      responses: EXPORT_RESPONSES,
      handler: async ({ query, res }) => {
        await awaitProjection(readStore, 'audit-trail', query.waitFor);
        const position = await positionOf(readStore, query.recordedAt, 'audit-trail');
        const conditions = auditConditions(query);
        if (position !== undefined) conditions.push(condition('global_position <= ?', position));
        await sendExport(res, readStore, auditSource, conditions, {
          format: query.format,
          filename: 'audit-trail',
          csvColumns: AUDIT_CSV,
          csvRow: (row) => {
            const shown = auditSource.present(row);
            return { ...shown, data: JSON.stringify(shown.data) };
          },
        });
      },
    }),
  ];
}

function presentAllocation(row: AllocationRow) {
  return {
    appliedByEventId: row.applied_by_event_id,
    obligationId: row.obligation_id,
    paymentEventId: row.payment_event_id,
    amount: moneyJson(row.amount_minor, row.currency),
    appliedOn: row.applied_on,
    reversed: Number(row.reversed) === 1,
  };
}
