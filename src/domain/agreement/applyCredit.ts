import { businessDate, compareDates, laterOf, type BusinessDate } from '../dates';
import { DomainError } from '../domainError';
import { formatMoney, negate, type Money } from '../money';
import { applyPayment } from '../payments/applyPayment';
import type { OpenObligation } from '../payments/openObligation';
import { emit, type AgreementEvent } from './agreementEvent';
import type { AgreementState, CreditSource } from './agreementState';
import type { CommandOf } from './commands';
import { evolve } from './evolve';
import { signedAgreementId } from './guards';
import { balanceOf, openObligationOf, type Obligation } from './obligation';
import { payeeOf } from './payeeOf';

/**
 * Applies the credits the payer holds (the credit left from its payments, then credit notes such
 * as downward restatements) to open obligations, by the rules a payment follows: the ones named
 * first, then the others oldest due first. One PaymentApplied per credit, dated `appliedOn`.
 */
export function applyCredit(
  command: CommandOf<'ApplyCredit'>,
  state: AgreementState,
): AgreementEvent[] {
  const agreementId = signedAgreementId(state);
  const named = command.obligationIds ?? [];
  requireKnownObligations(state, named, '/obligationIds');
  return creditApplications(state, {
    agreementId,
    appliedOn: businessDate(command.appliedOn, '/appliedOn'),
    obligationIds: named,
    idFor: command.idFor,
  });
}

export function requireKnownObligations(
  state: AgreementState,
  obligationIds: readonly string[],
  pointer: string,
): void {
  obligationIds.forEach((obligationId, index) => {
    if (!state.obligations.has(obligationId)) {
      throw new DomainError(
        'unknown-obligation',
        `${obligationId} is not an obligation of this agreement`,
        `${pointer}/${index}`,
      );
    }
  });
}

/** A credit the payer holds: what is left of it, and the payee whose obligations it may settle. */
interface HeldCredit {
  readonly source: CreditSource;
  readonly available: Money;
  readonly payeePartyId: string | undefined;
  /** The first day it was held: a payment's value date; for a credit note, creditNoteHeldFrom. */
  readonly heldFrom: BusinessDate;
}

/**
 * The credits held on `day`: payments' credit in the order received, then credit notes oldest due
 * first. A credit is never applied on a day before it was held (a payment recorded late with an
 * earlier value date cannot use the credit of a later one), so every application counts, in
 * valid time, only from a day its money existed.
 */
function heldCredits(state: AgreementState, day: BusinessDate): HeldCredit[] {
  const payments = [...state.payments.entries()]
    .filter(([, p]) => p.unapplied.amountMinor > 0n)
    .map(([paymentEventId, p]): HeldCredit => ({
      source: { kind: 'payment', paymentEventId },
      available: p.unapplied,
      payeePartyId: p.payeePartyId,
      heldFrom: p.receivedOn,
    }));
  const notes = [...state.obligations.values()]
    .filter((o) => !o.reversed && balanceOf(o).amountMinor < 0n)
    .sort((a, b) => compareDates(a.dueOn ?? a.arisesOn, b.dueOn ?? b.arisesOn))
    .map((o): HeldCredit => ({
      source: { kind: 'credit-note', obligationId: o.obligationId },
      available: negate(balanceOf(o)),
      payeePartyId: payeeOf(state, o)?.partyId,
      heldFrom: creditNoteHeldFrom(o),
    }));
  return [...payments, ...notes].filter((credit) => compareDates(credit.heldFrom, day) <= 0);
}

/**
 * From when an obligation whose balance is negative holds that credit: from the day it arose (a
 * credit note, such as a downward restatement of its period's royalty), and no earlier than the
 * last payment applied to it (an obligation overpaid once a correction lowered it: the money
 * that overpays it came with that payment).
 */
function creditNoteHeldFrom(obligation: Obligation): BusinessDate {
  return obligation.payments
    .filter((payment) => payment.amount.amountMinor > 0n)
    .reduce((latest, payment) => laterOf(latest, payment.paidOn), obligation.arisesOn);
}

/** Obligations a payment or credit may settle: live, with something still owed. */
export function openObligations(
  state: AgreementState,
  payeePartyId?: string,
  currency?: string,
): OpenObligation[] {
  return [...state.obligations.values()]
    .filter(
      (o) =>
        !o.reversed &&
        (payeePartyId === undefined || payeeOf(state, o)?.partyId === payeePartyId) &&
        (currency === undefined || o.amount.currency === currency),
    )
    .map(openObligationOf)
    .filter((o) => o.amountDue.amountMinor > o.amountPaid.amountMinor);
}

/**
 * The PaymentApplied of each credit held on `appliedOn` that an open obligation of the same payee
 * and currency can take. Each is decided on the state the ones before it made, so none is applied
 * twice.
 */
export function creditApplications(
  state: AgreementState,
  options: {
    readonly agreementId: string;
    readonly appliedOn: BusinessDate;
    readonly obligationIds: readonly string[];
    readonly idFor: (key: string) => string;
  },
): AgreementEvent[] {
  const events: AgreementEvent[] = [];
  let current = state;
  for (const credit of heldCredits(state, options.appliedOn)) {
    const open = openObligations(current, credit.payeePartyId, credit.available.currency);
    const openIds = new Set(open.map((o) => o.obligationId));
    const allocation = applyPayment(
      {
        amount: credit.available,
        receivedOn: options.appliedOn,
        obligationIds: options.obligationIds.filter((id) => openIds.has(id)),
      },
      open,
    );
    if (allocation.applications.length === 0) continue;
    const sourceId =
      credit.source.kind === 'payment' ? credit.source.paymentEventId : credit.source.obligationId;
    const event = emit(options.idFor(`PaymentApplied:credit:${sourceId}`), 'PaymentApplied', {
      agreementId: options.agreementId,
      ...(credit.source.kind === 'payment'
        ? { paymentEventId: credit.source.paymentEventId }
        : { creditObligationId: credit.source.obligationId }),
      appliedOn: options.appliedOn,
      available: formatMoney(credit.available),
      allocations: allocation.applications.map((a) => ({
        obligationId: a.obligationId,
        amount: formatMoney(a.amount),
      })),
      unapplied: formatMoney(allocation.unappliedCredit),
    });
    events.push(event);
    current = evolve(current, event);
  }
  return events;
}
