import { DomainError } from '../domainError';
import type { AgreementEvent } from './agreementEvent';
import type { AgreementState } from './agreementState';
import type { CommandOf } from './commands';

/** Not built yet: refused with a stable code rather than half-applied. */
export function accrueLateInterest(
  _command: CommandOf<'AccrueLateInterest'>,
  _state: AgreementState,
): AgreementEvent[] {
  throw new DomainError('not-implemented', 'late interest is not decided yet');
}
