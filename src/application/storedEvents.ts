import { createHash } from 'node:crypto';
import type { AgreementEvent } from '../domain/agreement/agreementEvent';
import { readStoredEventData } from '../domain/events/parseEventData';
import { currentSchemaVersion } from '../domain/events/catalogue';
import type { EventMetadataInput, NewEvent, RecordedEvent } from '../eventstore/eventStore';

/**
 * A stored event as the domain reads it: upcast to the current schema, taken as stored when it
 * is at it (validated once, when it was written: `readStoredEventData`).
 */
export function domainEventOf(recorded: RecordedEvent): AgreementEvent {
  return {
    eventId: recorded.eventId,
    ...readStoredEventData(recorded.type, recorded.schemaVersion, recorded.data),
  };
}

/** What the store is handed for a domain event: the current schema version and its metadata. */
export function newEventOf(
  event: AgreementEvent,
  metadata: Omit<EventMetadataInput, 'occurredAt'>,
  fallbackOccurredAt: string,
): NewEvent {
  return {
    eventId: event.eventId,
    type: event.type,
    schemaVersion: currentSchemaVersion(event.type),
    data: event.data,
    metadata: { ...metadata, occurredAt: validTimeOf(event) ?? fallbackOccurredAt },
  };
}

/**
 * The valid time of an event (when it happened or takes effect), from its own data: what the
 * metadata's `occurredAt` records. Undefined for events whose time is the command's own (a
 * payment application, a reversal): the caller supplies it.
 */
export function validTimeOf(event: AgreementEvent): string | undefined {
  switch (event.type) {
    case 'AgreementSigned':
      return event.data.terms.signedOn;
    case 'AgreementAmended':
    case 'PayeeAssigned':
    case 'INDBecameEffective':
      return event.data.effectiveOn;
    case 'AgreementTerminated':
      return event.data.terminatedOn;
    case 'INDSubmitted':
    case 'RegulatoryFilingSubmitted':
      return event.data.submittedOn;
    case 'ClinicalPhaseStarted':
      return event.data.firstPatientDosedOn;
    case 'RegulatoryApprovalGranted':
      return event.data.approvedOn;
    case 'FirstCommercialSale':
      return event.data.soldOn;
    case 'GenericEntryReported':
      return event.data.enteredOn;
    case 'ValidClaimCoverageStarted':
      return event.data.coveredFrom;
    case 'ValidClaimCoverageEnded':
      return event.data.endedOn;
    case 'NetSalesReported':
    case 'NetSalesRestated':
    case 'ThirdPartyRoyaltiesReported':
      return event.data.reportedOn;
    case 'InvoiceIssued':
      return event.data.issuedOn;
    case 'PaymentReceived':
      return event.data.receivedOn;
    case 'UpfrontFeeDue':
      return event.data.signedOn;
    case 'MilestoneTriggered':
      return event.data.achievedOn;
    case 'RoyaltyAccrued':
      return event.data.period.to;
    case 'MinimumRoyaltyShortfallAssessed':
      return event.data.yearPeriod.to;
    case 'LateInterestAccrued':
      return event.data.accruedUntil;
    case 'AuditFindingsRecorded':
      return event.data.conductedOn;
    case 'AuditShortfallAssessed':
    case 'AuditCostShifted':
      return event.data.assessedOn;
    case 'PaymentNoticeGiven':
      return event.data.givenOn;
    case 'ObligationWaived':
      return event.data.waivedOn;
    case 'ObligationDisputed':
      return event.data.disputedOn;
    case 'ObligationDisputeResolved':
      return event.data.resolvedOn;
    case 'ObligationAdjusted':
      return event.data.adjustedOn;
    case 'PaymentApplied':
    case 'EntryReversed':
    case 'ObligationBecamePayable':
    case 'MilestoneAchievementCorrected':
      return undefined;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/**
 * A UUID (version 8, RFC 9562) derived from its parts: the same parts, the same id, so a retried
 * command or a replayed policy appends nothing new (the store is idempotent on event ids).
 */
export function derivedUuid(...parts: readonly string[]): string {
  const hash = createHash('sha256').update(JSON.stringify(parts)).digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x80;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
