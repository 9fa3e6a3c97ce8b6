import { createHash, randomUUID } from 'node:crypto';
import { EventIdConflictError, WrongExpectedVersionError } from '../eventstore/errors';
import type { EventMetadataInput, EventStore, NewEvent } from '../eventstore/eventStore';
import type { JsonObject } from '../eventstore/json';
import type { Role } from '../http/api/principal';
import { apiKeyFromEvents, type ApiKey } from './apiKey';
import {
  API_KEY_CREATED,
  API_KEY_REVOKED,
  API_KEY_SCHEMA_VERSION,
  apiKeyCreatedSchema,
  apiKeyRevokedSchema,
  apiKeyStream,
} from './apiKeyEvents';
import { formatApiKey, generateApiKey, hashSecret, type ApiKeyToken } from './apiKeyToken';

export interface ApiKeyRegistryOptions {
  readonly store: EventStore;
  readonly clock?: () => Date;
  /** How long a key read for authentication is trusted before its stream is read again. */
  readonly cacheTtlMs?: number;
  readonly maxCachedKeys?: number;
}

/** Where a change comes from: who, and through what (request id, CLI command). */
export interface ChangeOrigin {
  /** `apikey:<keyId>` of an admin, `cli:<user>`, or `system:bootstrap`. */
  readonly actor: string;
  readonly source?: string;
  readonly correlationId?: string;
}

export interface CreateApiKeyInput extends ChangeOrigin {
  readonly name: string;
  readonly role: Role;
  readonly eventTypes?: readonly string[];
  /** A key chosen by the operator (BOOTSTRAP_ADMIN_KEY); a fresh random one otherwise. */
  readonly token?: ApiKeyToken;
  /** For a chosen key: the same id on every attempt, so that a retried creation is a no-op. */
  readonly eventId?: string;
}

export interface CreatedApiKey {
  readonly key: ApiKey;
  /** The whole key, secret included: shown once, to its creator, and never stored. */
  readonly apiKey: string;
  readonly globalPosition: number;
}

export interface RevokeApiKeyInput extends ChangeOrigin {
  readonly keyId: string;
  readonly reason: string;
}

export class ApiKeyNotFoundError extends Error {
  readonly code = 'api-key-not-found';
  constructor(readonly keyId: string) {
    super(`there is no API key ${keyId}`);
    this.name = 'ApiKeyNotFoundError';
  }
}

export class ApiKeyExistsError extends Error {
  readonly code = 'api-key-exists';
  constructor(readonly keyId: string) {
    super(`the API key ${keyId} exists already`);
    this.name = 'ApiKeyExistsError';
  }
}

/**
 * The first admin key ever created, by whichever path (first start, BOOTSTRAP_ADMIN_KEY, the
 * CLI), is appended with this event id. Event ids are unique across the whole store on every
 * adapter, so the id is a claim that exactly one append in the store's life can win, atomically,
 * across processes and restarts, without a table or a scan of the log: "is there an admin key at
 * all?" is "has this id been taken?". Keys created through the API need an admin already, so
 * they never compete for it.
 */
export const FIRST_ADMIN_EVENT_ID = nameBasedUuid('obligations', 'first-admin-key');

const DEFAULT_CACHE_TTL_MS = 5_000;
const DEFAULT_MAX_CACHED_KEYS = 10_000;
// Key ids are 60 random bits: a collision is rare enough that a few retries are plenty.
const KEY_ID_ATTEMPTS = 3;

interface CacheEntry {
  readonly key: ApiKey;
  readonly expiresAt: number;
}

/**
 * The API keys, kept as events (see apiKeyEvents.ts). Authentication reads a key's stream through
 * the event store, never a projection, so a new key works at once and a revocation cannot wait
 * for a lagging read model. Found keys are cached for `cacheTtlMs` (5 s by default): a revocation
 * made through this registry takes effect at once in this process, and within that time in every
 * other process. Unknown key ids are not cached, so a key created elsewhere works immediately.
 */
export class ApiKeyRegistry {
  private readonly store: EventStore;
  private readonly clock: () => Date;
  private readonly cacheTtlMs: number;
  private readonly maxCachedKeys: number;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly loading = new Map<string, Promise<ApiKey | null>>();
  // Bumped by every change made here: a read that began before it must not refill the cache.
  private generation = 0;
  private firstAdminTaken = false;

  constructor(options: ApiKeyRegistryOptions) {
    this.store = options.store;
    this.clock = options.clock ?? (() => new Date());
    this.cacheTtlMs = options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS;
    this.maxCachedKeys = options.maxCachedKeys ?? DEFAULT_MAX_CACHED_KEYS;
  }

  /** The key as its stream tells it now, or as recorded at a global position. */
  async read(keyId: string, recordedAt?: number): Promise<ApiKey | null> {
    const events = await this.store.readStream(apiKeyStream(keyId));
    return apiKeyFromEvents(
      recordedAt === undefined ? events : events.filter((e) => e.globalPosition <= recordedAt),
    );
  }

  /** The key for authenticating a request: from the cache while fresh, else from its stream. */
  async find(keyId: string): Promise<ApiKey | null> {
    const now = this.clock().getTime();
    const cached = this.cache.get(keyId);
    if (cached !== undefined && cached.expiresAt > now) return cached.key;
    const pending = this.loading.get(keyId);
    if (pending !== undefined) return pending;
    const generation = this.generation;
    const load = this.read(keyId)
      .then((key) => {
        if (key !== null && generation === this.generation) this.remember(key, now);
        return key;
      })
      .finally(() => this.loading.delete(keyId));
    this.loading.set(keyId, load);
    return load;
  }

  async create(input: CreateApiKeyInput): Promise<CreatedApiKey> {
    for (let attempt = 1; ; attempt++) {
      const token = input.token ?? generateApiKey();
      try {
        const created =
          input.role === 'admin' && !this.firstAdminTaken
            ? ((await this.appendCreated(input, token, FIRST_ADMIN_EVENT_ID)) ??
              (await this.appendCreated(input, token, input.eventId ?? randomUUID())))
            : await this.appendCreated(input, token, input.eventId ?? randomUUID());
        if (created === null) throw new Error('a fresh event id conflicted');
        return created;
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        if (input.token !== undefined) throw new ApiKeyExistsError(token.keyId);
        if (attempt >= KEY_ID_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * Creates an admin key only if no admin key was ever created in this store (see
   * FIRST_ADMIN_EVENT_ID); null when one was, even if it has been revoked since.
   */
  async createFirstAdmin(
    input: Omit<CreateApiKeyInput, 'role' | 'eventTypes' | 'eventId'>,
  ): Promise<CreatedApiKey | null> {
    if (this.firstAdminTaken) return null;
    return this.appendCreated(
      { ...input, role: 'admin' },
      input.token ?? generateApiKey(),
      FIRST_ADMIN_EVENT_ID,
    );
  }

  /** Revokes a key; revoking a revoked key changes nothing and answers the first revocation. */
  async revoke(input: RevokeApiKeyInput): Promise<{ key: ApiKey; alreadyRevoked: boolean }> {
    for (;;) {
      const key = await this.read(input.keyId);
      if (key === null) throw new ApiKeyNotFoundError(input.keyId);
      if (key.revoked !== null) return { key, alreadyRevoked: true };
      const data = apiKeyRevokedSchema.parse({
        keyId: key.keyId,
        reason: input.reason,
        revokedBy: input.actor,
      });
      try {
        await this.store.append(
          apiKeyStream(key.keyId),
          [this.event(API_KEY_REVOKED, randomUUID(), data, input)],
          { expectedVersion: key.version },
        );
      } catch (error) {
        // Revoked concurrently: the next read says by whom.
        if (error instanceof WrongExpectedVersionError) continue;
        throw error;
      }
      this.forget(key.keyId);
      const revoked = await this.read(key.keyId);
      if (revoked === null) throw new ApiKeyNotFoundError(key.keyId);
      return { key: revoked, alreadyRevoked: false };
    }
  }

  /** Null when `eventId` is the first-admin claim and another key holds it. */
  private async appendCreated(
    input: CreateApiKeyInput,
    token: ApiKeyToken,
    eventId: string,
  ): Promise<CreatedApiKey | null> {
    const data = apiKeyCreatedSchema.parse({
      keyId: token.keyId,
      name: input.name,
      role: input.role,
      ...(input.eventTypes !== undefined && { eventTypes: [...input.eventTypes] }),
      secretHash: hashSecret(token.secret),
      createdBy: input.actor,
    });
    let globalPosition: number;
    try {
      ({ globalPosition } = await this.store.append(
        apiKeyStream(token.keyId),
        [this.event(API_KEY_CREATED, eventId, data, input)],
        { expectedVersion: 'no-stream' },
      ));
    } catch (error) {
      if (eventId === FIRST_ADMIN_EVENT_ID && error instanceof EventIdConflictError) {
        this.firstAdminTaken = true;
        return null;
      }
      throw error;
    }
    if (eventId === FIRST_ADMIN_EVENT_ID) this.firstAdminTaken = true;
    this.forget(token.keyId);
    const key = await this.read(token.keyId);
    if (key === null) throw new ApiKeyNotFoundError(token.keyId);
    return { key, apiKey: formatApiKey(token), globalPosition };
  }

  private event(type: string, eventId: string, data: object, origin: ChangeOrigin): NewEvent {
    const metadata: EventMetadataInput = {
      occurredAt: this.clock().toISOString(),
      actor: origin.actor,
      ...(origin.source !== undefined && { source: origin.source }),
      ...(origin.correlationId !== undefined && { correlationId: origin.correlationId }),
    };
    // The schemas above hold strings, string arrays and nothing else: plain JSON.
    return {
      eventId,
      type,
      schemaVersion: API_KEY_SCHEMA_VERSION,
      data: data as JsonObject,
      metadata,
    };
  }

  private remember(key: ApiKey, now: number): void {
    this.cache.delete(key.keyId);
    // A Map iterates in insertion order: the first entry is the oldest.
    if (this.cache.size >= this.maxCachedKeys) {
      const oldest = this.cache.keys().next();
      if (oldest.done !== true) this.cache.delete(oldest.value);
    }
    this.cache.set(key.keyId, { key, expiresAt: now + this.cacheTtlMs });
  }

  private forget(keyId: string): void {
    this.generation++;
    this.cache.delete(keyId);
  }
}

/** A UUID (version 8, RFC 9562) derived from a name: the same name, the same id. */
export function nameBasedUuid(...parts: readonly string[]): string {
  const hash = createHash('sha256').update(JSON.stringify(parts)).digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x80;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
