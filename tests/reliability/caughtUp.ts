import { workersFor } from '../../projections/catalogue';
import type { EventStore } from '../../src/eventstore/eventStore';

/** Every checkpointed worker of the service: the read models and the policies. */
export const WORKER_NAMES = workersFor({} as EventStore).map((projection) => projection.name);

/**
 * Waits until the service leads every projection and policy and each has applied the head of
 * the log, as the service itself reports it on /metrics (`projection_lag_events` of each worker it
 * leads: a worker that lost its lease and never took it back is missing there, not at 0).
 */
export async function caughtUp(baseUrl: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    const lags = new Map(
      [...metrics.matchAll(/^projection_lag_events\{projection="([^"]+)"\} (\d+)/gm)].map((m) => [
        m[1],
        Number(m[2]),
      ]),
    );
    if (WORKER_NAMES.every((name) => lags.get(name) === 0)) return;
    if (Date.now() > deadline)
      throw new Error(`the workers did not catch up: ${JSON.stringify(Object.fromEntries(lags))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
