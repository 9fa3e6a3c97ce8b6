import { parseMoney, type MoneyJson } from '../src/domain/money';
import type { RecordedEvent } from '../src/eventstore/eventStore';
import type { SqlExecutor, SqlParameter } from '../src/readstore/readStore';
import { domainEventOf } from '../src/application/storedEvents';
import { agreementIdOfStream } from './agreementStates';
import { minorOf } from './obligations';
import { insertRows } from './insertRows';
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
    const batch = new PaymentBatch(tx);
    for (const event of events) {
      const agreementId = agreementIdOfStream(event.streamId);
      if (agreementId === undefined || !HANDLED.has(event.type)) continue;
      await applyEvent(batch, agreementId, event);
    }
    await batch.flush();
  },
};

const HANDLED = new Set<string>(HANDLED_TYPES);

const PAYMENT_COLUMNS = `payment_event_id, agreement_id, payer_party_id, payee_party_id, currency,
  amount_minor, applied_minor, received_on, reference, reversed, position, reversed_position`;
const ALLOCATION_COLUMNS = `applied_by_event_id, obligation_id, agreement_id, payment_event_id,
  credit_obligation_id, currency, amount_minor, applied_on, reversed, position`;

/** A payment received in this batch, not written yet: what the batch applied to it, reversed it. */
interface ReceivedPayment {
  readonly paymentEventId: string;
  readonly agreementId: string;
  readonly payerPartyId: string;
  readonly payeePartyId: string;
  readonly currency: string;
  readonly amountMinor: number;
  readonly receivedOn: string;
  readonly reference: string | null;
  readonly position: number;
  appliedMinor: number;
  reversedPosition: number | null;
}

/**
 * The writes of one batch. A payment received in the batch is inserted at its end with what the
 * rest of the batch applied to it (and its reversal), instead of inserted and then updated row by
 * row; allocations are inserted many to a statement. The rows come out as the events applied one
 * by one would leave them: a later batch updates them as before.
 */
class PaymentBatch {
  private readonly received = new Map<string, ReceivedPayment>();
  private allocations: SqlParameter[][] = [];

  constructor(readonly tx: SqlExecutor) {}

  receive(payment: Omit<ReceivedPayment, 'appliedMinor' | 'reversedPosition'>): void {
    this.received.set(payment.paymentEventId, {
      ...payment,
      appliedMinor: 0,
      reversedPosition: null,
    });
  }

  allocate(row: SqlParameter[]): void {
    this.allocations.push(row);
  }

  async addApplied(paymentEventId: string, amountMinor: number): Promise<void> {
    const pending = this.received.get(paymentEventId);
    if (pending !== undefined) pending.appliedMinor += amountMinor;
    else
      await this.tx.execute(
        'UPDATE payments SET applied_minor = applied_minor + ? WHERE payment_event_id = ?',
        [amountMinor, paymentEventId],
      );
  }

  async reversePayment(paymentEventId: string, position: number): Promise<void> {
    const pending = this.received.get(paymentEventId);
    if (pending !== undefined) pending.reversedPosition ??= position;
    else
      await this.tx.execute(
        'UPDATE payments SET reversed = 1, reversed_position = COALESCE(reversed_position, ?) ' +
          'WHERE payment_event_id = ?',
        [position, paymentEventId],
      );
  }

  /** The allocations written so far, for a reversal to read them. */
  async writeAllocations(): Promise<void> {
    await insertRows(this.tx, 'payment_allocations', ALLOCATION_COLUMNS, this.allocations);
    this.allocations = [];
  }

  async flush(): Promise<void> {
    await this.writeAllocations();
    const rows = [...this.received.values()].map((payment) => [
      payment.paymentEventId,
      payment.agreementId,
      payment.payerPartyId,
      payment.payeePartyId,
      payment.currency,
      payment.amountMinor,
      payment.appliedMinor,
      payment.receivedOn,
      payment.reference,
      payment.reversedPosition === null ? 0 : 1,
      payment.position,
      payment.reversedPosition,
    ]);
    await insertRows(this.tx, 'payments', PAYMENT_COLUMNS, rows);
    this.received.clear();
  }
}

async function applyEvent(batch: PaymentBatch, agreementId: string, event: RecordedEvent) {
  // Read through the catalogue: an older schema version is upcast first.
  const data = domainEventOf(event).data as unknown as Record<string, unknown>;
  switch (event.type) {
    case 'PaymentReceived': {
      const amount = data.amount as MoneyJson;
      batch.receive({
        paymentEventId: event.eventId,
        agreementId,
        payerPartyId: data.payerPartyId as string,
        payeePartyId: data.payeePartyId as string,
        currency: amount.currency,
        amountMinor: minor(amount),
        receivedOn: data.receivedOn as string,
        reference: (data.reference as string | undefined) ?? null,
        position: event.globalPosition,
      });
      return;
    }
    case 'PaymentApplied': {
      const allocations = data.allocations as { obligationId: string; amount: MoneyJson }[];
      const paymentEventId = (data.paymentEventId as string | undefined) ?? null;
      let total = 0;
      for (const allocation of allocations) {
        total += minor(allocation.amount);
        batch.allocate([
          event.eventId,
          allocation.obligationId,
          agreementId,
          paymentEventId,
          (data.creditObligationId as string | undefined) ?? null,
          allocation.amount.currency,
          minor(allocation.amount),
          (data.appliedOn as string | undefined) ?? null,
          0,
          event.globalPosition,
        ]);
      }
      if (paymentEventId !== null) await batch.addApplied(paymentEventId, total);
      return;
    }
    case 'EntryReversed': {
      const reversedId = data.reversedEventId as string;
      if (data.reversedEventType === 'PaymentReceived') {
        await batch.reversePayment(reversedId, event.globalPosition);
      } else if (data.reversedEventType === 'PaymentApplied') {
        await batch.writeAllocations();
        const { tx } = batch;
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
            await batch.addApplied(row.payment_event_id, -Number(row.amount_minor));
      }
      return;
    }
    default:
      return;
  }
}
