import { readModels } from '../../projections/catalogue';
import type { Projection } from '../../projections/projection';
import { AUDIT_CHECKPOINTS_OWNER, auditCheckpointMigrations } from '../audit/checkpointStore';
import type { EventStore } from '../eventstore/eventStore';
import { IDEMPOTENCY_OWNER, idempotencyMigrations } from '../http/api/idempotency';
import { WEBHOOK_INBOX_OWNER, webhookInboxMigrations } from '../webhooks/webhookInbox';
import { CHECKPOINTS_OWNER, checkpointMigrations } from '../workers/checkpoints';
import { restoreDeferredIndexes } from '../workers/rebuildIndexes';
import type { ReadStore } from './readStore';

/**
 * Creates (or brings up to date) every table the API reads or writes: checkpoints, the read
 * models, the idempotency records, the webhook inbox, the signed checkpoints. Every process runs
 * it, whatever its role: an API-only process must not answer from tables a worker has not
 * created yet. Migrations run once however many processes start together. `projections` narrows
 * the read models migrated (all by default): `rebuild --projection <name>` migrates only the one
 * it rebuilds, so that a maintenance command never waits for another read model's data
 * migration. Kept apart from the routes, so that a command that only migrates and rebuilds does
 * not load express and every route first (a third of the CLI's start).
 */
export async function migrateReadSide(
  store: EventStore,
  readStore: ReadStore,
  projections: readonly Projection[] = readModels(store),
): Promise<void> {
  await readStore.migrate(CHECKPOINTS_OWNER, checkpointMigrations);
  await readStore.migrate(IDEMPOTENCY_OWNER, idempotencyMigrations);
  await readStore.migrate(WEBHOOK_INBOX_OWNER, webhookInboxMigrations);
  await readStore.migrate(AUDIT_CHECKPOINTS_OWNER, auditCheckpointMigrations);
  for (const projection of projections)
    await readStore.migrate(projection.name, projection.migrations);
  // The secondary indexes a killed bulk rebuild left dropped (src/workers/rebuildIndexes.ts).
  await restoreDeferredIndexes(readStore);
}
