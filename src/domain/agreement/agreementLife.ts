import { businessDate } from '../dates';
import { DomainError } from '../domainError';
import { emit, type AgreementEvent } from './agreementEvent';
import type { AgreementState } from './agreementState';
import type { CommandOf } from './commands';
import { signedAgreementId } from './guards';
import { parseTerms } from './terms';
import { currentTerms } from './termsAt';

/**
 * An amendment records the complete amended terms from its effective date. It never rewrites an
 * obligation already recorded: where it changes one, an ObligationAdjusted refers to it.
 */
export function amendAgreement(
  command: CommandOf<'AmendAgreement'>,
  state: AgreementState,
): AgreementEvent[] {
  const agreementId = signedAgreementId(state);
  requireNotTerminated(state);
  const signed = currentTerms(state).terms;
  const terms = parseTerms(command.terms);
  if (terms.agreementId !== agreementId) {
    throw new DomainError(
      'wrong-agreement',
      `the terms are those of agreement ${terms.agreementId}`,
      '/terms/agreementId',
    );
  }
  if (terms.signedOn !== signed.signedOn) {
    throw new DomainError(
      'signing-date-changed',
      `terms.signedOn stays the original signing date ${signed.signedOn}`,
      '/terms/signedOn',
    );
  }
  if (terms.paymentCurrency !== signed.paymentCurrency) {
    throw new DomainError(
      'payment-currency-changed',
      `obligations are in ${signed.paymentCurrency}; an amendment cannot change the payment currency`,
      '/terms/paymentCurrency',
    );
  }
  businessDate(command.effectiveOn, '/effectiveOn');
  const { type: _type, now: _now, actor: _actor, idFor, ...fields } = command;
  return [emit(idFor('AgreementAmended'), 'AgreementAmended', { ...fields, agreementId })];
}

export function terminateAgreement(
  command: CommandOf<'TerminateAgreement'>,
  state: AgreementState,
): AgreementEvent[] {
  const agreementId = signedAgreementId(state);
  requireNotTerminated(state);
  const { type: _type, now: _now, actor: _actor, idFor, ...fields } = command;
  return [emit(idFor('AgreementTerminated'), 'AgreementTerminated', { ...fields, agreementId })];
}

export function assignPayee(
  command: CommandOf<'AssignPayee'>,
  state: AgreementState,
): AgreementEvent[] {
  const agreementId = signedAgreementId(state);
  const { type: _type, now: _now, actor: _actor, idFor, ...fields } = command;
  return [emit(idFor('PayeeAssigned'), 'PayeeAssigned', { ...fields, agreementId })];
}

function requireNotTerminated(state: AgreementState): void {
  if (state.terminatedOn !== null) {
    throw new DomainError(
      'agreement-terminated',
      `the agreement was terminated on ${state.terminatedOn}`,
    );
  }
}
