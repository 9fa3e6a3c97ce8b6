import { z } from 'zod';

/** What an obligation is for; each kind is created by one derived event. */
export const OBLIGATION_KINDS = [
  'upfront-fee',
  'milestone',
  'royalty',
  'minimum-royalty-shortfall',
  'late-interest',
  'audit-shortfall',
  'audit-cost',
] as const;

export type ObligationKind = (typeof OBLIGATION_KINDS)[number];

export const obligationKindField = z.enum(OBLIGATION_KINDS);

/** The event that creates each kind of obligation; its event id is the obligation's id. */
export const OBLIGATION_CREATED_BY = {
  UpfrontFeeDue: 'upfront-fee',
  MilestoneTriggered: 'milestone',
  RoyaltyAccrued: 'royalty',
  MinimumRoyaltyShortfallAssessed: 'minimum-royalty-shortfall',
  LateInterestAccrued: 'late-interest',
  AuditShortfallAssessed: 'audit-shortfall',
  AuditCostShifted: 'audit-cost',
} as const satisfies Record<string, ObligationKind>;

export type ObligationCreatingEventType = keyof typeof OBLIGATION_CREATED_BY;

export function obligationKindOf(eventType: string): ObligationKind | undefined {
  return Object.hasOwn(OBLIGATION_CREATED_BY, eventType)
    ? OBLIGATION_CREATED_BY[eventType as ObligationCreatingEventType]
    : undefined;
}
