import { OBLIGATION_COLUMNS } from '../../../projections/obligations';
import type { SqlExecutor } from '../../readstore/readStore';

/** Record time as SQL over a table alias: its versions current at `position`, or now. */
export const recordedSql = (alias: string, position: number | undefined): string =>
  position === undefined
    ? `${alias}.recorded_until_position IS NULL`
    : `${alias}.recorded_from_position <= ${position} AND ` +
      `(${alias}.recorded_until_position IS NULL OR ${alias}.recorded_until_position > ${position})`;

/** The columns valid time moves; every other column is shown as recorded. */
const MOVED_BY_AS_OF = [
  'adjustments_minor',
  'waived_minor',
  'amount_due_minor',
  'amount_paid_minor',
  'open_minor',
  'disputed_minor',
  'due_on',
  'status',
] as const;

/**
 * What an obligation's recorded row counts that had not happened yet on `asOf`, each a
 * correlated look-up of one obligation's rows through its (obligation_id, date) index, run only
 * for an obligation with something dated after `asOf`.
 */
function afterTheDate(asOf: string, position: number | undefined): string {
  // Nothing of the obligation takes effect or ends after its latest dated day: as of a day on
  // or after it (today's reads, mostly), no look-up runs.
  const sumOf = (table: string, amount: string, where: string) =>
    `CAST(CASE WHEN o.latest_dated_on > '${asOf}' THEN COALESCE((SELECT SUM(${amount}) ` +
    `FROM ${table} c WHERE c.obligation_id = o.obligation_id AND ${where} AND ` +
    `${recordedSql('c', position)}), 0) ELSE 0 END AS BIGINT)`;
  const changedAfter = (kind: string) =>
    sumOf(
      'obligation_changes',
      'c.amount_minor',
      `c.kind = '${kind}' AND c.effective_on > '${asOf}'`,
    );
  // Disputed as recorded counts the disputes open now; on the date, those raised by then and not
  // resolved by then: less the open ones raised later, plus the ones resolved later.
  const disputedShift = sumOf(
    'obligation_changes',
    'CASE WHEN c.ended_on IS NULL THEN -c.amount_minor ELSE c.amount_minor END',
    `c.kind = 'dispute' AND ((c.ended_on IS NULL AND c.effective_on > '${asOf}') OR ` +
      `(c.ended_on > '${asOf}' AND c.effective_on <= '${asOf}'))`,
  );
  return (
    `${sumOf('obligation_payments', 'c.amount_minor', `c.paid_on > '${asOf}'`)} AS paid_after, ` +
    `${changedAfter('adjustment')} AS adjusted_after, ` +
    `${changedAfter('waiver')} AS waived_after, ` +
    `${disputedShift} AS disputed_shift`
  );
}

/**
 * The obligations as of business date `asOf` (valid time), as recorded at `position` (now when
 * undefined): a derived table with exactly the columns of `obligations`. Only the obligations
 * arisen on or before the date; their amounts without the adjustments and waivers that apply
 * after it, paid without what was paid after it, disputed by the disputes open on it, the due
 * date only once known (`due_known_on`), and the status those make, by the rules of
 * `obligationStatusOf` (projections/obligations.ts). A reversed obligation stays reversed: a
 * reversal takes its entry out as if it had never taken effect, at every date. Each obligation
 * costs a few index look-ups, so one agreement's view reads only that agreement's rows. The date
 * and the position are validated before they are written into the SQL.
 */
export function obligationsAsOf(asOf: string, position: number | undefined): string {
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(asOf) ||
    (position !== undefined && !Number.isSafeInteger(position))
  )
    throw new Error(`not a date and a position: ${asOf}, ${position}`);
  const table = position === undefined ? 'obligations' : 'obligation_versions';
  const recorded =
    `SELECT o.*, ${afterTheDate(asOf, position)} FROM ${table} o` +
    (position === undefined ? '' : ` WHERE ${recordedSql('o', position)}`);
  const unmoved = (alias: string) =>
    OBLIGATION_COLUMNS.filter((c) => !(MOVED_BY_AS_OF as readonly string[]).includes(c)).map(
      (c) => `${alias}.${c}`,
    );
  const amounts =
    `SELECT ${unmoved('r').join(', ')}, r.status AS recorded_status, ` +
    'CAST(r.adjustments_minor - r.adjusted_after AS BIGINT) AS adjustments_minor, ' +
    'CAST(r.waived_minor - r.waived_after AS BIGINT) AS waived_minor, ' +
    "CAST(CASE WHEN r.status = 'reversed' THEN r.amount_due_minor " +
    'ELSE r.amount_due_minor - r.adjusted_after + r.waived_after END AS BIGINT) AS amount_due_minor, ' +
    'CAST(r.amount_paid_minor - r.paid_after AS BIGINT) AS amount_paid_minor, ' +
    'CAST(r.disputed_minor + r.disputed_shift AS BIGINT) AS disputed_minor, ' +
    `CASE WHEN r.due_known_on <= '${asOf}' THEN r.due_on END AS due_on ` +
    `FROM (${recorded}) r WHERE r.arises_on <= '${asOf}'`;
  const open = 'a.amount_due_minor - a.amount_paid_minor';
  const status =
    "CASE WHEN a.recorded_status = 'reversed' THEN 'reversed' " +
    "WHEN a.disputed_minor > 0 THEN 'disputed' " +
    `WHEN a.amount_due_minor < 0 THEN CASE WHEN ${open} < 0 THEN 'credit' ELSE 'credit-used' END ` +
    `WHEN ${open} <= 0 THEN CASE WHEN a.amount_paid_minor = 0 AND a.waived_minor > 0 ` +
    "THEN 'waived' ELSE 'paid' END " +
    "WHEN a.due_on IS NULL THEN 'accrued' " +
    "WHEN a.amount_paid_minor > 0 THEN 'partially-paid' ELSE 'payable' END";
  const shown = OBLIGATION_COLUMNS.map((c) =>
    c === 'open_minor'
      ? `CAST(${open} AS BIGINT) AS open_minor`
      : c === 'status'
        ? `${status} AS status`
        : `a.${c}`,
  );
  return `(SELECT ${shown.join(', ')} FROM (${amounts}) a) obligations_as_of`;
}

/** An agreement's summary: its obligations, what they earned, what was paid, what is open. */
export interface AgreementTotals {
  readonly obligation_count: number;
  readonly earned_minor: number | string;
  readonly paid_minor: number | string;
  readonly open_minor: number | string;
}

/**
 * The summaries of some agreements as of a date, as recorded at `position`: the sums of their
 * obligations as of the date (one grouped query for a page of agreements, through the
 * obligations' agreement index). An agreement with nothing arisen by then sums to zero.
 */
export async function agreementTotalsAsOf(
  readStore: SqlExecutor,
  agreementIds: readonly string[],
  asOf: string,
  position: number | undefined,
): Promise<Map<string, AgreementTotals>> {
  const totals = new Map<string, AgreementTotals>(
    agreementIds.map((id) => [
      id,
      { obligation_count: 0, earned_minor: 0, paid_minor: 0, open_minor: 0 },
    ]),
  );
  if (agreementIds.length === 0) return totals;
  const rows = await readStore.query<AgreementTotals & { agreement_id: string }>(
    'SELECT agreement_id, COUNT(*) AS obligation_count, ' +
      'CAST(SUM(amount_due_minor) AS BIGINT) AS earned_minor, ' +
      'CAST(SUM(amount_paid_minor) AS BIGINT) AS paid_minor, ' +
      'CAST(SUM(open_minor) AS BIGINT) AS open_minor ' +
      `FROM ${obligationsAsOf(asOf, position)} ` +
      `WHERE agreement_id IN (${agreementIds.map(() => '?').join(', ')}) GROUP BY agreement_id`,
    agreementIds,
  );
  for (const { agreement_id, ...sums } of rows)
    totals.set(agreement_id, { ...sums, obligation_count: Number(sums.obligation_count) });
  return totals;
}
