import { Counter, Histogram, type Registry } from 'prom-client';
import { EventStoreError } from '../eventstore/errors';
import type { EventStore } from '../eventstore/eventStore';

// Streams are named `<kind>-<id>` by the code that writes them (agreement-, product-, apikey-):
// the kind is a closed set, the id is not and must never become a label.
const STREAM_KIND = /^([a-z][a-z0-9]{0,31})-./;

/** `agreement` for `agreement-<id>`; `other` for a stream not named `<kind>-<id>`. */
export function streamKindOf(streamId: string): string {
  return STREAM_KIND.exec(streamId)?.[1] ?? 'other';
}

/**
 * The store, counting its appends by stream kind and outcome (`appended`, `already-appended` for
 * an idempotent retry, or the store's error code such as `wrong-expected-version`; `error` for any
 * other failure), the events it wrote, and how long appends take (grouped commits included).
 */
export function instrumentEventStore(store: EventStore, registry: Registry): EventStore {
  const appends = new Counter({
    name: 'event_store_appends_total',
    help: 'Appends to the event store, by stream kind and outcome (appended, already-appended, or the error code).',
    labelNames: ['stream_kind', 'outcome'] as const,
    registers: [registry],
  });
  const appended = new Counter({
    name: 'event_store_appended_events_total',
    help: 'Events written to the event store (idempotent retries write none), by stream kind.',
    labelNames: ['stream_kind'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'event_store_append_duration_seconds',
    help: 'Time an append takes until it is durable, by stream kind.',
    labelNames: ['stream_kind'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return {
    async append(streamId, events, options) {
      const kind = streamKindOf(streamId);
      const stopTimer = duration.startTimer({ stream_kind: kind });
      try {
        const result = await store.append(streamId, events, options);
        appends.inc({
          stream_kind: kind,
          outcome: result.alreadyAppended ? 'already-appended' : 'appended',
        });
        if (!result.alreadyAppended) appended.inc({ stream_kind: kind }, events.length);
        return result;
      } catch (error) {
        const outcome = error instanceof EventStoreError ? error.code : 'error';
        appends.inc({ stream_kind: kind, outcome });
        throw error;
      } finally {
        stopTimer();
      }
    },
    readStream: (streamId, options) => store.readStream(streamId, options),
    readAll: (options) => store.readAll(options),
    headPosition: () => store.headPosition(),
    subscribe: (options) => store.subscribe(options),
    ping: () => store.ping(),
    close: () => store.close(),
  };
}
