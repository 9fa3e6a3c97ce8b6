import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderEventsMarkdown } from '../../../src/docs/eventsMarkdown';
import { EVENT_EXAMPLES, OLDER_VERSION_EXAMPLES } from '../../../src/domain/events/examples';

const root = join(__dirname, '..', '..', '..');
const prettier = join(root, 'node_modules', 'prettier', 'bin', 'prettier.cjs');

/** The markdown as `npm run docs:events` writes it (prettier runs in its own process: it needs ESM). */
function generated(): string {
  return execFileSync(process.execPath, [prettier, '--stdin-filepath', 'docs/events.md'], {
    cwd: root,
    input: renderEventsMarkdown(),
    encoding: 'utf8',
  });
}

describe('docs/events.md', () => {
  const committed = readFileSync(join(root, 'docs', 'events.md'), 'utf8');

  it('is what the catalogue generates (run `npm run docs:events` after changing an event)', () => {
    expect(committed).toBe(generated());
  });

  it('shows each event’s example, and each older version’s, as the data the tests parse', () => {
    const blocks = [
      ...committed.matchAll(/\n(###+) (\w+)(?: version (\d+))?\n[\s\S]*?```json\n([\s\S]*?)```/g),
    ];
    const shown = blocks.map(([, , type, version, json]) => ({
      type,
      version: version === undefined ? undefined : Number(version),
      data: JSON.parse(json!) as unknown,
    }));
    expect(shown).toEqual(
      expect.arrayContaining([
        ...Object.entries(EVENT_EXAMPLES).map(([type, data]) => ({
          type,
          version: undefined,
          data,
        })),
        ...OLDER_VERSION_EXAMPLES.map((older) => ({
          type: older.type,
          version: older.schemaVersion,
          data: older.data,
        })),
      ]),
    );
    expect(shown).toHaveLength(Object.keys(EVENT_EXAMPLES).length + OLDER_VERSION_EXAMPLES.length);
  });
});
