import { DomainError } from '../domainError';
import { eventDefinition, type DomainEvent } from './catalogue';
import { InvalidEventDataError } from './invalidEventDataError';

/**
 * Reads the data of a stored (or posted) event: finds its type, lifts an older schema version to
 * the current one step by step (checking each old version's shape first), then validates it.
 * Returns the typed event or throws: `unknown-event-type`, `unsupported-schema-version` (newer
 * than this code knows: an old build reading a new log must stop, not guess), or
 * `invalid-event-data` with a pointer to each problem.
 */
export function parseEventData(type: string, schemaVersion: number, data: unknown): DomainEvent {
  const definition = eventDefinition(type);
  if (
    !Number.isInteger(schemaVersion) ||
    schemaVersion < 1 ||
    schemaVersion > definition.schemaVersion
  ) {
    throw new DomainError(
      'unsupported-schema-version',
      `${type} has versions 1 to ${definition.schemaVersion}, not ${schemaVersion}`,
      '/schemaVersion',
    );
  }
  let current = data;
  for (const upcaster of definition.upcasters.slice(schemaVersion - 1)) {
    const old = upcaster.schema.safeParse(current);
    if (!old.success) throw InvalidEventDataError.fromZod(type, upcaster.fromVersion, old.error);
    try {
      current = upcaster.upcast(old.data);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      throw new InvalidEventDataError(type, upcaster.fromVersion, [
        { pointer: error.pointer ?? '', detail: error.detail },
      ]);
    }
  }
  const parsed = definition.schema.safeParse(current);
  if (!parsed.success) {
    // After an upcast the pointers are into the upcast data, which the version says.
    throw InvalidEventDataError.fromZod(type, definition.schemaVersion, parsed.error);
  }
  // The definition was found by this type, so its schema's output is this type's data.
  return { type, data: parsed.data } as DomainEvent;
}

/**
 * Reads the data of an event from the service's own log. Every event there was checked against
 * its schema when it was written (the deciders' `emit`, the webhook and import edges), and a
 * schema's output parses to itself, so an event of the current version is taken as stored: a
 * replay does not pay the validation again (it cost most of a rebuild's time). The hash chain,
 * not a second parse, shows a stored event unchanged. The type and the version are still checked,
 * and an older version is upcast and checked as `parseEventData` does.
 */
export function readStoredEventData(
  type: string,
  schemaVersion: number,
  data: unknown,
): DomainEvent {
  if (schemaVersion === eventDefinition(type).schemaVersion) return { type, data } as DomainEvent;
  return parseEventData(type, schemaVersion, data);
}
