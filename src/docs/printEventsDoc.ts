import { writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { renderEventsMarkdown } from './eventsMarkdown';

/**
 * `npm run docs:events`: renders the catalogue, formats it as prettier would, and only then
 * replaces docs/events.md (a failed render leaves the committed file as it was).
 */
async function main(): Promise<void> {
  const path = 'docs/events.md';
  const options = { ...(await resolveConfig(path)), filepath: path };
  writeFileSync(path, await format(renderEventsMarkdown(), options));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
