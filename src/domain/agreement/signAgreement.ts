import { formatMoney } from '../money';
import { dueOnOf } from '../payments/dueOn';
import { calendarQuarterEndOf } from '../dates';
import { DomainError } from '../domainError';
import { emit, type AgreementEvent } from './agreementEvent';
import type { AgreementState } from './agreementState';
import type { CommandOf } from './commands';
import { parseTerms } from './terms';

/**
 * Signing records the full terms (checked: impossible terms are refused with a pointer to the
 * clause) and, when the terms have an upfront fee, the fee as an obligation due N days after
 * signing.
 */
export function signAgreement(
  command: CommandOf<'SignAgreement'>,
  state: AgreementState,
): AgreementEvent[] {
  if (state.agreementId !== null) {
    throw new DomainError('already-signed', `agreement ${state.agreementId} is already signed`);
  }
  const terms = parseTerms(command.terms);
  const signedId = command.idFor('AgreementSigned');
  const events = [
    emit(signedId, 'AgreementSigned', { agreementId: terms.agreementId, terms: command.terms }),
  ];
  const fee = terms.upfrontFee;
  if (fee !== undefined) {
    const dueOn = dueOnOf(fee.payment, {
      achievedOn: terms.signedOn,
      periodEndsOn: calendarQuarterEndOf(terms.signedOn),
    });
    events.push(
      emit(command.idFor('UpfrontFeeDue'), 'UpfrontFeeDue', {
        agreementId: terms.agreementId,
        termsEventId: signedId,
        causedByEventId: signedId,
        dueOn: dueOn ?? null,
        amount: formatMoney(fee.amount),
        signedOn: terms.signedOn,
      }),
    );
  }
  return events;
}
