import type { BusinessDate } from '../dates';
import type { ObligationKind } from '../events/obligationKinds';
import { add, money, subtract, type Money } from '../money';
import type { OpenObligation } from '../payments/openObligation';
import type { PaymentTerm } from './terms';

/**
 * A payment or credit applied to an obligation: how much, and from when it counts (a payment's
 * value date, or the day a credit was applied). On a negative obligation (a credit note) the
 * amount is negative: the part of its credit used.
 */
export interface AppliedPayment {
  /** The PaymentReceived, or the credit note's obligation id. */
  readonly paymentEventId: string;
  readonly appliedByEventId: string;
  readonly paidOn: BusinessDate;
  readonly amount: Money;
}

/** A dispute of part of an obligation, as raised and (once) resolved: days late interest skips. */
export interface DisputeInterval {
  readonly disputeEventId: string;
  readonly amount: Money;
  readonly disputedOn: BusinessDate;
  readonly resolvedOn: BusinessDate | null;
}

/**
 * One money obligation of the agreement, as its events made it. Its id is the id of the event
 * that created it; nothing here is ever overwritten by a correction, only added to.
 */
export interface Obligation {
  readonly obligationId: string;
  readonly kind: ObligationKind;
  /** The clause behind it; null for late interest (it follows the obligation it is charged on). */
  readonly clauseId: string | null;
  readonly termsEventId: string;
  /** The amount as created. */
  readonly amount: Money;
  /** The sum of the signed differences of ObligationAdjusted. */
  readonly adjustments: Money;
  readonly waived: Money;
  readonly payments: readonly AppliedPayment[];
  /** The part under an open dispute. */
  readonly disputed: Money;
  /** Every dispute raised on it, open or resolved, in the order raised. */
  readonly disputes: readonly DisputeInterval[];
  /** Null until the notice or invoice its payment term counts from is given. */
  readonly dueOn: BusinessDate | null;
  /**
   * From when its due date was known (valid time): the day it arose when it came with one, the
   * day of the notice or invoice its payment term counts from otherwise; null while it has none.
   */
  readonly dueKnownOn: BusinessDate | null;
  readonly payment: PaymentTerm | null;
  /** The day it arose: what a payee assignment's effective date is compared with. */
  readonly arisesOn: BusinessDate;
  readonly reversed: boolean;
  /** The last day late interest was accrued for; none yet. */
  readonly interestAccruedThrough: BusinessDate | null;
  /** For late interest: the obligation it is charged on. */
  readonly chargedOnObligationId?: string;
}

export const amountPaidOf = (obligation: Obligation): Money =>
  obligation.payments.reduce(
    (total, p) => add(total, p.amount),
    money(0n, obligation.amount.currency),
  );

/** What is owed in all: the amount, adjusted, less what was waived (nothing once reversed). */
export function amountDueOf(obligation: Obligation): Money {
  if (obligation.reversed) return money(0n, obligation.amount.currency);
  return subtract(add(obligation.amount, obligation.adjustments), obligation.waived);
}

/** What is still owed: the amount due less what was paid (negative when overpaid). */
export const balanceOf = (obligation: Obligation): Money =>
  subtract(amountDueOf(obligation), amountPaidOf(obligation));

/** Obligations not yet payable sort after every due one when a payment is applied oldest first. */
const NOT_YET_DUE = '9999-12-31' as BusinessDate;

/** The obligation as the payment rules see it. */
export function openObligationOf(obligation: Obligation): OpenObligation {
  return {
    obligationId: obligation.obligationId,
    kind: obligation.kind,
    amountDue: amountDueOf(obligation),
    amountPaid: amountPaidOf(obligation),
    dueOn: obligation.dueOn ?? NOT_YET_DUE,
    disputed: obligation.disputed.amountMinor > 0n,
    disputedAmount: obligation.disputed,
    waived: obligation.waived.amountMinor > 0n && balanceOf(obligation).amountMinor <= 0n,
  };
}
