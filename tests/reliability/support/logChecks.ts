import type { FuzzAnswer, SentRequest } from './fuzzClient';
import type { LogInspector } from './fuzzedService';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

// What the service appends on its own, whatever the requests: the checkpoint signer records its
// key in the log before its first signature, when the log reaches CHECKPOINT_EVERY_EVENTS.
const BACKGROUND_STREAMS: ReadonlySet<string> = new Set(['signing-keys']);

/**
 * No partial write, read from the store itself. The log is quiet when the request is sent (the
 * fuzzer waits for the workers after every accepted write), so after a read or a refusal it holds
 * nothing new (but what the service appends on its own) and nothing under the request's id; an
 * accepted write must hold every event it reports, in one stream, ending at the position it
 * answered.
 */
export async function logViolations(
  log: LogInspector,
  headBefore: number,
  sent: SentRequest,
  answer: FuzzAnswer,
): Promise<string[]> {
  const accepted = answer.status >= 200 && answer.status < 300;
  const written = await log.writtenBy(sent.requestId);
  if (READS.has(sent.method) || !accepted) {
    const appended = (await log.between(headBefore, await log.head())).filter(
      (event) => !BACKGROUND_STREAMS.has(event.streamId),
    );
    const violations: string[] = [];
    if (appended.length > 0)
      violations.push(
        `the log moved on from ${headBefore}: ${appended.map((event) => `${event.type}@${event.globalPosition} in ${event.streamId}`).join(', ')}`,
      );
    if (written.length > 0)
      violations.push(
        `it wrote ${written.map((event) => `${event.type}@${event.globalPosition}`).join(', ')}`,
      );
    return violations;
  }
  const delivered = webhookCorrelationOf(sent);
  const ownWrites =
    delivered === null
      ? written
      : [...written, ...(await log.writtenBy(delivered))].filter(
          (event) => event.globalPosition > headBefore,
        );
  return acceptedWriteViolations(log, ownWrites, answer);
}

/** Events a webhook delivery appends carry `webhook:<integration>:<webhook-id>`, not the request id. */
function webhookCorrelationOf(sent: SentRequest): string | null {
  const integration = /^\/webhooks\/([^/]+)$/.exec(new URL(sent.url).pathname)?.[1];
  const webhookId = sent.headers['webhook-id'];
  if (integration === undefined || webhookId === undefined) return null;
  return `webhook:${decodeURIComponent(integration)}:${webhookId}`;
}

interface ReportedEvent {
  readonly eventId: string;
  readonly type: string;
}

async function acceptedWriteViolations(
  log: LogInspector,
  written: readonly { eventId: string; streamId: string; globalPosition: number }[],
  answer: FuzzAnswer,
): Promise<string[]> {
  const violations: string[] = [];
  const streams = new Set(written.map((event) => event.streamId));
  if (streams.size > 1) violations.push(`one request wrote to ${[...streams].join(', ')}`);
  const reported = reportedEvents(answer.json);
  const position = answer.headers.get('x-position');
  if (reported.length > 0) {
    const stored = await log.byIds(reported.map((event) => event.eventId));
    for (const event of reported) {
      const found = stored.find((candidate) => candidate.eventId === event.eventId);
      if (found === undefined)
        violations.push(`the reported ${event.type} ${event.eventId} is not in the log`);
      else if (found.type !== event.type)
        violations.push(
          `the reported ${event.type} ${event.eventId} is a ${found.type} in the log`,
        );
    }
    const last = Math.max(...stored.map((event) => event.globalPosition));
    if (position !== null && stored.length > 0 && String(last) !== position)
      violations.push(`X-Position ${position}, but the reported events end at ${last}`);
    const replayed =
      answer.headers.get('idempotent-replayed') === 'true' ||
      (answer.json as { alreadyRecorded?: unknown }).alreadyRecorded === true;
    const ids = (events: readonly { eventId: string }[]) =>
      events.map((event) => event.eventId).sort();
    if (!replayed && JSON.stringify(ids(written)) !== JSON.stringify(ids(reported)))
      violations.push(
        `it reported ${ids(reported).join(', ')} but wrote ${ids(written).join(', ') || 'nothing'}`,
      );
  }
  if (position !== null && Number(position) > (await log.head()))
    violations.push(`X-Position ${position} is beyond the log's head`);
  return violations;
}

/** The events a command's answer lists (`events`), or the one a fact's answer holds (`event`). */
function reportedEvents(json: unknown): ReportedEvent[] {
  if (json === null || typeof json !== 'object') return [];
  const { events, event } = json as { events?: unknown; event?: unknown };
  const candidates = Array.isArray(events) ? events : event !== undefined ? [event] : [];
  return candidates.filter(
    (candidate): candidate is ReportedEvent =>
      typeof (candidate as ReportedEvent | null)?.eventId === 'string' &&
      typeof (candidate as ReportedEvent).type === 'string',
  );
}

/**
 * Waits until every projection and policy has applied the whole log (their lag on /metrics is 0)
 * and the head stays put: nothing is left that could still append behind the next request.
 */
export async function settled(
  baseUrl: string,
  log: LogInspector,
  timeoutMs = 20_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let previous = -1;
  for (;;) {
    const head = await log.head();
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    const lags = [...metrics.matchAll(/^projection_lag_events\{[^}]*\} (\d+)$/gm)].map((m) =>
      Number(m[1]),
    );
    if (lags.length > 0 && lags.every((lag) => lag === 0) && head === previous) return head;
    previous = lags.every((lag) => lag === 0) ? head : -1;
    if (Date.now() > deadline)
      throw new Error(
        `the workers did not catch up with the log (head ${head}):\n${metrics
          .split('\n')
          .filter((line) => line.startsWith('projection_'))
          .join('\n')}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
