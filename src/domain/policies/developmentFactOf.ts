import type { AgreementEvent } from '../agreement/agreementEvent';
import { businessDate } from '../dates';
import { DEVELOPMENT_EVENT_TYPES } from '../agreement/termsSchema';
import type { DevelopmentEventType, DevelopmentFact } from '../milestones/developmentFact';

type DevelopmentEvent = Extract<AgreementEvent, { type: DevelopmentEventType }>;

const isDevelopmentEvent = (event: AgreementEvent): event is DevelopmentEvent =>
  (DEVELOPMENT_EVENT_TYPES as readonly string[]).includes(event.type);

/**
 * A product stream's event as the milestone rules read it, or undefined for an event that is not
 * a development or regulatory fact (a Valid Claim, a generic entry, a reversal).
 */
export function developmentFactOf(event: AgreementEvent): DevelopmentFact | undefined {
  if (!isDevelopmentEvent(event)) return undefined;
  const base = { factId: event.eventId };
  switch (event.type) {
    case 'INDSubmitted':
      return {
        ...base,
        eventType: event.type,
        productId: event.data.productId,
        occurredOn: businessDate(event.data.submittedOn),
        jurisdiction: event.data.jurisdiction,
        ...(event.data.indication !== undefined && { indication: event.data.indication }),
      };
    case 'INDBecameEffective':
      return {
        ...base,
        eventType: event.type,
        productId: event.data.productId,
        occurredOn: businessDate(event.data.effectiveOn),
        jurisdiction: event.data.jurisdiction,
        ...(event.data.indication !== undefined && { indication: event.data.indication }),
      };
    case 'ClinicalPhaseStarted':
      return {
        ...base,
        eventType: event.type,
        productId: event.data.productId,
        occurredOn: businessDate(event.data.firstPatientDosedOn),
        phase: event.data.phase,
        indication: event.data.indication,
        ...(event.data.jurisdiction !== undefined && { jurisdiction: event.data.jurisdiction }),
      };
    case 'RegulatoryFilingSubmitted':
      return {
        ...base,
        eventType: event.type,
        productId: event.data.productId,
        occurredOn: businessDate(event.data.submittedOn),
        jurisdiction: event.data.jurisdiction,
        filingType: event.data.filingType,
        indication: event.data.indication,
      };
    case 'RegulatoryApprovalGranted':
      return {
        ...base,
        eventType: event.type,
        productId: event.data.productId,
        occurredOn: businessDate(event.data.approvedOn),
        jurisdiction: event.data.jurisdiction,
        indication: event.data.indication,
        ...(event.data.filingType !== undefined && { filingType: event.data.filingType }),
      };
    case 'FirstCommercialSale':
      return {
        ...base,
        eventType: event.type,
        productId: event.data.productId,
        occurredOn: businessDate(event.data.soldOn),
        jurisdiction: event.data.country,
      };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
