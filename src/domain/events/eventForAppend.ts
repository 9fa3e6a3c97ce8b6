import type { EventData, EventDataInput, EventType } from './catalogue';
import { currentSchemaVersion } from './catalogue';
import { parseEventData } from './parseEventData';

/**
 * What a decider or an edge hands to the event store: the data checked against the event's
 * current schema (defaults applied), and the schema version to store with it. Throws
 * InvalidEventDataError, with pointers, for data that does not match.
 */
export function eventForAppend<Type extends EventType>(
  type: Type,
  data: EventDataInput<Type>,
): { readonly type: Type; readonly schemaVersion: number; readonly data: EventData<Type> } {
  const schemaVersion = currentSchemaVersion(type);
  const event = parseEventData(type, schemaVersion, data);
  // parseEventData returned the event of this type.
  return { type, schemaVersion, data: event.data as EventData<Type> };
}
