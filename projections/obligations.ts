import type { AgreementState } from '../src/domain/agreement/agreementState';
import {
  amountDueOf,
  amountPaidOf,
  balanceOf,
  type AppliedPayment,
  type DisputeInterval,
  type Obligation,
} from '../src/domain/agreement/obligation';
import { payeeOf } from '../src/domain/agreement/payeeOf';
import { termsVersion } from '../src/domain/agreement/termsAt';
import type { Money } from '../src/domain/money';
import type { EventStore, RecordedEvent } from '../src/eventstore/eventStore';
import { canonicalJson } from '../src/eventstore/json';
import type { SqlExecutor, SqlParameter } from '../src/readstore/readStore';
import { AgreementStates, agreementIdOfStream } from './agreementStates';
import type { Projection } from './projection';

const CREATE_TABLES = `
CREATE TABLE agreements (
  agreement_id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  licensor_party_id TEXT NOT NULL,
  licensor_name TEXT NOT NULL,
  licensee_party_id TEXT NOT NULL,
  licensee_name TEXT NOT NULL,
  signed_on TEXT NOT NULL,
  terminated_on TEXT,
  payment_currency TEXT NOT NULL,
  terms TEXT NOT NULL,
  stream_version BIGINT NOT NULL,
  obligation_count BIGINT NOT NULL,
  earned_minor BIGINT NOT NULL,
  paid_minor BIGINT NOT NULL,
  open_minor BIGINT NOT NULL,
  created_position BIGINT NOT NULL,
  updated_position BIGINT NOT NULL
);
CREATE INDEX agreements_by_licensor ON agreements (licensor_party_id, created_position);
CREATE INDEX agreements_by_licensee ON agreements (licensee_party_id, created_position);
CREATE INDEX agreements_by_position ON agreements (created_position);
CREATE TABLE obligations (
  obligation_id TEXT PRIMARY KEY,
  agreement_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  clause_id TEXT,
  terms_event_id TEXT NOT NULL,
  triggering_event_id TEXT,
  charged_on_obligation_id TEXT,
  currency TEXT NOT NULL,
  amount_minor BIGINT NOT NULL,
  adjustments_minor BIGINT NOT NULL,
  waived_minor BIGINT NOT NULL,
  amount_due_minor BIGINT NOT NULL,
  amount_paid_minor BIGINT NOT NULL,
  open_minor BIGINT NOT NULL,
  disputed_minor BIGINT NOT NULL,
  arises_on TEXT NOT NULL,
  due_on TEXT,
  status TEXT NOT NULL,
  payer_party_id TEXT NOT NULL,
  payee_party_id TEXT,
  created_position BIGINT NOT NULL,
  updated_position BIGINT NOT NULL
);
CREATE INDEX obligations_by_position ON obligations (created_position);
CREATE INDEX obligations_by_agreement ON obligations (agreement_id, created_position);
CREATE INDEX obligations_by_payer ON obligations (payer_party_id, created_position);
CREATE INDEX obligations_by_payee ON obligations (payee_party_id, created_position);
CREATE INDEX obligations_by_due ON obligations (due_on, created_position);
`;

/**
 * Record time: every write of an agreement or obligation row also keeps a version of it, valid
 * in record time from the position of the event that wrote it (`recorded_from_position`) until
 * the position of the next event that wrote it (`recorded_until_position`, null while current).
 * What the service knew at position N is the versions with from <= N < until.
 */
const CREATE_VERSION_TABLES = `
CREATE TABLE agreement_versions (
  agreement_id TEXT NOT NULL,
  title TEXT NOT NULL,
  licensor_party_id TEXT NOT NULL,
  licensor_name TEXT NOT NULL,
  licensee_party_id TEXT NOT NULL,
  licensee_name TEXT NOT NULL,
  signed_on TEXT NOT NULL,
  terminated_on TEXT,
  payment_currency TEXT NOT NULL,
  terms TEXT NOT NULL,
  stream_version BIGINT NOT NULL,
  obligation_count BIGINT NOT NULL,
  earned_minor BIGINT NOT NULL,
  paid_minor BIGINT NOT NULL,
  open_minor BIGINT NOT NULL,
  created_position BIGINT NOT NULL,
  updated_position BIGINT NOT NULL,
  recorded_from_position BIGINT NOT NULL,
  recorded_until_position BIGINT,
  PRIMARY KEY (agreement_id, recorded_from_position)
);
CREATE INDEX agreement_versions_by_position ON agreement_versions (created_position, recorded_from_position);
CREATE TABLE obligation_versions (
  obligation_id TEXT NOT NULL,
  agreement_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  clause_id TEXT,
  terms_event_id TEXT NOT NULL,
  triggering_event_id TEXT,
  charged_on_obligation_id TEXT,
  currency TEXT NOT NULL,
  amount_minor BIGINT NOT NULL,
  adjustments_minor BIGINT NOT NULL,
  waived_minor BIGINT NOT NULL,
  amount_due_minor BIGINT NOT NULL,
  amount_paid_minor BIGINT NOT NULL,
  open_minor BIGINT NOT NULL,
  disputed_minor BIGINT NOT NULL,
  arises_on TEXT NOT NULL,
  due_on TEXT,
  status TEXT NOT NULL,
  payer_party_id TEXT NOT NULL,
  payee_party_id TEXT,
  created_position BIGINT NOT NULL,
  updated_position BIGINT NOT NULL,
  recorded_from_position BIGINT NOT NULL,
  recorded_until_position BIGINT,
  PRIMARY KEY (obligation_id, recorded_from_position)
);
CREATE INDEX obligation_versions_by_position ON obligation_versions (created_position, recorded_from_position);
CREATE INDEX obligation_versions_by_agreement ON obligation_versions (agreement_id, created_position);
`;

/**
 * Valid time: each payment an obligation counts as paid, with the day it was paid, versioned in
 * record time like the rows (a reversed application is closed at the reversal's position). What
 * was paid as of a date D is the recorded amount paid less what was paid after D.
 */
const CREATE_OBLIGATION_PAYMENTS = `
CREATE TABLE obligation_payments (
  obligation_id TEXT NOT NULL,
  applied_by_event_id TEXT NOT NULL,
  payment_event_id TEXT NOT NULL,
  paid_on TEXT NOT NULL,
  amount_minor BIGINT NOT NULL,
  recorded_from_position BIGINT NOT NULL,
  recorded_until_position BIGINT,
  PRIMARY KEY (obligation_id, applied_by_event_id, payment_event_id, recorded_from_position)
);
CREATE INDEX obligation_payments_by_obligation ON obligation_payments (obligation_id, paid_on);
`;

/**
 * Valid time of what changes an obligation after it arose: each adjustment and waiver with the
 * day it applies from, each dispute with the days it was raised and resolved (`ended_on`), and
 * the day each obligation's due date was known (`due_known_on`). Versioned in record time like
 * the rows: a reversed adjustment or waiver is closed at the reversal's position, a resolved
 * dispute replaced by its resolved version. As of a date D, what applies after D is taken off
 * the recorded row (src/http/routes/obligationsAsOf.ts).
 */
const CREATE_OBLIGATION_CHANGES = `
CREATE TABLE obligation_changes (
  obligation_id TEXT NOT NULL,
  change_event_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  effective_on TEXT NOT NULL,
  ended_on TEXT,
  amount_minor BIGINT NOT NULL,
  recorded_from_position BIGINT NOT NULL,
  recorded_until_position BIGINT,
  PRIMARY KEY (obligation_id, change_event_id, recorded_from_position)
);
CREATE INDEX obligation_changes_by_obligation ON obligation_changes (obligation_id, effective_on);
ALTER TABLE obligations ADD COLUMN due_known_on TEXT;
ALTER TABLE obligation_versions ADD COLUMN due_known_on TEXT;
UPDATE obligations SET due_known_on = arises_on WHERE due_on IS NOT NULL;
UPDATE obligation_versions SET due_known_on = arises_on WHERE due_on IS NOT NULL;
`;

/**
 * The latest day any payment or dated change recorded for an obligation takes effect or ends on
 * (it only grows: a reversal leaves it). As of a day on or after it, the recorded row is the
 * day's, and the view skips the look-ups (src/http/routes/obligationsAsOf.ts).
 */
const CREATE_LATEST_DATED_ON = ['obligations', 'obligation_versions']
  .map(
    (table) =>
      `ALTER TABLE ${table} ADD COLUMN latest_dated_on TEXT;\n` +
      `UPDATE ${table} SET latest_dated_on = (SELECT MAX(d.day) FROM (` +
      `SELECT p.paid_on AS day FROM obligation_payments p WHERE p.obligation_id = ${table}.obligation_id ` +
      `UNION ALL SELECT c.effective_on FROM obligation_changes c WHERE c.obligation_id = ${table}.obligation_id ` +
      `UNION ALL SELECT c.ended_on FROM obligation_changes c WHERE c.obligation_id = ${table}.obligation_id` +
      `) d);\n`,
  )
  .join('');

/**
 * The terms of each agreement once per signature or amendment, keyed by the position of the
 * event that made them (`terms_position`), which the agreement row and its versions refer to:
 * a version per event no longer copies the whole terms text. The versions already recorded are
 * keyed by the first of their agreement's versions with the same text.
 */
const CREATE_AGREEMENT_TERMS = `
CREATE TABLE agreement_terms (
  agreement_id TEXT NOT NULL,
  terms_position BIGINT NOT NULL,
  terms TEXT NOT NULL,
  PRIMARY KEY (agreement_id, terms_position)
);
ALTER TABLE agreements ADD COLUMN terms_position BIGINT;
ALTER TABLE agreement_versions ADD COLUMN terms_position BIGINT;
UPDATE agreement_versions SET terms_position = (SELECT MIN(same.recorded_from_position)
  FROM agreement_versions same
  WHERE same.agreement_id = agreement_versions.agreement_id AND same.terms = agreement_versions.terms);
INSERT INTO agreement_terms (agreement_id, terms_position, terms)
  SELECT DISTINCT agreement_id, terms_position, terms FROM agreement_versions;
UPDATE agreements SET terms_position = (SELECT MIN(t.terms_position) FROM agreement_terms t
  WHERE t.agreement_id = agreements.agreement_id AND t.terms = agreements.terms);
ALTER TABLE agreement_versions DROP COLUMN terms;
`;

/** Where an obligation stands, as its events made it (overdue is derived when asked, from a date). */
export type ObligationStatus =
  | 'accrued'
  | 'payable'
  | 'partially-paid'
  | 'paid'
  | 'waived'
  | 'disputed'
  | 'reversed'
  | 'credit'
  | 'credit-used';

/**
 * An obligation's status. A negative obligation (a credit note: a restatement down, a shortfall
 * trued down) is owed to the payer: `credit` while some of it is unused, `credit-used` once
 * credit applications have taken all of it.
 */
export function obligationStatusOf(obligation: Obligation): ObligationStatus {
  if (obligation.reversed) return 'reversed';
  if (obligation.disputed.amountMinor > 0n) return 'disputed';
  const paid = amountPaidOf(obligation).amountMinor;
  if (amountDueOf(obligation).amountMinor < 0n)
    return balanceOf(obligation).amountMinor < 0n ? 'credit' : 'credit-used';
  if (balanceOf(obligation).amountMinor <= 0n) {
    return paid === 0n && obligation.waived.amountMinor > 0n ? 'waived' : 'paid';
  }
  if (obligation.dueOn === null) return 'accrued';
  return paid > 0n ? 'partially-paid' : 'payable';
}

/** Minor units as a column value: exact, or an error beyond 2^53 minor units. */
export function minorOf(amount: Money): number {
  const value = Number(amount.amountMinor);
  if (!Number.isSafeInteger(value))
    throw new RangeError(
      `${amount.amountMinor} minor units of ${amount.currency} exceed what the read model stores`,
    );
  return value;
}

/** The obligations table's columns as migration 1 made them (migration 2 copies these). */
const OBLIGATION_COLUMNS_V1 = [
  'obligation_id',
  'agreement_id',
  'kind',
  'clause_id',
  'terms_event_id',
  'triggering_event_id',
  'charged_on_obligation_id',
  'currency',
  'amount_minor',
  'adjustments_minor',
  'waived_minor',
  'amount_due_minor',
  'amount_paid_minor',
  'open_minor',
  'disputed_minor',
  'arises_on',
  'due_on',
  'status',
  'payer_party_id',
  'payee_party_id',
  'created_position',
  'updated_position',
] as const;

/** The obligations table's columns (its versions add their record positions). */
export const OBLIGATION_COLUMNS = [
  ...OBLIGATION_COLUMNS_V1,
  'due_known_on',
  'latest_dated_on',
] as const;

/**
 * Columns an event may change after the obligation was created (the day it arose too: a
 * milestone's achievement corrected by a fact recorded late).
 */
const MUTABLE_OBLIGATION_COLUMNS = [
  'arises_on',
  'adjustments_minor',
  'waived_minor',
  'amount_due_minor',
  'amount_paid_minor',
  'open_minor',
  'disputed_minor',
  'due_on',
  'due_known_on',
  'status',
  'payee_party_id',
  'updated_position',
] as const;

/** The agreements table's columns as migration 1 made them (migration 2 copies these). */
const AGREEMENT_COLUMNS_V1 = [
  'agreement_id',
  'title',
  'licensor_party_id',
  'licensor_name',
  'licensee_party_id',
  'licensee_name',
  'signed_on',
  'terminated_on',
  'payment_currency',
  'terms',
  'stream_version',
  'obligation_count',
  'earned_minor',
  'paid_minor',
  'open_minor',
  'created_position',
  'updated_position',
] as const;

/** The agreements table's columns: its terms are also kept once in agreement_terms (migration 6). */
const AGREEMENT_COLUMNS = [...AGREEMENT_COLUMNS_V1, 'terms_position'] as const;

/**
 * What a version of an agreement copies: not the terms text (several kilobytes, the same for
 * every event until the next amendment), only the key of its row in agreement_terms.
 */
const AGREEMENT_VERSION_COLUMNS = AGREEMENT_COLUMNS.filter((c) => c !== 'terms');

/**
 * A read model migrated with rows already in it: each row's current version, recorded from its
 * last change on (what it was before is not known until the read model is rebuilt).
 */
const seedVersions = (kind: string, columns: readonly string[]): string =>
  `INSERT INTO ${kind}_versions (${columns.join(', ')}, recorded_from_position) ` +
  `SELECT ${columns.join(', ')}, updated_position FROM ${kind}s;\n`;
const SEED_VERSIONS =
  seedVersions('agreement', AGREEMENT_COLUMNS_V1) +
  seedVersions('obligation', OBLIGATION_COLUMNS_V1);

function upsert(
  table: string,
  columns: readonly string[],
  key: string,
  mutable: readonly string[],
): string {
  return (
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ` +
    `ON CONFLICT (${key}) DO UPDATE SET ${mutable.map((c) => `${c} = excluded.${c}`).join(', ')}`
  );
}

/**
 * The mutable columns that an index is keyed by (obligations_by_payee, obligations_by_due). The
 * upsert leaves them to a second statement that writes them only when they differ: SQLite
 * rewrites an index entry for every indexed column a statement sets, changed or not, and an
 * obligation's payee and due date rarely change once it has them.
 */
const INDEXED_MUTABLE_OBLIGATION_COLUMNS: readonly string[] = ['payee_party_id', 'due_on'];
const UPSERT_OBLIGATION = upsert(
  'obligations',
  OBLIGATION_COLUMNS,
  'obligation_id',
  MUTABLE_OBLIGATION_COLUMNS.filter((c) => !INDEXED_MUTABLE_OBLIGATION_COLUMNS.includes(c)),
);
const UPDATE_OBLIGATION_PAYEE_AND_DUE =
  'UPDATE obligations SET payee_party_id = ?, due_on = ? WHERE obligation_id = ? ' +
  'AND (payee_party_id IS DISTINCT FROM ? OR due_on IS DISTINCT FROM ?)';
const UPSERT_AGREEMENT = upsert(
  'agreements',
  AGREEMENT_COLUMNS,
  'agreement_id',
  AGREEMENT_COLUMNS.filter((c) => c !== 'agreement_id' && c !== 'created_position'),
);
/** What an event that leaves the terms as they were writes to its agreement's row. */
const AGREEMENT_SUMMARY_COLUMNS = AGREEMENT_COLUMNS.filter(
  (c) => !['agreement_id', 'terms', 'terms_position', 'created_position'].includes(c),
);
const UPDATE_AGREEMENT_SUMMARY =
  `UPDATE agreements SET ${AGREEMENT_SUMMARY_COLUMNS.map((c) => `${c} = ?`).join(', ')} ` +
  'WHERE agreement_id = ?';
/**
 * What an event that leaves the terms history as it was writes: not the columns read from the
 * terms (title, parties, signing day, currency), which it cannot change. SQLite rewrites an
 * index entry for every indexed column a statement sets, changed or not: setting the parties
 * moved two index entries (by licensor, by licensee) for every event of the agreement.
 */
const AGREEMENT_RUNNING_COLUMNS = [
  'terminated_on',
  'stream_version',
  'obligation_count',
  'earned_minor',
  'paid_minor',
  'open_minor',
  'updated_position',
] as const;
const UPDATE_AGREEMENT_RUNNING =
  `UPDATE agreements SET ${AGREEMENT_RUNNING_COLUMNS.map((c) => `${c} = ?`).join(', ')} ` +
  'WHERE agreement_id = ?';
const INSERT_TERMS =
  'INSERT INTO agreement_terms (agreement_id, terms_position, terms) VALUES (?, ?, ?)';

/** Events that may change every obligation's row without changing the obligations themselves. */
const AGREEMENT_WIDE: ReadonlySet<string> = new Set([
  'PayeeAssigned',
  'AgreementAmended',
  'EntryReversed',
]);

interface Touched {
  readonly agreementId: string;
  state: AgreementState;
  version: number;
  position: number;
  /** The position of the batch's first event of this agreement: a new agreement's own. */
  readonly firstPosition: number;
  /** Obligations whose events were in this batch, with the position of their latest one. */
  readonly obligationPositions: Map<string, number>;
  /** The terms as last signed or amended in this batch (JSON text). */
  terms?: string;
  /** Obligations created in this batch: the creating event's position and what triggered it. */
  readonly created: Map<string, { position: number; trigger: string | null }>;
}

/**
 * Agreements (parties, terms, and the summary of earned, paid and open) and their obligations
 * (amount, payer, payee, due date, paid, open balance, status), as the decider's own state has
 * them: the rows are written from the agreement state the events fold to, so the read model can
 * never disagree with what a command sees.
 */
export function obligationsProjection(store: EventStore): Projection {
  const states = new AgreementStates(store);
  return {
    name: 'obligations',
    tables: [
      'agreements',
      'obligations',
      'agreement_versions',
      'agreement_terms',
      'obligation_versions',
      'obligation_payments',
      'obligation_changes',
    ],
    // The cached agreement states belong to the rows a rebuild deletes: fold them again.
    reset: () => states.clear(),
    migrations: [
      {
        version: 1,
        name: 'agreements and obligations',
        sqlite: CREATE_TABLES,
        postgres: CREATE_TABLES,
      },
      {
        version: 2,
        name: 'agreement and obligation versions (record time)',
        sqlite: CREATE_VERSION_TABLES + SEED_VERSIONS,
        postgres: CREATE_VERSION_TABLES + SEED_VERSIONS,
      },
      {
        version: 3,
        name: 'the payments of each obligation with their paid-on dates (valid time)',
        sqlite: CREATE_OBLIGATION_PAYMENTS,
        postgres: CREATE_OBLIGATION_PAYMENTS,
      },
      {
        version: 4,
        name: 'adjustments, waivers, disputes and due dates with their days (valid time)',
        sqlite: CREATE_OBLIGATION_CHANGES,
        postgres: CREATE_OBLIGATION_CHANGES,
      },
      {
        version: 5,
        name: 'the latest day of each obligation’s payments and dated changes',
        sqlite: CREATE_LATEST_DATED_ON,
        postgres: CREATE_LATEST_DATED_ON,
      },
      {
        version: 6,
        name: 'the terms once per signature or amendment, not in every agreement version',
        sqlite: CREATE_AGREEMENT_TERMS,
        postgres: CREATE_AGREEMENT_TERMS,
      },
    ],
    async apply(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void> {
      try {
        for (const event of events) {
          const agreementId = agreementIdOfStream(event.streamId);
          if (agreementId === undefined) continue;
          const { before, after: state } = await states.step(agreementId, event);
          // One write per event, never per batch: every event's position gets its own version
          // of what it changed, so the view recorded at any position is exact, whatever the
          // batches were (a rebuild batches differently from the live worker).
          const entry: Touched = {
            agreementId,
            state,
            version: event.streamVersion,
            position: event.globalPosition,
            firstPosition: event.globalPosition,
            obligationPositions: new Map(),
            created: new Map(),
          };
          entry.state = state;
          entry.version = event.streamVersion;
          entry.position = event.globalPosition;
          if (event.type === 'AgreementSigned' || event.type === 'AgreementAmended') {
            entry.terms = canonicalJson((event.data as { terms: never }).terms);
          }
          if (state.obligations.has(event.eventId) && !before.obligations.has(event.eventId)) {
            const { causedByEventId } = event.data as { causedByEventId?: unknown };
            entry.created.set(event.eventId, {
              position: event.globalPosition,
              trigger: typeof causedByEventId === 'string' ? causedByEventId : null,
            });
          }
          // Evolve never rebuilds an obligation it did not change: identity says what changed.
          // Payees and payers are read from the agreement, not the obligation: an event that
          // changes who is paid (a back-dated assignment, amended parties) rewrites them all.
          const everyObligation = AGREEMENT_WIDE.has(event.type);
          for (const [id, obligation] of state.obligations) {
            if (everyObligation || before.obligations.get(id) !== obligation)
              entry.obligationPositions.set(id, event.globalPosition);
          }
          await writeAgreement(tx, entry, before);
          await recordAdjustmentsAndWaivers(tx, event, before, state);
        }
      } catch (error) {
        states.clear();
        throw error;
      }
    },
  };
}

async function writeAgreement(
  tx: SqlExecutor,
  entry: Touched,
  before: AgreementState,
): Promise<void> {
  const { state, agreementId } = entry;
  const signed = state.termsHistory[0];
  if (signed === undefined) return;
  const latest = state.termsHistory[state.termsHistory.length - 1] ?? signed;
  const { terms } = latest;
  let earned = 0;
  let paid = 0;
  let open = 0;
  for (const [obligationId, obligation] of state.obligations) {
    const totals = totalsOf(obligation);
    earned += totals.earned;
    paid += totals.paid;
    open += totals.open;
    const changedAt = entry.obligationPositions.get(obligationId);
    if (changedAt === undefined) continue;
    const createdTerms = termsVersion(state, obligation.termsEventId)?.terms ?? terms;
    const row: Record<(typeof OBLIGATION_COLUMNS)[number], SqlParameter> = {
      obligation_id: obligationId,
      agreement_id: agreementId,
      kind: obligation.kind,
      clause_id: obligation.clauseId,
      terms_event_id: obligation.termsEventId,
      triggering_event_id: entry.created.get(obligationId)?.trigger ?? null,
      charged_on_obligation_id: obligation.chargedOnObligationId ?? null,
      currency: obligation.amount.currency,
      amount_minor: minorOf(obligation.amount),
      adjustments_minor: minorOf(obligation.adjustments),
      waived_minor: minorOf(obligation.waived),
      amount_due_minor: totals.earned,
      amount_paid_minor: totals.paid,
      open_minor: totals.open,
      disputed_minor: minorOf(obligation.disputed),
      arises_on: obligation.arisesOn,
      due_on: obligation.dueOn,
      due_known_on: obligation.dueKnownOn,
      // Kept by the rows that carry the days (markDated), never overwritten by a write of the row.
      latest_dated_on: null,
      status: obligationStatusOf(obligation),
      payer_party_id: createdTerms.licensee.partyId,
      payee_party_id: payeeOf(state, obligation)?.partyId ?? null,
      created_position: entry.created.get(obligationId)?.position ?? changedAt,
      updated_position: changedAt,
    };
    await tx.execute(
      UPSERT_OBLIGATION,
      OBLIGATION_COLUMNS.map((c) => row[c]),
    );
    await tx.execute(UPDATE_OBLIGATION_PAYEE_AND_DUE, [
      row.payee_party_id,
      row.due_on,
      obligationId,
      row.payee_party_id,
      row.due_on,
    ]);
    await recordVersion(tx, 'obligation', obligationId, changedAt);
    await recordPayments(tx, before.obligations.get(obligationId), obligation, changedAt);
    await recordDisputes(tx, before.obligations.get(obligationId), obligation, changedAt);
  }
  const row: Record<(typeof AGREEMENT_COLUMNS)[number], SqlParameter> = {
    agreement_id: agreementId,
    title: terms.title,
    licensor_party_id: terms.licensor.partyId,
    licensor_name: terms.licensor.name,
    licensee_party_id: terms.licensee.partyId,
    licensee_name: terms.licensee.name,
    signed_on: signed.terms.signedOn,
    terminated_on: state.terminatedOn,
    payment_currency: terms.paymentCurrency,
    terms: entry.terms ?? '',
    terms_position: entry.position,
    stream_version: entry.version,
    obligation_count: state.obligations.size,
    earned_minor: earned,
    paid_minor: paid,
    open_minor: open,
    created_position: entry.firstPosition,
    updated_position: entry.position,
  };
  if (entry.terms === undefined && state.termsHistory === before.termsHistory) {
    // Terms unchanged by this event, and everything read from them: keep them as stored.
    await tx.execute(UPDATE_AGREEMENT_RUNNING, [
      ...AGREEMENT_RUNNING_COLUMNS.map((c) => row[c]),
      agreementId,
    ]);
  } else if (entry.terms === undefined) {
    // Terms unchanged by this event: keep the stored text and its key.
    await tx.execute(UPDATE_AGREEMENT_SUMMARY, [
      ...AGREEMENT_SUMMARY_COLUMNS.map((c) => row[c]),
      agreementId,
    ]);
  } else {
    await tx.execute(
      UPSERT_AGREEMENT,
      AGREEMENT_COLUMNS.map((c) => row[c]),
    );
    await tx.execute(INSERT_TERMS, [agreementId, entry.position, entry.terms]);
  }
  await recordVersion(tx, 'agreement', agreementId, entry.position);
}

/**
 * What an obligation adds to its agreement's earned, paid and open, kept with the obligation:
 * evolve makes a new object for each obligation an event changes and keeps the others, so an
 * event recomputes only its own. Summing every obligation's payments for every event of the
 * agreement was a tenth of a rebuild's JavaScript.
 */
const obligationTotals = new WeakMap<Obligation, { earned: number; paid: number; open: number }>();

function totalsOf(obligation: Obligation): { earned: number; paid: number; open: number } {
  let totals = obligationTotals.get(obligation);
  if (totals === undefined) {
    totals = {
      earned: minorOf(amountDueOf(obligation)),
      paid: minorOf(amountPaidOf(obligation)),
      open: minorOf(balanceOf(obligation)),
    };
    obligationTotals.set(obligation, totals);
  }
  return totals;
}

/** The statements that close a row's current version and copy the row as its next version. */
function versionStatements(
  kind: 'agreement' | 'obligation',
  columns: readonly string[],
): { close: string; copy: string } {
  return {
    // The open version is always the latest one: found by the primary key's last entry for the
    // id, not by scanning every version of it (an agreement gets one per event).
    close:
      `UPDATE ${kind}_versions SET recorded_until_position = ? ` +
      `WHERE ${kind}_id = ? AND recorded_until_position IS NULL AND recorded_from_position = ` +
      `(SELECT max(recorded_from_position) FROM ${kind}_versions WHERE ${kind}_id = ?)`,
    copy:
      `INSERT INTO ${kind}_versions (${columns.join(', ')}, recorded_from_position) ` +
      `SELECT ${columns.join(', ')}, ? FROM ${kind}s WHERE ${kind}_id = ?`,
  };
}

// Built once: the statement cache finds a statement by its text, and hashing a text built anew
// for every event was a visible part of a rebuild's profile.
const VERSION_STATEMENTS = {
  agreement: versionStatements('agreement', AGREEMENT_VERSION_COLUMNS),
  obligation: versionStatements('obligation', OBLIGATION_COLUMNS),
};

/**
 * Closes the current version of a row at `position` and keeps a copy of the row as just written
 * as the version recorded from `position` on.
 */
async function recordVersion(
  tx: SqlExecutor,
  kind: 'agreement' | 'obligation',
  id: string,
  position: number,
): Promise<void> {
  const { close, copy } = VERSION_STATEMENTS[kind];
  await tx.execute(close, [position, id, id]);
  await tx.execute(copy, [position, id]);
}

const paymentKey = (payment: AppliedPayment): string =>
  JSON.stringify([
    payment.appliedByEventId,
    payment.paymentEventId,
    payment.paidOn,
    payment.amount.amountMinor.toString(),
  ]);

/** Closes the payments an event took off an obligation and records those it added. */
async function recordPayments(
  tx: SqlExecutor,
  before: Obligation | undefined,
  after: Obligation,
  position: number,
): Promise<void> {
  if (before?.payments === after.payments) return;
  const was = new Map((before?.payments ?? []).map((p) => [paymentKey(p), p]));
  const is = new Map(after.payments.map((p) => [paymentKey(p), p]));
  for (const [key, payment] of was) {
    if (is.has(key)) continue;
    await tx.execute(
      'UPDATE obligation_payments SET recorded_until_position = ? WHERE obligation_id = ? ' +
        'AND applied_by_event_id = ? AND payment_event_id = ? AND paid_on = ? AND amount_minor = ? ' +
        'AND recorded_until_position IS NULL',
      [
        position,
        after.obligationId,
        payment.appliedByEventId,
        payment.paymentEventId,
        payment.paidOn,
        minorOf(payment.amount),
      ],
    );
  }
  for (const [key, payment] of is) {
    if (was.has(key)) continue;
    await tx.execute(
      'INSERT INTO obligation_payments (obligation_id, applied_by_event_id, payment_event_id, ' +
        'paid_on, amount_minor, recorded_from_position) VALUES (?, ?, ?, ?, ?, ?)',
      [
        after.obligationId,
        payment.appliedByEventId,
        payment.paymentEventId,
        payment.paidOn,
        minorOf(payment.amount),
        position,
      ],
    );
    await markDated(tx, after.obligationId, payment.paidOn);
  }
}

/** Raises an obligation's latest dated day, on its row and on its version current now. */
async function markDated(tx: SqlExecutor, obligationId: string, day: string): Promise<void> {
  for (const table of ['obligations', 'obligation_versions'])
    await tx.execute(
      `UPDATE ${table} SET latest_dated_on = ? WHERE obligation_id = ? ` +
        'AND (latest_dated_on IS NULL OR latest_dated_on < ?)' +
        (table === 'obligation_versions' ? ' AND recorded_until_position IS NULL' : ''),
      [day, obligationId, day],
    );
}

async function openChange(
  tx: SqlExecutor,
  change: {
    readonly obligationId: string;
    readonly changeEventId: string;
    readonly kind: 'adjustment' | 'waiver' | 'dispute';
    readonly effectiveOn: string;
    readonly endedOn: string | null;
    readonly amount: Money;
  },
  position: number,
): Promise<void> {
  await tx.execute(
    'INSERT INTO obligation_changes (obligation_id, change_event_id, kind, effective_on, ' +
      'ended_on, amount_minor, recorded_from_position) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [
      change.obligationId,
      change.changeEventId,
      change.kind,
      change.effectiveOn,
      change.endedOn,
      minorOf(change.amount),
      position,
    ],
  );
  for (const day of [change.effectiveOn, change.endedOn])
    if (day !== null) await markDated(tx, change.obligationId, day);
}

const closeChange = (
  tx: SqlExecutor,
  obligationId: string,
  changeEventId: string,
  position: number,
): Promise<unknown> =>
  tx.execute(
    'UPDATE obligation_changes SET recorded_until_position = ? WHERE obligation_id = ? ' +
      'AND change_event_id = ? AND recorded_until_position IS NULL',
    [position, obligationId, changeEventId],
  );

/**
 * An adjustment or a waiver the event made, with the day it applies from (`adjustedOn`,
 * `waivedOn`: the state keeps only their sum), or the one its reversal took back. The state says
 * whether the event took effect; the day is read from the event itself.
 */
async function recordAdjustmentsAndWaivers(
  tx: SqlExecutor,
  event: RecordedEvent,
  before: AgreementState,
  after: AgreementState,
): Promise<void> {
  const made = after.entries.get(event.eventId);
  if (
    (made?.kind === 'adjustment' || made?.kind === 'waiver') &&
    !before.entries.has(event.eventId) &&
    after.obligations.get(made.obligationId) !== before.obligations.get(made.obligationId)
  ) {
    const data = event.data as { adjustedOn?: unknown; waivedOn?: unknown };
    await openChange(
      tx,
      {
        obligationId: made.obligationId,
        changeEventId: event.eventId,
        kind: made.kind,
        effectiveOn: String(made.kind === 'adjustment' ? data.adjustedOn : data.waivedOn),
        endedOn: null,
        amount: made.kind === 'adjustment' ? made.difference : made.amount,
      },
      event.globalPosition,
    );
  }
  const { reversedEventId } = event.data as { reversedEventId?: unknown };
  if (typeof reversedEventId !== 'string') return;
  const reversed = after.entries.get(reversedEventId);
  if (
    (reversed?.kind === 'adjustment' || reversed?.kind === 'waiver') &&
    after.reversedEventIds.has(reversedEventId) &&
    !before.reversedEventIds.has(reversedEventId)
  )
    await closeChange(tx, reversed.obligationId, reversedEventId, event.globalPosition);
}

const disputeKey = (dispute: DisputeInterval): string =>
  JSON.stringify([dispute.disputeEventId, dispute.resolvedOn]);

/** Closes the disputes an event changed (resolved) and records them as they now are. */
async function recordDisputes(
  tx: SqlExecutor,
  before: Obligation | undefined,
  after: Obligation,
  position: number,
): Promise<void> {
  if (before?.disputes === after.disputes) return;
  const was = new Set((before?.disputes ?? []).map(disputeKey));
  for (const dispute of after.disputes) {
    if (was.has(disputeKey(dispute))) continue;
    await closeChange(tx, after.obligationId, dispute.disputeEventId, position);
    await openChange(
      tx,
      {
        obligationId: after.obligationId,
        changeEventId: dispute.disputeEventId,
        kind: 'dispute',
        effectiveOn: dispute.disputedOn,
        endedOn: dispute.resolvedOn,
        amount: dispute.amount,
      },
      position,
    );
  }
}
