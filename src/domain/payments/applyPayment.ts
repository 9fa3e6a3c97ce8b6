import { compareDates, type BusinessDate } from '../dates';
import { DomainError } from '../domainError';
import { minMoney, subtract, type Money } from '../money';
import { openBalanceOf, undisputedBalanceOf, type OpenObligation } from './openObligation';

export interface ReceivedPayment {
  readonly amount: Money;
  readonly receivedOn: BusinessDate;
  /** The obligations the remittance names, to be settled first and in this order. */
  readonly obligationIds?: readonly string[];
}

export interface PaymentApplication {
  readonly obligationId: string;
  readonly amount: Money;
}

export interface PaymentAllocation {
  /** In the order the payment was applied; each obligation at most once, each amount positive. */
  readonly applications: readonly PaymentApplication[];
  /** What no open obligation could take: the payer's credit, to apply or refund later. */
  readonly unappliedCredit: Money;
}

/**
 * Applies a payment to open obligations: first to those it names, in the order named, then to the
 * others by oldest due date (ties by obligation id, so the result never depends on how the list
 * was ordered), whether already due or not. Waived obligations, and the disputed part of an
 * obligation (all of it when no disputed amount is given), take only a payment that names them. No obligation receives more than its open balance; a partial payment leaves an
 * exact balance, and what is left over becomes an unapplied credit. Sum of applications + credit =
 * the payment, always.
 */
export function applyPayment(
  payment: ReceivedPayment,
  open: readonly OpenObligation[],
): PaymentAllocation {
  check(payment, open);
  const named = payment.obligationIds ?? [];
  const byId = new Map(open.map((o) => [o.obligationId, o]));
  const oldestFirst = open
    .filter((o) => !named.includes(o.obligationId) && !o.waived)
    .sort(
      (a, b) =>
        compareDates(a.dueOn, b.dueOn) ||
        (a.obligationId < b.obligationId ? -1 : a.obligationId > b.obligationId ? 1 : 0),
    );
  const order = [...new Set(named)]
    .map((id) => ({ obligation: byId.get(id)!, takes: openBalanceOf(byId.get(id)!) }))
    .concat(oldestFirst.map((o) => ({ obligation: o, takes: undisputedBalanceOf(o) })));

  let remaining = payment.amount;
  const applications: PaymentApplication[] = [];
  for (const { obligation, takes } of order) {
    if (remaining.amountMinor === 0n) break;
    const amount = minMoney(takes, remaining);
    if (amount.amountMinor === 0n) continue;
    applications.push({ obligationId: obligation.obligationId, amount });
    remaining = subtract(remaining, amount);
  }
  return { applications, unappliedCredit: remaining };
}

function check(payment: ReceivedPayment, open: readonly OpenObligation[]): void {
  if (payment.amount.amountMinor < 0n) {
    throw new DomainError('invalid-payment', 'a payment cannot be negative', '/amount');
  }
  for (const obligation of open) {
    if (obligation.amountDue.currency !== payment.amount.currency) {
      throw new DomainError(
        'currency-mismatch',
        `a payment in ${payment.amount.currency} cannot settle ${obligation.obligationId}, owed in ${obligation.amountDue.currency}`,
        '/amount/currency',
      );
    }
  }
  (payment.obligationIds ?? []).forEach((obligationId, index) => {
    if (!open.some((o) => o.obligationId === obligationId)) {
      throw new DomainError(
        'unknown-obligation',
        `${obligationId} is not an open obligation of this agreement`,
        `/obligationIds/${index}`,
      );
    }
  });
}
