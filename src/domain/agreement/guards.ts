import { isBefore, type BusinessDate } from '../dates';
import { DomainError } from '../domainError';
import type { AgreementState } from './agreementState';
import type { Obligation } from './obligation';

/** The agreement id of a signed agreement; `agreement-not-signed` before signing. */
export function signedAgreementId(state: AgreementState): string {
  if (state.agreementId === null) {
    throw new DomainError('agreement-not-signed', 'the agreement has not been signed');
  }
  return state.agreementId;
}

/**
 * Refuses what would create obligations from a fact dated after the termination: obligations that
 * accrued before it survive, later facts create none.
 */
export function requireInForceOn(
  state: AgreementState,
  date: BusinessDate,
  pointer?: string,
): void {
  if (state.terminatedOn !== null && isBefore(state.terminatedOn, date)) {
    throw new DomainError(
      'agreement-terminated',
      `the agreement was terminated on ${state.terminatedOn}; nothing arises from ${date}`,
      pointer,
    );
  }
}

/** An obligation of this agreement that was not reversed. */
export function liveObligation(
  state: AgreementState,
  obligationId: string,
  pointer = '/obligationId',
): Obligation {
  const obligation = state.obligations.get(obligationId);
  if (obligation === undefined) {
    throw new DomainError(
      'unknown-obligation',
      `${obligationId} is not an obligation of this agreement`,
      pointer,
    );
  }
  if (obligation.reversed) {
    throw new DomainError('obligation-reversed', `${obligationId} was reversed`, pointer);
  }
  return obligation;
}
