import { DomainError } from '../domainError';
import { add, compareMoney, parseMoney, type Money } from '../money';
import { emit, type AgreementEvent } from './agreementEvent';
import type { AgreementState } from './agreementState';
import type { CommandOf } from './commands';
import { liveObligation, signedAgreementId } from './guards';
import { amountDueOf, amountPaidOf, balanceOf, type Obligation } from './obligation';

// Corrections are new entries that name what they correct, with a reason: nothing is edited.

export function waiveObligation(
  command: CommandOf<'WaiveObligation'>,
  state: AgreementState,
): AgreementEvent[] {
  const agreementId = signedAgreementId(state);
  const obligation = liveObligation(state, command.obligationId);
  requireWithinBalance(obligation, parseMoney(command.amount, '/amount'), 'waived');
  const { type: _type, now: _now, actor: _actor, idFor, ...fields } = command;
  return [emit(idFor('ObligationWaived'), 'ObligationWaived', { ...fields, agreementId })];
}

export function disputeObligation(
  command: CommandOf<'DisputeObligation'>,
  state: AgreementState,
): AgreementEvent[] {
  const agreementId = signedAgreementId(state);
  const obligation = liveObligation(state, command.obligationId);
  const amount = parseMoney(command.amount, '/amount');
  if (compareMoney(add(obligation.disputed, amount), balanceOf(obligation)) > 0) {
    throw new DomainError(
      'dispute-exceeds-balance',
      `only ${balanceOf(obligation).amountMinor} minor units of ${obligation.obligationId} are open and not yet disputed`,
      '/amount',
    );
  }
  const { type: _type, now: _now, actor: _actor, idFor, ...fields } = command;
  return [emit(idFor('ObligationDisputed'), 'ObligationDisputed', { ...fields, agreementId })];
}

export function resolveDispute(
  command: CommandOf<'ResolveDispute'>,
  state: AgreementState,
): AgreementEvent[] {
  const agreementId = signedAgreementId(state);
  const dispute = state.openDisputes.get(command.disputeEventId);
  if (dispute === undefined) {
    throw new DomainError(
      'unknown-dispute',
      `${command.disputeEventId} is not an open dispute of this agreement`,
      '/disputeEventId',
    );
  }
  const { type: _type, now: _now, actor: _actor, idFor, ...fields } = command;
  return [
    emit(idFor('ObligationDisputeResolved'), 'ObligationDisputeResolved', {
      ...fields,
      agreementId,
      obligationId: dispute.obligationId,
    }),
  ];
}

/** A signed difference; the amount owed never falls below what was already paid or zero. */
export function adjustObligation(
  command: CommandOf<'AdjustObligation'>,
  state: AgreementState,
): AgreementEvent[] {
  const agreementId = signedAgreementId(state);
  const obligation = liveObligation(state, command.obligationId);
  const difference = parseMoney(command.difference, '/difference');
  if (difference.amountMinor === 0n)
    throw new DomainError('zero-adjustment', 'an adjustment changes the amount', '/difference');
  if (add(amountDueOf(obligation), difference).amountMinor < amountPaidOf(obligation).amountMinor) {
    throw new DomainError(
      'adjustment-below-paid',
      'the adjusted amount would be less than what was paid: reverse the payment application first',
      '/difference',
    );
  }
  const { type: _type, now: _now, actor: _actor, idFor, ...fields } = command;
  return [emit(idFor('ObligationAdjusted'), 'ObligationAdjusted', { ...fields, agreementId })];
}

/**
 * Cancels an entry as if it had never taken effect: an obligation (none may have been paid on it),
 * an adjustment, a waiver or a payment application. A reversal is not itself reversed.
 */
export function reverseEntry(
  command: CommandOf<'ReverseEntry'>,
  state: AgreementState,
): AgreementEvent[] {
  const agreementId = signedAgreementId(state);
  const { reversedEventId } = command;
  const entry = state.entries.get(reversedEventId);
  if (entry === undefined) {
    throw new DomainError(
      'not-reversible',
      `${reversedEventId} is not an entry of this agreement that can be reversed`,
      '/reversedEventId',
    );
  }
  if (state.reversedEventIds.has(reversedEventId)) {
    throw new DomainError(
      'already-reversed',
      `${reversedEventId} was already reversed`,
      '/reversedEventId',
    );
  }
  let reversedEventType: string;
  switch (entry.kind) {
    case 'obligation': {
      const obligation = liveObligation(state, entry.obligationId, '/reversedEventId');
      if (amountPaidOf(obligation).amountMinor !== 0n) {
        throw new DomainError(
          'obligation-has-payments',
          'payments were applied to it: reverse their applications first',
          '/reversedEventId',
        );
      }
      reversedEventType = createdBy(obligation);
      break;
    }
    case 'adjustment':
      reversedEventType = 'ObligationAdjusted';
      break;
    case 'waiver':
      reversedEventType = 'ObligationWaived';
      break;
    case 'payment-application':
      reversedEventType = 'PaymentApplied';
      break;
    default: {
      const _exhaustive: never = entry;
      return _exhaustive;
    }
  }
  return [
    emit(command.idFor('EntryReversed'), 'EntryReversed', {
      agreementId,
      reversedEventId,
      reversedEventType,
      reason: command.reason,
    }),
  ];
}

function requireWithinBalance(obligation: Obligation, amount: Money, what: string): void {
  if (compareMoney(amount, balanceOf(obligation)) > 0) {
    throw new DomainError(
      'exceeds-balance',
      `more than the open balance of ${obligation.obligationId} cannot be ${what}`,
      '/amount',
    );
  }
}

function createdBy(obligation: Obligation): string {
  switch (obligation.kind) {
    case 'upfront-fee':
      return 'UpfrontFeeDue';
    case 'milestone':
      return 'MilestoneTriggered';
    case 'royalty':
      return 'RoyaltyAccrued';
    case 'minimum-royalty-shortfall':
      return 'MinimumRoyaltyShortfallAssessed';
    case 'late-interest':
      return 'LateInterestAccrued';
    case 'audit-shortfall':
      return 'AuditShortfallAssessed';
    case 'audit-cost':
      return 'AuditCostShifted';
    default: {
      const _exhaustive: never = obligation.kind;
      return _exhaustive;
    }
  }
}
