import { compareDates, isOnOrBefore } from '../dates';
import type { AgreementState, PayeeAssignment } from './agreementState';
import type { Obligation } from './obligation';
import type { Party } from './terms';
import { termsVersion } from './termsAt';

/**
 * Who receives an obligation's cash: the latest PayeeAssignment of its kind effective on or before
 * the day it arose, else the licensor. Late interest follows the obligation it is charged on.
 */
export function payeeOf(state: AgreementState, obligation: Obligation): Party | undefined {
  const charged =
    obligation.chargedOnObligationId === undefined
      ? obligation
      : (state.obligations.get(obligation.chargedOnObligationId) ?? obligation);
  let chosen: PayeeAssignment | undefined;
  for (const assignment of state.payees) {
    const covers =
      assignment.obligationKinds === 'all' || assignment.obligationKinds.includes(charged.kind);
    if (!covers || !isOnOrBefore(assignment.effectiveOn, charged.arisesOn)) continue;
    if (chosen === undefined || compareDates(assignment.effectiveOn, chosen.effectiveOn) >= 0) {
      chosen = assignment;
    }
  }
  return chosen?.payee ?? termsVersion(state, charged.termsEventId)?.terms.licensor;
}
