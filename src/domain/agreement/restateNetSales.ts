import { DomainError } from '../domainError';
import type { AgreementEvent } from './agreementEvent';
import type { AgreementState } from './agreementState';
import type { CommandOf } from './commands';

/** Not built yet: refused with a stable code rather than half-applied. */
export function restateNetSales(
  _command: CommandOf<'RestateNetSales'>,
  _state: AgreementState,
): AgreementEvent[] {
  throw new DomainError('not-implemented', 'restatements are not decided yet');
}
