import { Registry } from 'prom-client';
import { registerProjectionMetrics } from '../../src/metrics/projectionMetrics';
import type { ProjectionStatus } from '../../src/workers/projectionWorker';
import { parsePrometheusText, valueOf } from './prometheusText';

function setUp(statuses: ProjectionStatus[], headPosition: () => Promise<number>) {
  const registry = new Registry();
  let headReads = 0;
  registerProjectionMetrics(registry, {
    statuses: () => statuses,
    store: {
      headPosition: () => {
        headReads += 1;
        return headPosition();
      },
    },
  });
  return {
    scrape: async () => parsePrometheusText(await registry.metrics()),
    headReads: () => headReads,
  };
}

describe('registerProjectionMetrics', () => {
  it('reports the checkpoint and the lag behind the head of each projection this process leads', async () => {
    const statuses = [
      { name: 'obligations', leading: true, position: 40 },
      { name: 'auditTrail', leading: true, position: 42 },
      { name: 'payments', leading: false, position: 3 },
    ];
    const { scrape, headReads } = setUp(statuses, async () => 42);
    const samples = await scrape();
    expect(valueOf(samples, 'projection_position', { projection: 'obligations' })).toBe(40);
    expect(valueOf(samples, 'projection_lag_events', { projection: 'obligations' })).toBe(2);
    expect(valueOf(samples, 'projection_lag_events', { projection: 'auditTrail' })).toBe(0);
    expect(valueOf(samples, 'event_store_head_position')).toBe(42);
    // Another process leads payments: its position here is stale, so it is not reported.
    expect(valueOf(samples, 'projection_leading', { projection: 'payments' })).toBe(0);
    expect(valueOf(samples, 'projection_leading', { projection: 'obligations' })).toBe(1);
    expect(valueOf(samples, 'projection_position', { projection: 'payments' })).toBeUndefined();
    expect(valueOf(samples, 'projection_lag_events', { projection: 'payments' })).toBeUndefined();
    expect(headReads()).toBe(1);
  });

  it('reads the statuses and the head anew on each scrape', async () => {
    const status = { name: 'obligations', leading: true, position: 1 };
    let head = 5;
    const { scrape } = setUp([status], async () => head);
    expect(valueOf(await scrape(), 'projection_lag_events', { projection: 'obligations' })).toBe(4);
    status.position = 5;
    head = 9;
    expect(valueOf(await scrape(), 'projection_lag_events', { projection: 'obligations' })).toBe(4);
  });

  it('leaves the lag out, and the rest in, when the store cannot be read', async () => {
    const { scrape } = setUp([{ name: 'obligations', leading: true, position: 7 }], () =>
      Promise.reject(new Error('store down')),
    );
    const samples = await scrape();
    expect(valueOf(samples, 'projection_position', { projection: 'obligations' })).toBe(7);
    expect(
      valueOf(samples, 'projection_lag_events', { projection: 'obligations' }),
    ).toBeUndefined();
    expect(valueOf(samples, 'event_store_head_position')).toBeNaN();
  });
});
