import type { RecordedEvent } from '../src/eventstore/eventStore';
import {
  INTEGRATION_REGISTERED,
  integrationRegisteredSchema,
} from '../src/integrations/integrationEvents';
import type { SqlExecutor } from '../src/readstore/readStore';
import type { Projection } from './projection';

// The ids only, in the order registered: the list reads each integration's own stream for the
// rest (integrations are few), so no secret is ever copied into the read store by this model.
const CREATE_INTEGRATIONS = `
CREATE TABLE integrations (
  integration_id TEXT PRIMARY KEY,
  registered_position BIGINT NOT NULL UNIQUE
)`;

/** Which integrations exist, for `GET /admin/integrations` and `integrations list`. */
export const integrations: Projection = {
  name: 'integrations',
  tables: ['integrations'],
  eventTypes: [INTEGRATION_REGISTERED],
  migrations: [
    {
      version: 1,
      name: 'integrations',
      sqlite: CREATE_INTEGRATIONS,
      postgres: CREATE_INTEGRATIONS,
    },
  ],
  async apply(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type !== INTEGRATION_REGISTERED) continue;
      const { integrationId } = integrationRegisteredSchema.parse(event.data);
      await tx.execute(
        'INSERT INTO integrations (integration_id, registered_position) VALUES (?, ?)',
        [integrationId, event.globalPosition],
      );
    }
  },
};

/** Integration ids in the order registered, after a registration position. */
export async function listIntegrationIds(
  executor: SqlExecutor,
  options: {
    readonly after: number;
    readonly limit: number;
    /** Only the integrations registered at or before this global position. */
    readonly registeredBy?: number | undefined;
  },
): Promise<{ ids: string[]; nextAfter: number | null }> {
  const rows = await executor.query<{
    integration_id: string;
    registered_position: number | string;
  }>(
    `SELECT integration_id, registered_position FROM integrations
      WHERE registered_position > ? AND registered_position <= ?
      ORDER BY registered_position LIMIT ?`,
    [options.after, options.registeredBy ?? Number.MAX_SAFE_INTEGER, options.limit + 1],
  );
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  return {
    ids: page.map((row) => row.integration_id),
    nextAfter: rows.length > options.limit && last ? Number(last.registered_position) : null,
  };
}
