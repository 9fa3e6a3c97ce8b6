import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import type { EventStore, NewEvent } from '../../src/eventstore/eventStore';
import { SqliteEventStore } from '../../src/eventstore/sqlite/sqliteEventStore';
import { instrumentEventStore, streamKindOf } from '../../src/metrics/instrumentEventStore';
import { testLogger } from '../support/testLogger';
import { parsePrometheusText, valueOf } from './prometheusText';

let directory: string;
let inner: SqliteEventStore;
let registry: Registry;
let store: EventStore;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'obligations-instrumented-'));
  inner = SqliteEventStore.open({ path: join(directory, 'events.db'), logger: testLogger() });
  registry = new Registry();
  store = instrumentEventStore(inner, registry);
});

afterEach(async () => {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

const event = (eventId: string): NewEvent => ({
  eventId,
  type: 'PaymentReceived',
  schemaVersion: 1,
  data: { amountMinor: '100' },
  metadata: { occurredAt: '2026-03-01', actor: 'apikey:k1' },
});
const ID = (n: number) => `0b0f8c1e-6a55-4d3c-9d7e-0c1f3e0b2a${String(n).padStart(2, '0')}`;

async function samples() {
  return parsePrometheusText(await registry.metrics());
}

describe('instrumentEventStore', () => {
  it('counts appends by stream kind and outcome, and the events written', async () => {
    await store.append('agreement-a1', [event(ID(1)), event(ID(2))], {
      expectedVersion: 'no-stream',
    });
    await store.append('agreement-a1', [event(ID(3))], { expectedVersion: 2 });
    // An idempotent retry writes nothing.
    await store.append('agreement-a1', [event(ID(3))], { expectedVersion: 2 });
    await expect(
      store.append('agreement-a1', [event(ID(4))], { expectedVersion: 1 }),
    ).rejects.toMatchObject({ code: 'wrong-expected-version' });
    await store.append('product-p1', [event(ID(5))], { expectedVersion: 'any' });

    const all = await samples();
    const appends = (stream_kind: string, outcome: string) =>
      valueOf(all, 'event_store_appends_total', { stream_kind, outcome });
    expect(appends('agreement', 'appended')).toBe(2);
    expect(appends('agreement', 'already-appended')).toBe(1);
    expect(appends('agreement', 'wrong-expected-version')).toBe(1);
    expect(appends('product', 'appended')).toBe(1);
    expect(valueOf(all, 'event_store_appended_events_total', { stream_kind: 'agreement' })).toBe(3);
    expect(valueOf(all, 'event_store_appended_events_total', { stream_kind: 'product' })).toBe(1);
    expect(
      valueOf(all, 'event_store_append_duration_seconds_count', { stream_kind: 'agreement' }),
    ).toBe(4);
  });

  it('passes everything else through to the store', async () => {
    await store.append('agreement-a1', [event(ID(1))], { expectedVersion: 'no-stream' });
    expect(await store.headPosition()).toBe(1);
    expect((await store.readStream('agreement-a1')).map((e) => e.eventId)).toEqual([ID(1)]);
    expect((await store.readAll({ after: 0, maxCount: 10 })).map((e) => e.eventId)).toEqual([
      ID(1),
    ]);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('labels streams by kind only, so ids never become label values', () => {
    expect(streamKindOf('agreement-0b0f8c1e')).toBe('agreement');
    expect(streamKindOf('product-x-1')).toBe('product');
    expect(streamKindOf('apikey-qrfuq5u4quc3')).toBe('apikey');
    expect(streamKindOf('whatever')).toBe('other');
    expect(streamKindOf('Agreement-1')).toBe('other');
    expect(streamKindOf('agreement-')).toBe('other');
  });
});
