import { EVENT_DEFINITIONS, type EventType } from '../../../src/domain/events/catalogue';
import { EVENT_EXAMPLES } from '../../../src/domain/events/examples';
import { parseEventData } from '../../../src/domain/events/parseEventData';

const examples = Object.entries(EVENT_EXAMPLES) as [EventType, unknown][];

describe('the examples of docs/events.md', () => {
  it('are one per event of the catalogue, and the catalogue names each type once', () => {
    const types = EVENT_DEFINITIONS.map((definition) => definition.type);
    expect(new Set(types).size).toBe(types.length);
    expect(Object.keys(EVENT_EXAMPLES).sort()).toEqual([...types].sort());
  });

  it.each(examples)(
    '%s: parses, and is written as it is stored (nothing defaulted)',
    (type, data) => {
      const definition = EVENT_DEFINITIONS.find((candidate) => candidate.type === type)!;
      const event = parseEventData(type, definition.schemaVersion, data);
      expect(event).toEqual({ type, data });
    },
  );
});
