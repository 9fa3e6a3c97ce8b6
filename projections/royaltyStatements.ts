import { parseMoney, type MoneyJson } from '../src/domain/money';
import type { RecordedEvent } from '../src/eventstore/eventStore';
import { canonicalJson } from '../src/eventstore/json';
import type { SqlExecutor, SqlParameter } from '../src/readstore/readStore';
import { domainEventOf } from '../src/application/storedEvents';
import { agreementIdOfStream } from './agreementStates';
import { minorOf } from './obligations';
import { insertRows } from './insertRows';
import type { Projection } from './projection';

const CREATE_TABLES = `
CREATE TABLE royalty_statement_lines (
  event_id TEXT PRIMARY KEY,
  agreement_id TEXT NOT NULL,
  clause_id TEXT NOT NULL,
  product_id TEXT NOT NULL,
  country TEXT NOT NULL,
  period_from TEXT NOT NULL,
  period_to TEXT NOT NULL,
  currency TEXT NOT NULL,
  royalty_minor BIGINT NOT NULL,
  previously_accrued_minor BIGINT NOT NULL,
  amount_minor BIGINT NOT NULL,
  due_on TEXT,
  caused_by_event_id TEXT,
  computation TEXT NOT NULL,
  reversed INTEGER NOT NULL,
  position BIGINT NOT NULL
);
CREATE INDEX royalty_lines_by_position ON royalty_statement_lines (position);
CREATE INDEX royalty_lines_by_agreement ON royalty_statement_lines (agreement_id, period_from, position);
CREATE INDEX royalty_lines_by_product ON royalty_statement_lines (product_id, country, period_from);
`;

const LINE_COLUMNS = [
  'event_id',
  'agreement_id',
  'clause_id',
  'product_id',
  'country',
  'period_from',
  'period_to',
  'currency',
  'royalty_minor',
  'previously_accrued_minor',
  'amount_minor',
  'due_on',
  'caused_by_event_id',
  'computation',
  'reversed',
  'position',
  'reversed_position',
] as const;
const LINE_COLUMN_LIST = LINE_COLUMNS.join(', ');
// Where a reversal in the same batch marks a row of LINE_COLUMNS.
const REVERSED = LINE_COLUMNS.indexOf('reversed');
const REVERSED_POSITION = LINE_COLUMNS.indexOf('reversed_position');

/**
 * Royalty statements: one row per accrual of a statement line (clause x product x country x
 * period), with the computation exactly as the decider recorded it (local net sales, FX rate and
 * converted amount, tier slices, reductions, rounding), what was accrued before for the line
 * (a restatement accrues the difference) and the amount of this entry.
 */
export const royaltyStatementsProjection: Projection = {
  name: 'royalty-statements',
  tables: ['royalty_statement_lines'],
  // What `apply` reads; any other event is skipped (and a rebuild need not read it).
  eventTypes: ['RoyaltyAccrued', 'EntryReversed'],
  migrations: [
    {
      version: 1,
      name: 'royalty statement lines',
      sqlite: CREATE_TABLES,
      postgres: CREATE_TABLES,
    },
    {
      // Lines are only appended; a reversal records its position: record time is a filter.
      version: 2,
      name: 'the position of a reversal (record time)',
      sqlite: 'ALTER TABLE royalty_statement_lines ADD COLUMN reversed_position BIGINT;',
      postgres: 'ALTER TABLE royalty_statement_lines ADD COLUMN reversed_position BIGINT;',
    },
  ],
  async apply(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void> {
    // The lines accrued in this batch, inserted at its end (a reversal in the same batch marks
    // them first): many to a statement, the rows as one event at a time would leave them.
    const accrued = new Map<string, SqlParameter[]>();
    for (const event of events) {
      const agreementId = agreementIdOfStream(event.streamId);
      if (agreementId === undefined) continue;
      if (event.type !== 'RoyaltyAccrued' && event.type !== 'EntryReversed') continue;
      // Read through the catalogue: an older schema version is upcast first.
      const data = domainEventOf(event).data as unknown as Record<string, unknown>;
      if (event.type === 'RoyaltyAccrued') {
        const period = data.period as { from: string; to: string };
        const royalty = data.royalty as MoneyJson;
        accrued.set(event.eventId, [
          event.eventId,
          agreementId,
          data.clauseId as string,
          data.productId as string,
          data.country as string,
          period.from,
          period.to,
          royalty.currency,
          minorOf(parseMoney(royalty)),
          minorOf(parseMoney(data.previouslyAccrued as MoneyJson)),
          minorOf(parseMoney(data.amount as MoneyJson)),
          (data.dueOn as string | undefined) ?? null,
          (data.causedByEventId as string | undefined) ?? null,
          // Read back as stored when no upcast changed it: its keys are in canonical order
          // already, and canonicalJson writes it without a sorted copy.
          canonicalJson(data.computation),
          0,
          event.globalPosition,
          null,
        ]);
      } else if (event.type === 'EntryReversed' && data.reversedEventType === 'RoyaltyAccrued') {
        const reversedId = data.reversedEventId as string;
        const line = accrued.get(reversedId);
        if (line !== undefined) {
          line[REVERSED] = 1;
          line[REVERSED_POSITION] ??= event.globalPosition;
        } else
          await tx.execute(
            'UPDATE royalty_statement_lines SET reversed = 1, ' +
              'reversed_position = COALESCE(reversed_position, ?) WHERE event_id = ?',
            [event.globalPosition, reversedId],
          );
      }
    }
    await insertRows(tx, 'royalty_statement_lines', LINE_COLUMN_LIST, [...accrued.values()]);
  },
};
