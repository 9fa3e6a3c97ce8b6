import type { EventStore, RecordedEvent } from '../../src/eventstore/eventStore';
import type { Delivery, Sent } from './senders';

/** The whole global log, in order, page by page. */
export async function readWholeLog(store: EventStore): Promise<RecordedEvent[]> {
  const log: RecordedEvent[] = [];
  for (;;) {
    const page = await store.readAll({ after: log.at(-1)?.globalPosition ?? 0, maxCount: 1_000 });
    if (page.length === 0) return log;
    log.push(...page);
  }
}

/** What the checks need of a logged event. */
export type LoggedEvent = Pick<
  RecordedEvent,
  'eventId' | 'type' | 'globalPosition' | 'streamId'
> & {
  readonly metadata: { readonly source?: string };
};

/**
 * Judges the log against what the clients were told. Answers one line per violation, none when:
 * - no event id is in the log twice, and positions are dense from 1 (nothing half-written);
 * - every acknowledged write's events are in the log, exactly the ids it was answered, each once,
 *   and every acknowledgement of one write named the same ids;
 * - no write's fact is in the log more than once, answered or not.
 */
export function exactlyOnceViolations(
  sent: readonly Sent[],
  log: readonly LoggedEvent[],
): string[] {
  const violations: string[] = [];
  const seen = new Map<string, number>();
  for (const [index, event] of log.entries()) {
    if (event.globalPosition !== index + 1)
      violations.push(`position ${event.globalPosition} is at index ${index} of the log`);
    seen.set(event.eventId, (seen.get(event.eventId) ?? 0) + 1);
  }
  for (const [eventId, count] of seen)
    if (count > 1) violations.push(`event ${eventId} is in the log ${count} times`);

  const eventsOf = ownedEvents(log);
  const acknowledged = new Map<string, string>();
  for (const { delivery, outcome } of sent) {
    const logged = eventsOf(delivery);
    const facts = logged.filter((event) => event.type === delivery.factType).length;
    if (facts > 1)
      violations.push(`${delivery.id}: its ${delivery.factType} is in the log ${facts} times`);
    if (outcome.kind !== 'acknowledged') continue;
    const answered = [...outcome.eventIds].sort().join(', ');
    const earlier = acknowledged.get(delivery.id);
    if (earlier !== undefined && earlier !== answered)
      violations.push(
        `${delivery.id} was acknowledged with [${earlier}] before, now [${answered}]`,
      );
    acknowledged.set(delivery.id, answered);
    const ids = logged
      .map((event) => event.eventId)
      .sort()
      .join(', ');
    if (answered === '' || ids !== answered)
      violations.push(`${delivery.id} was acknowledged with [${answered}], the log holds [${ids}]`);
  }
  return violations;
}

/**
 * The logged events of a write: those of its webhook id (their source), or those of the stream
 * it alone writes.
 */
function ownedEvents(log: readonly LoggedEvent[]): (delivery: Delivery) => readonly LoggedEvent[] {
  const bySource = groupBy(log, (event) => event.metadata.source);
  const byStream = groupBy(log, (event) => event.streamId);
  return ({ owns }) =>
    ('source' in owns ? bySource.get(owns.source) : byStream.get(owns.streamId)) ?? [];
}

function groupBy(
  log: readonly LoggedEvent[],
  keyOf: (event: LoggedEvent) => string | undefined,
): Map<string, LoggedEvent[]> {
  const groups = new Map<string, LoggedEvent[]>();
  for (const event of log) {
    const key = keyOf(event);
    if (key === undefined) continue;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [event]);
    else group.push(event);
  }
  return groups;
}
