import type { DomainEvent, EventDataInput, EventType } from '../events/catalogue';
import { eventForAppend } from '../events/eventForAppend';

/**
 * An event of an agreement (or product) stream as the domain sees it: its id, type and data. The
 * store's envelope (positions, metadata) stays outside the domain; an adapter maps a recorded
 * event to this shape, and `decide` returns events of this shape for the adapter to append.
 */
export type AgreementEvent = DomainEvent & { readonly eventId: string };

/**
 * A new event, its data checked against the catalogue's current schema (defaults applied): a
 * decider never hands the store an event the catalogue would refuse to read back.
 */
export function emit<Type extends EventType>(
  eventId: string,
  type: Type,
  data: EventDataInput<Type>,
): AgreementEvent {
  const checked = eventForAppend(type, data);
  // eventForAppend parsed `data` with the schema of `type`: it is that type's data.
  return { eventId, type, data: checked.data } as AgreementEvent;
}
