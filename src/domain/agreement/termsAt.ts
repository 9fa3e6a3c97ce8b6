import { compareDates, isOnOrBefore, type BusinessDate } from '../dates';
import { DomainError } from '../domainError';
import type { AgreementState, TermsVersion } from './agreementState';

/**
 * The terms that apply to a fact of valid date `date`: the version with the latest effective date
 * on or before it (an amendment recorded later but effective earlier wins from its date), else the
 * signed terms. Throws `agreement-not-signed` before signing.
 */
export function termsAt(state: AgreementState, date: BusinessDate): TermsVersion {
  const [signed] = state.termsHistory;
  if (signed === undefined) {
    throw new DomainError('agreement-not-signed', 'the agreement has not been signed');
  }
  let chosen = signed;
  for (const version of state.termsHistory) {
    if (
      isOnOrBefore(version.effectiveOn, date) &&
      compareDates(version.effectiveOn, chosen.effectiveOn) >= 0
    ) {
      chosen = version;
    }
  }
  return chosen;
}

/** The latest terms recorded (for rules that do not depend on a date, such as the currency). */
export function currentTerms(state: AgreementState): TermsVersion {
  const latest = state.termsHistory[state.termsHistory.length - 1];
  if (latest === undefined) {
    throw new DomainError('agreement-not-signed', 'the agreement has not been signed');
  }
  return latest;
}

export function termsVersion(
  state: AgreementState,
  termsEventId: string,
): TermsVersion | undefined {
  return state.termsHistory.find((version) => version.termsEventId === termsEventId);
}
