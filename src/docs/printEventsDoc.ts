import { renderEventsMarkdown } from './eventsMarkdown';

// `npm run docs:events` pipes this through prettier into docs/events.md.
process.stdout.write(renderEventsMarkdown());
