import { businessDate } from '../dates';
import { DomainError } from '../domainError';
import { formatMoney, parseMoney } from '../money';
import { applyPayment } from '../payments/applyPayment';
import { emit, type AgreementEvent } from './agreementEvent';
import type { AgreementState } from './agreementState';
import type { CommandOf } from './commands';
import { creditApplications, openObligations, requireKnownObligations } from './applyCredit';
import { signedAgreementId } from './guards';
import { evolve } from './evolve';
import { currentTerms } from './termsAt';

/**
 * A payment is a fact about money (PaymentReceived), then its application: to the obligations the
 * remittance names, in that order, then to the others oldest due first; each gets at most its
 * open balance and what is left stays the payer's credit. Allocations + credit = the payment.
 * Credits the payer held by the value date are applied first, by the same rules, on that date.
 */
export function recordPayment(
  command: CommandOf<'RecordPayment'>,
  state: AgreementState,
): AgreementEvent[] {
  const agreementId = signedAgreementId(state);
  const amount = parseMoney(command.amount, '/amount');
  const { paymentCurrency } = currentTerms(state).terms;
  if (amount.currency !== paymentCurrency) {
    throw new DomainError(
      'currency-mismatch',
      `payments are in ${paymentCurrency}, not ${amount.currency}`,
      '/amount/currency',
    );
  }
  const named = command.intendedObligationIds ?? [];
  requireKnownObligations(state, named, '/intendedObligationIds');
  const receivedOn = businessDate(command.receivedOn, '/receivedOn');
  // Credits the payer already holds are used first (a licensee pays the net of a credit note).
  const credits = creditApplications(state, {
    agreementId,
    appliedOn: receivedOn,
    obligationIds: named,
    idFor: command.idFor,
  });
  const open = openObligations(credits.reduce(evolve, state));
  const openIds = new Set(open.map((o) => o.obligationId));
  const allocation = applyPayment(
    { amount, receivedOn, obligationIds: named.filter((id) => openIds.has(id)) },
    open,
  );
  const paymentId = command.idFor('PaymentReceived');
  return [
    emit(paymentId, 'PaymentReceived', {
      ...(command.intendedObligationIds && {
        intendedObligationIds: command.intendedObligationIds,
      }),
      agreementId,
      amount: command.amount,
      receivedOn: command.receivedOn,
      payerPartyId: command.payerPartyId,
      payeePartyId: command.payeePartyId,
      reference: command.reference,
    }),
    ...credits,
    emit(command.idFor('PaymentApplied'), 'PaymentApplied', {
      agreementId,
      paymentEventId: paymentId,
      available: formatMoney(amount),
      allocations: allocation.applications.map((a) => ({
        obligationId: a.obligationId,
        amount: formatMoney(a.amount),
      })),
      unapplied: formatMoney(allocation.unappliedCredit),
    }),
  ];
}
