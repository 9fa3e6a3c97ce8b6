import { auditTrail } from '../../projections/auditTrail';
import { ApiKeyRegistry } from '../../src/auth/apiKeyRegistry';
import { IntegrationRegistry } from '../../src/integrations/integrationRegistry';
import { checkpointMigrations, CHECKPOINTS_OWNER } from '../../src/workers/checkpoints';
import { describeWithPostgres } from '../support/postgresTarget';
import { openPostgresStores, openSqliteStores, type Stores } from '../support/serviceHarness';

jest.setTimeout(60_000);

/**
 * The log keeps a webhook secret (an HMAC is checked with it) and an API key's secret hash; the
 * audit trail, a read model that may live in another database read by other people, keeps
 * neither, and a read store filled before it left them out loses them in place.
 */
function credentialsSuite(openStores: () => Promise<Stores>): void {
  it('keeps every event but never a webhook secret or an API key’s secret hash', async () => {
    const stores = await openStores();
    try {
      const origin = { actor: 'cli:test' };
      const added = await new IntegrationRegistry({ store: stores.store }).register({
        ...origin,
        integrationId: 'cro-one',
        name: 'CRO One',
        eventTypes: ['INDSubmitted'],
      });
      const created = await new ApiKeyRegistry({ store: stores.store }).create({
        ...origin,
        name: 'auditor',
        role: 'auditor',
      });
      await stores.readStore.migrate(CHECKPOINTS_OWNER, checkpointMigrations);
      await stores.readStore.migrate(auditTrail.name, auditTrail.migrations);
      const events = await stores.store.readAll({ after: 0, maxCount: 100 });
      await stores.readStore.transaction((tx) => auditTrail.apply(tx, events));

      const rows = await stores.readStore.query<{ type: string; data: string }>(
        'SELECT type, data FROM audit_trail ORDER BY global_position',
      );
      expect(rows.map((row) => row.type)).toEqual(events.map((event) => event.type));
      const secretAdded = rows.find((row) => row.type === 'IntegrationSecretAdded')!;
      const keyCreated = rows.find((row) => row.type === 'ApiKeyCreated')!;
      expect(JSON.parse(secretAdded.data)).not.toHaveProperty('secret');
      expect(JSON.parse(secretAdded.data)).toHaveProperty('secretId', added.secretId);
      expect(JSON.parse(keyCreated.data)).not.toHaveProperty('secretHash');
      expect(JSON.parse(keyCreated.data)).toHaveProperty('keyId', created.key.keyId);
      const everything = rows.map((row) => row.data).join('\n');
      expect(everything).not.toContain(added.secret);
      // The log itself keeps both: the secret is needed to check a signature.
      const logged = events.find((event) => event.type === 'IntegrationSecretAdded')!;
      expect(logged.data).toHaveProperty('secret', added.secret);
      expect(events.find((event) => event.type === 'ApiKeyCreated')!.data).toHaveProperty(
        'secretHash',
      );
    } finally {
      await stores.close();
    }
  });

  it('migration 2 takes the credentials out of the rows written before, in place', async () => {
    const stores = await openStores();
    try {
      await stores.readStore.migrate(CHECKPOINTS_OWNER, checkpointMigrations);
      await stores.readStore.migrate(auditTrail.name, auditTrail.migrations.slice(0, 1));
      const rows: [number, string, string][] = [
        [
          1,
          'IntegrationSecretAdded',
          '{"integrationId":"cro-one","secret":"whsec_c2VjcmV0","secretId":"s1"}',
        ],
        [2, 'ApiKeyCreated', '{"keyId":"k1","name":"auditor","role":"auditor","secretHash":"abc"}'],
        [3, 'INDSubmitted', '{"jurisdiction":"US","productId":"p","secret":"not a credential"}'],
      ];
      for (const [position, type, data] of rows)
        await stores.readStore.execute(
          `INSERT INTO audit_trail (global_position, event_id, stream_id, stream_version, type,
             schema_version, occurred_at, recorded_at, actor, source, correlation_id,
             causation_id, data)
           VALUES (?, ?, 's', ?, ?, 1, '2026-01-01', '2026-01-01T00:00:00.000Z', 'cli:test',
             NULL, NULL, NULL, ?)`,
          [position, `e${position}`, position, type, data],
        );
      await stores.readStore.execute(
        "INSERT INTO checkpoints (name, position, updated_at) VALUES ('audit-trail', 3, 'x')",
      );
      await stores.readStore.migrate(auditTrail.name, auditTrail.migrations);
      const after = await stores.readStore.query<{ data: string }>(
        'SELECT data FROM audit_trail ORDER BY global_position',
      );
      expect(after.map((row) => JSON.parse(row.data) as unknown)).toEqual([
        { integrationId: 'cro-one', secretId: 's1' },
        { keyId: 'k1', name: 'auditor', role: 'auditor' },
        { jurisdiction: 'US', productId: 'p', secret: 'not a credential' },
      ]);
      // The trail stays whole: its checkpoint, and every row, where they were.
      const [checkpoint] = await stores.readStore.query<{ position: number | string }>(
        "SELECT position FROM checkpoints WHERE name = 'audit-trail'",
      );
      expect(Number(checkpoint?.position)).toBe(3);
    } finally {
      await stores.close();
    }
  });
}

describe('the audit trail on SQLite', () => credentialsSuite(openSqliteStores));
describeWithPostgres('the audit trail on PostgreSQL', () => credentialsSuite(openPostgresStores));
