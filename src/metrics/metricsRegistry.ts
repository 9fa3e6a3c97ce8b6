import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * A registry of one app's metrics, with Node's process metrics (CPU, memory, event loop lag,
 * garbage collection). One per app, never prom-client's global one, so that tests (and a process
 * hosting two apps) each count their own.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
