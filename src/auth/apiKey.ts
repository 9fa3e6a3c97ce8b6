import type { RecordedEvent } from '../eventstore/eventStore';
import type { Role } from '../http/api/principal';
import {
  API_KEY_CREATED,
  API_KEY_REVOKED,
  apiKeyCreatedSchema,
  apiKeyRevokedSchema,
} from './apiKeyEvents';

export interface ApiKeyRevocation {
  readonly reason: string;
  readonly revokedBy: string;
  /** When the store recorded the revocation. */
  readonly revokedAt: string;
}

/** What anyone may be shown about a key: never its hash, let alone its secret. */
export interface ApiKeyDescription {
  readonly keyId: string;
  readonly name: string;
  readonly role: Role;
  readonly eventTypes?: readonly string[];
  readonly createdBy: string;
  /** When the store recorded the creation. */
  readonly createdAt: string;
  readonly revoked: ApiKeyRevocation | null;
}

/** A key as its stream tells it. */
export interface ApiKey extends ApiKeyDescription {
  readonly secretHash: string;
  /** The stream's version: the expected version of the next append. */
  readonly version: number;
}

/**
 * Folds a key's stream. A stream that does not hold a valid key is a bug (only this module writes
 * them), so it throws rather than letting a request in or quietly out.
 */
export function apiKeyFromEvents(events: readonly RecordedEvent[]): ApiKey | null {
  const [first, ...rest] = events;
  if (first === undefined) return null;
  if (first.type !== API_KEY_CREATED)
    throw new Error(`${first.streamId} starts with ${first.type}, not ${API_KEY_CREATED}`);
  const created = apiKeyCreatedSchema.parse(first.data);
  let key: ApiKey = {
    keyId: created.keyId,
    name: created.name,
    role: created.role,
    ...(created.eventTypes !== undefined && { eventTypes: created.eventTypes }),
    createdBy: created.createdBy,
    createdAt: first.metadata.recordedAt,
    revoked: null,
    secretHash: created.secretHash,
    version: first.streamVersion,
  };
  for (const event of rest) {
    if (event.type !== API_KEY_REVOKED)
      throw new Error(`${event.streamId} holds an unexpected ${event.type}`);
    const revoked = apiKeyRevokedSchema.parse(event.data);
    key = {
      ...key,
      // The first revocation is the one that counts; a key cannot be revoked twice.
      revoked: key.revoked ?? {
        reason: revoked.reason,
        revokedBy: revoked.revokedBy,
        revokedAt: event.metadata.recordedAt,
      },
      version: event.streamVersion,
    };
  }
  return key;
}

export function describeApiKey(key: ApiKey): ApiKeyDescription {
  const { secretHash: _secretHash, version: _version, ...description } = key;
  return description;
}
