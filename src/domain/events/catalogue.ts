import type { z } from 'zod';
import { DomainError } from '../domainError';
import {
  agreementAmended,
  agreementSigned,
  agreementTerminated,
  payeeAssigned,
} from './agreementLife';
import {
  obligationAdjusted,
  obligationDisputed,
  obligationDisputeResolved,
  obligationWaived,
  entryReversed,
} from './corrections';
import {
  clinicalPhaseStarted,
  indBecameEffective,
  indSubmitted,
  regulatoryApprovalGranted,
  regulatoryFilingSubmitted,
} from './developmentFacts';
import type { EventDefinition } from './eventDefinition';
import { auditCostShifted, auditFindingsRecorded, auditShortfallAssessed } from './auditFindings';
import { lateInterestAccrued } from './lateInterestAccrued';
import { firstCommercialSale, genericEntryReported } from './marketFacts';
import { milestoneAchievementCorrected } from './milestoneAchievementCorrected';
import { milestoneTriggered } from './milestoneTriggered';
import { minimumRoyaltyShortfallAssessed } from './minimumRoyaltyShortfallAssessed';
import { invoiceIssued, paymentReceived } from './moneyMovement';
import { netSalesReported } from './netSalesReported';
import { netSalesRestated } from './netSalesRestated';
import { obligationBecamePayable, paymentNoticeGiven } from './payability';
import { paymentApplied } from './paymentApplied';
import { royaltyAccrued } from './royaltyAccrued';
import type { StreamKind } from './streams';
import { thirdPartyRoyaltiesReported } from './thirdPartyRoyaltiesReported';
import { upfrontFeeDue } from './upfrontFeeDue';
import { validClaimCoverageEnded, validClaimCoverageStarted } from './validClaimFacts';

/** Every event of the domain, grouped as docs/events.md presents them. */
export const EVENT_GROUPS = [
  {
    title: 'The agreement’s life',
    events: [agreementSigned, agreementAmended, agreementTerminated, payeeAssigned],
  },
  {
    title: 'Development and regulatory facts',
    events: [
      indSubmitted,
      indBecameEffective,
      clinicalPhaseStarted,
      regulatoryFilingSubmitted,
      regulatoryApprovalGranted,
    ],
  },
  {
    title: 'Market and patent facts',
    events: [
      firstCommercialSale,
      genericEntryReported,
      validClaimCoverageStarted,
      validClaimCoverageEnded,
    ],
  },
  {
    title: 'Commercial facts',
    events: [
      netSalesReported,
      netSalesRestated,
      thirdPartyRoyaltiesReported,
      auditFindingsRecorded,
    ],
  },
  { title: 'Money movement', events: [invoiceIssued, paymentReceived] },
  {
    title: 'Derived obligations',
    events: [
      upfrontFeeDue,
      milestoneTriggered,
      royaltyAccrued,
      minimumRoyaltyShortfallAssessed,
      lateInterestAccrued,
      auditShortfallAssessed,
      auditCostShifted,
      paymentNoticeGiven,
      obligationBecamePayable,
      paymentApplied,
    ],
  },
  {
    title: 'Corrections',
    events: [
      obligationWaived,
      obligationDisputed,
      obligationDisputeResolved,
      obligationAdjusted,
      milestoneAchievementCorrected,
      entryReversed,
    ],
  },
] as const;

type Definitions = (typeof EVENT_GROUPS)[number]['events'][number];

export type EventType = Definitions['type'];

/** A parsed event: its type and its data in the current schema version. */
export type DomainEvent = Definitions extends infer Definition
  ? Definition extends EventDefinition<infer Type, infer Schema>
    ? { readonly type: Type; readonly data: z.output<Schema> }
    : never
  : never;

export type EventData<Type extends EventType> = Extract<DomainEvent, { type: Type }>['data'];

/** What a writer may put in `data` (defaults not yet applied). */
export type EventDataInput<Type extends EventType> = z.input<
  Extract<Definitions, { type: Type }>['schema']
>;

export const EVENT_DEFINITIONS: readonly EventDefinition[] = EVENT_GROUPS.flatMap(
  (group): readonly EventDefinition[] => group.events,
);

const BY_TYPE: ReadonlyMap<string, EventDefinition> = new Map(
  EVENT_DEFINITIONS.map((definition) => [definition.type, definition]),
);

export function isEventType(type: string): type is EventType {
  return BY_TYPE.has(type);
}

export function eventDefinition(type: string): EventDefinition {
  const definition = BY_TYPE.get(type);
  if (definition === undefined)
    throw new DomainError('unknown-event-type', `${JSON.stringify(type)} is not a domain event`);
  return definition;
}

/** The schema version writers put in the envelope for a new event of this type. */
export function currentSchemaVersion(type: EventType): number {
  return eventDefinition(type).schemaVersion;
}

export function streamKindsOf(type: EventType): readonly StreamKind[] {
  return eventDefinition(type).streams;
}
