import type { ApiKeyDescription } from '../src/auth/apiKey';
import {
  API_KEY_CREATED,
  API_KEY_REVOKED,
  apiKeyCreatedSchema,
  apiKeyRevokedSchema,
} from '../src/auth/apiKeyEvents';
import type { RecordedEvent } from '../src/eventstore/eventStore';
import { ROLES, type Role } from '../src/http/api/principal';
import type { SqlExecutor } from '../src/readstore/readStore';
import type { Projection } from './projection';

// No hash column, on purpose: a read model is copied, backed up and queried by more people than
// the event store, and the list has no use for it. Authentication reads the key's stream.
const CREATE_API_KEYS = `
CREATE TABLE api_keys (
  key_id TEXT PRIMARY KEY,
  created_position BIGINT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  event_types TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  revoked_by TEXT,
  revoke_reason TEXT
)`;

/**
 * The list of API keys, for `GET /admin/api-keys` and `keys list` only. Authentication never
 * reads it (it reads each key's stream), so its lag can never let a revoked key in.
 */
export const apiKeys: Projection = {
  name: 'api-keys',
  tables: ['api_keys'],
  eventTypes: [API_KEY_CREATED, API_KEY_REVOKED],
  migrations: [
    { version: 1, name: 'api keys', sqlite: CREATE_API_KEYS, postgres: CREATE_API_KEYS },
  ],
  async apply(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type === API_KEY_CREATED) {
        const created = apiKeyCreatedSchema.parse(event.data);
        await tx.execute(
          `INSERT INTO api_keys (key_id, created_position, name, role, event_types, created_by, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
          [
            created.keyId,
            event.globalPosition,
            created.name,
            created.role,
            created.eventTypes === undefined ? null : JSON.stringify(created.eventTypes),
            created.createdBy,
            event.metadata.recordedAt,
          ],
        );
      } else if (event.type === API_KEY_REVOKED) {
        const revoked = apiKeyRevokedSchema.parse(event.data);
        // The first revocation counts, as in the key's own fold (src/auth/apiKey.ts).
        await tx.execute(
          `UPDATE api_keys SET revoked_at = ?, revoked_by = ?, revoke_reason = ?
           WHERE key_id = ? AND revoked_at IS NULL`,
          [event.metadata.recordedAt, revoked.revokedBy, revoked.reason, revoked.keyId],
        );
      }
    }
  },
};

interface ApiKeyRow {
  key_id: string;
  created_position: number | string;
  name: string;
  role: string;
  event_types: string | null;
  created_by: string;
  created_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
  revoke_reason: string | null;
}

export interface ApiKeyListPage {
  readonly keys: readonly ApiKeyDescription[];
  /** Where the next page starts (the last key's creation position), or null on the last page. */
  readonly nextAfter: number | null;
}

/**
 * Keys in the order they were created, after the given creation position (and, given
 * `createdBy`, created at or before it: each as it stands now, which a caller wanting the key as
 * recorded at that position reads from its stream).
 */
export async function listApiKeys(
  executor: SqlExecutor,
  options: {
    readonly after: number;
    readonly limit: number;
    /** Only the keys created at or before this global position. */
    readonly createdBy?: number | undefined;
  },
): Promise<ApiKeyListPage> {
  const rows = await executor.query<ApiKeyRow>(
    `SELECT key_id, created_position, name, role, event_types, created_by, created_at,
            revoked_at, revoked_by, revoke_reason
     FROM api_keys WHERE created_position > ? AND created_position <= ?
     ORDER BY created_position LIMIT ?`,
    [options.after, options.createdBy ?? Number.MAX_SAFE_INTEGER, options.limit + 1],
  );
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  return {
    keys: page.map(describeRow),
    nextAfter: rows.length > options.limit && last ? Number(last.created_position) : null,
  };
}

function describeRow(row: ApiKeyRow): ApiKeyDescription {
  return {
    keyId: row.key_id,
    name: row.name,
    role: roleOf(row.role),
    ...(row.event_types !== null && { eventTypes: JSON.parse(row.event_types) as string[] }),
    createdBy: row.created_by,
    createdAt: row.created_at,
    revoked:
      row.revoked_at === null
        ? null
        : {
            reason: row.revoke_reason ?? '',
            revokedBy: row.revoked_by ?? '',
            revokedAt: row.revoked_at,
          },
  };
}

function roleOf(value: string): Role {
  const role = ROLES.find((candidate) => candidate === value);
  if (role === undefined) throw new Error(`api_keys holds an unknown role ${value}`);
  return role;
}
