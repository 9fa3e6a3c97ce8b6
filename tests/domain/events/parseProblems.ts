import { eventDefinition } from '../../../src/domain/events/catalogue';
import { InvalidEventDataError } from '../../../src/domain/events/invalidEventDataError';
import { parseEventData } from '../../../src/domain/events/parseEventData';

/** The problems parseEventData reports for this data; fails the test if it accepts it. */
export function problemsOf(
  type: string,
  data: unknown,
  schemaVersion?: number,
): { pointer: string; detail: string }[] {
  try {
    parseEventData(type, schemaVersion ?? eventDefinition(type).schemaVersion, data);
  } catch (error) {
    if (error instanceof InvalidEventDataError) return [...error.problems];
    throw error;
  }
  throw new Error(`expected ${type} to refuse ${JSON.stringify(data)}`);
}
