import type { RecordedEvent } from './eventStore';
import { canonicalJson, type JsonObject } from './json';

/**
 * Where an event whose data is parsed only when asked for (`recordedEventWithStoredData`) keeps
 * the text a store read: a symbol, not enumerable, so the event still compares, copies and
 * serialises as a plain one. (A WeakMap beside the events cost more in garbage collection than
 * the parse it saved.)
 */
const STORED_TEXT = Symbol('stored data JSON');

/**
 * The canonical JSON of an event's data. For an event read from a SQL store it is the stored
 * text itself, neither parsed nor written again: every write path stores `canonicalJson(data)`
 * (preparedEvent.ts) and the rows never change, so the text is that same string. For any other
 * event it is computed.
 */
export function storedDataJsonOf(event: RecordedEvent): string {
  const stored = (event as { [STORED_TEXT]?: string })[STORED_TEXT];
  return stored ?? canonicalJson(event.data);
}

/**
 * A recorded event whose data is parsed on first use (then kept), with its stored text at hand
 * for `storedDataJsonOf`. A projection that skips most events (or copies the text as it is) never
 * pays for `JSON.parse` of the events it does not read. `data` is an own enumerable property, so
 * the event serialises and compares as a plain one does.
 */
export function recordedEventWithStoredData(
  event: Omit<RecordedEvent, 'data'>,
  dataJson: string,
): RecordedEvent {
  let data: JsonObject | undefined;
  const recorded: RecordedEvent = {
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    globalPosition: event.globalPosition,
    get data(): JsonObject {
      return (data ??= JSON.parse(dataJson) as JsonObject);
    },
    metadata: event.metadata,
  };
  return Object.defineProperty(recorded, STORED_TEXT, { value: dataJson });
}
