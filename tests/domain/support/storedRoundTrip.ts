import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import { currentSchemaVersion } from '../../../src/domain/events/catalogue';
import { parseEventData } from '../../../src/domain/events/parseEventData';

/**
 * An event as a reader gets it back from the store: its data written as JSON text, parsed back,
 * then read through the catalogue with the type and the schema version the writer recorded.
 */
export function readBack(event: AgreementEvent): AgreementEvent {
  const stored: unknown = JSON.parse(JSON.stringify(event.data));
  return {
    eventId: event.eventId,
    ...parseEventData(event.type, currentSchemaVersion(event.type), stored),
  };
}
