import { parseMoney, type MoneyJson } from '../src/domain/money';
import type { RecordedEvent } from '../src/eventstore/eventStore';
import type { SqlExecutor } from '../src/readstore/readStore';
import { domainEventOf } from '../src/application/storedEvents';
import { agreementIdOfStream } from './agreementStates';
import { minorOf } from './obligations';
import type { Projection } from './projection';

const CREATE_TABLES = `
CREATE TABLE payments (
  payment_event_id TEXT PRIMARY KEY,
  agreement_id TEXT NOT NULL,
  payer_party_id TEXT NOT NULL,
  payee_party_id TEXT NOT NULL,
  currency TEXT NOT NULL,
  amount_minor BIGINT NOT NULL,
  applied_minor BIGINT NOT NULL,
  received_on TEXT NOT NULL,
  reference TEXT,
  reversed INTEGER NOT NULL,
  position BIGINT NOT NULL
);
CREATE INDEX payments_by_position ON payments (position);
CREATE INDEX payments_by_agreement ON payments (agreement_id, position);
CREATE INDEX payments_by_payer ON payments (payer_party_id, position);
CREATE INDEX payments_by_payee ON payments (payee_party_id, position);
CREATE TABLE payment_allocations (
  applied_by_event_id TEXT NOT NULL,
  obligation_id TEXT NOT NULL,
  agreement_id TEXT NOT NULL,
  payment_event_id TEXT,
  credit_obligation_id TEXT,
  currency TEXT NOT NULL,
  amount_minor BIGINT NOT NULL,
  applied_on TEXT,
  reversed INTEGER NOT NULL,
  position BIGINT NOT NULL,
  PRIMARY KEY (applied_by_event_id, obligation_id)
);
CREATE INDEX allocations_by_payment ON payment_allocations (payment_event_id, position);
CREATE INDEX allocations_by_obligation ON payment_allocations (obligation_id, position);
`;

/**
 * Rows are only ever appended at their event's position; a reversal marks them reversed and
 * records its own position, so what was known at any position is a filter, never a version.
 */
const REVERSED_POSITION = `
ALTER TABLE payments ADD COLUMN reversed_position BIGINT;
ALTER TABLE payment_allocations ADD COLUMN reversed_position BIGINT;
`;

const minor = (json: MoneyJson): number => minorOf(parseMoney(json));

/** What `apply` reads; any other event is skipped (and a rebuild need not read it). */
const HANDLED_TYPES = ['PaymentReceived', 'PaymentApplied', 'EntryReversed'] as const;

/**
 * The payment history: every payment received, per agreement and per counterparty (payer and
 * payee), and what each application of it settled. A reversed payment or application stays,
 * marked reversed: history is not edited.
 */
export const paymentsProjection: Projection = {
  name: 'payments',
  tables: ['payments', 'payment_allocations'],
  eventTypes: HANDLED_TYPES,
  migrations: [
    { version: 1, name: 'payments', sqlite: CREATE_TABLES, postgres: CREATE_TABLES },
    {
      version: 2,
      name: 'the position of a reversal (record time)',
      sqlite: REVERSED_POSITION,
      postgres: REVERSED_POSITION,
    },
  ],
  async apply(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void> {
    for (const event of events) {
      const agreementId = agreementIdOfStream(event.streamId);
      if (agreementId === undefined) continue;
      await applyEvent(tx, agreementId, event);
    }
  },
};

const HANDLED = new Set<string>(HANDLED_TYPES);

async function applyEvent(tx: SqlExecutor, agreementId: string, event: RecordedEvent) {
  if (!HANDLED.has(event.type)) return;
  // Read through the catalogue: an older schema version is upcast first.
  const data = domainEventOf(event).data as unknown as Record<string, unknown>;
  switch (event.type) {
    case 'PaymentReceived': {
      const amount = data.amount as MoneyJson;
      await tx.execute(
        `INSERT INTO payments (payment_event_id, agreement_id, payer_party_id, payee_party_id,
           currency, amount_minor, applied_minor, received_on, reference, reversed, position)
         VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, 0, ?)`,
        [
          event.eventId,
          agreementId,
          data.payerPartyId as string,
          data.payeePartyId as string,
          amount.currency,
          minor(amount),
          data.receivedOn as string,
          (data.reference as string | undefined) ?? null,
          event.globalPosition,
        ],
      );
      return;
    }
    case 'PaymentApplied': {
      const allocations = data.allocations as { obligationId: string; amount: MoneyJson }[];
      const paymentEventId = (data.paymentEventId as string | undefined) ?? null;
      let total = 0;
      for (const allocation of allocations) {
        total += minor(allocation.amount);
        await tx.execute(
          `INSERT INTO payment_allocations (applied_by_event_id, obligation_id, agreement_id,
             payment_event_id, credit_obligation_id, currency, amount_minor, applied_on, reversed, position)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
          [
            event.eventId,
            allocation.obligationId,
            agreementId,
            paymentEventId,
            (data.creditObligationId as string | undefined) ?? null,
            allocation.amount.currency,
            minor(allocation.amount),
            (data.appliedOn as string | undefined) ?? null,
            event.globalPosition,
          ],
        );
      }
      if (paymentEventId !== null)
        await tx.execute(
          'UPDATE payments SET applied_minor = applied_minor + ? WHERE payment_event_id = ?',
          [total, paymentEventId],
        );
      return;
    }
    case 'EntryReversed': {
      const reversedId = data.reversedEventId as string;
      if (data.reversedEventType === 'PaymentReceived') {
        await tx.execute(
          'UPDATE payments SET reversed = 1, reversed_position = COALESCE(reversed_position, ?) ' +
            'WHERE payment_event_id = ?',
          [event.globalPosition, reversedId],
        );
      } else if (data.reversedEventType === 'PaymentApplied') {
        const rows = await tx.query<{ payment_event_id: string | null; amount_minor: number }>(
          'SELECT payment_event_id, amount_minor FROM payment_allocations WHERE applied_by_event_id = ? AND reversed = 0',
          [reversedId],
        );
        await tx.execute(
          'UPDATE payment_allocations SET reversed = 1, ' +
            'reversed_position = COALESCE(reversed_position, ?) WHERE applied_by_event_id = ?',
          [event.globalPosition, reversedId],
        );
        for (const row of rows)
          if (row.payment_event_id !== null)
            await tx.execute(
              'UPDATE payments SET applied_minor = applied_minor - ? WHERE payment_event_id = ?',
              [row.amount_minor, row.payment_event_id],
            );
      }
      return;
    }
    default:
      return;
  }
}
