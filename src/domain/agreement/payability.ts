import { businessDate } from '../dates';
import { DomainError } from '../domainError';
import { formatMoney, sum } from '../money';
import { dueOnAfter } from '../payments/dueOn';
import { emit, type AgreementEvent } from './agreementEvent';
import type { AgreementState } from './agreementState';
import type { CommandOf } from './commands';
import { liveObligation, signedAgreementId } from './guards';
import { balanceOf, type Obligation } from './obligation';
import { currentTerms } from './termsAt';

/**
 * A notice: recorded, and where the obligation's payment term counts from the notice and it has no
 * due date yet, the due date is set N days after it.
 */
export function givePaymentNotice(
  command: CommandOf<'GivePaymentNotice'>,
  state: AgreementState,
): AgreementEvent[] {
  const agreementId = signedAgreementId(state);
  const obligation = liveObligation(state, command.obligationId);
  const noticeId = command.idFor('PaymentNoticeGiven');
  const givenOn = businessDate(command.givenOn, '/givenOn');
  const events = [
    emit(noticeId, 'PaymentNoticeGiven', {
      agreementId,
      obligationId: obligation.obligationId,
      givenOn: command.givenOn,
      givenByPartyId: command.givenByPartyId,
    }),
  ];
  return [
    ...events,
    ...becamePayable(agreementId, obligation, 'notice', noticeId, givenOn, command.idFor),
  ];
}

/** An invoice for open obligations; those payable N days after invoice get their due date. */
export function issueInvoice(
  command: CommandOf<'IssueInvoice'>,
  state: AgreementState,
): AgreementEvent[] {
  const agreementId = signedAgreementId(state);
  const obligations = command.obligationIds.map((id, index) =>
    liveObligation(state, id, `/obligationIds/${index}`),
  );
  const total = sum(obligations.map(balanceOf), currentTerms(state).terms.paymentCurrency);
  if (total.amountMinor <= 0n) {
    throw new DomainError(
      'nothing-to-invoice',
      'the obligations invoiced have nothing left to pay',
      '/obligationIds',
    );
  }
  const invoiceId = command.idFor('InvoiceIssued');
  const issuedOn = businessDate(command.issuedOn, '/issuedOn');
  return [
    emit(invoiceId, 'InvoiceIssued', {
      agreementId,
      invoiceNumber: command.invoiceNumber,
      issuedByPartyId: command.issuedByPartyId,
      obligationIds: command.obligationIds,
      issuedOn: command.issuedOn,
      amount: formatMoney(total),
    }),
    ...obligations.flatMap((o) =>
      becamePayable(agreementId, o, 'invoice', invoiceId, issuedOn, command.idFor),
    ),
  ];
}

function becamePayable(
  agreementId: string,
  obligation: Obligation,
  after: 'notice' | 'invoice',
  causedByEventId: string,
  on: ReturnType<typeof businessDate>,
  idFor: (key: string) => string,
): AgreementEvent[] {
  if (obligation.dueOn !== null || obligation.payment?.after !== after) return [];
  return [
    emit(
      idFor(`${causedByEventId}:${obligation.obligationId}:ObligationBecamePayable`),
      'ObligationBecamePayable',
      {
        agreementId,
        obligationId: obligation.obligationId,
        dueAfter: after,
        causedByEventId,
        dueOn: dueOnAfter(obligation.payment, on),
      },
    ),
  ];
}
