import type { BusinessDate } from '../dates';
import { money, subtract, type Money } from '../money';

/** What an obligation is for: one kind per event that creates obligations. */
export type ObligationKind =
  | 'upfront-fee'
  | 'milestone'
  | 'royalty'
  | 'minimum-royalty-shortfall'
  | 'late-interest'
  | 'audit-shortfall'
  | 'audit-cost';

/** An obligation that may receive a payment, as the payment rules see it. */
export interface OpenObligation {
  readonly obligationId: string;
  readonly kind: ObligationKind;
  readonly amountDue: Money;
  readonly amountPaid: Money;
  readonly dueOn: BusinessDate;
  /** Disputed in good faith: an unnamed payment passes it by, and it bears no late interest. */
  readonly disputed: boolean;
  /**
   * The part under dispute, when only part is: an unnamed payment still takes the rest. Absent
   * for a disputed obligation, the whole balance is disputed.
   */
  readonly disputedAmount?: Money;
  /** Waived by the payee: an unnamed payment passes it by. */
  readonly waived?: boolean;
}

/** What is still owed: the amount due less what was paid, never below zero. */
export function openBalanceOf(obligation: OpenObligation): Money {
  const balance = subtract(obligation.amountDue, obligation.amountPaid);
  return balance.amountMinor > 0n ? balance : money(0n, balance.currency);
}

/** What an unnamed payment may take: the open balance less the part under dispute. */
export function undisputedBalanceOf(obligation: OpenObligation): Money {
  const balance = openBalanceOf(obligation);
  if (!obligation.disputed) return balance;
  if (obligation.disputedAmount === undefined) return money(0n, balance.currency);
  const undisputed = subtract(balance, obligation.disputedAmount);
  return undisputed.amountMinor > 0n ? undisputed : money(0n, balance.currency);
}
