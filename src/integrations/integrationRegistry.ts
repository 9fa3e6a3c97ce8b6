import { randomUUID } from 'node:crypto';
import { generateKeyId } from '../auth/apiKeyToken';
import type { ChangeOrigin } from '../auth/apiKeyRegistry';
import { WrongExpectedVersionError } from '../eventstore/errors';
import type { EventMetadataInput, EventStore, NewEvent } from '../eventstore/eventStore';
import type { JsonObject } from '../eventstore/json';
import { activeSecrets, integrationFromEvents, type Integration } from './integration';
import {
  INTEGRATION_DISABLED,
  INTEGRATION_ENABLED,
  INTEGRATION_EVENT_TYPES_CHANGED,
  INTEGRATION_REGISTERED,
  INTEGRATION_SCHEMA_VERSION,
  INTEGRATION_SECRET_ADDED,
  INTEGRATION_SECRET_REVOKED,
  integrationDisabledSchema,
  integrationEnabledSchema,
  integrationEventTypesChangedSchema,
  integrationRegisteredSchema,
  integrationSecretAddedSchema,
  integrationSecretRevokedSchema,
  integrationStream,
} from './integrationEvents';
import { generateWebhookSecret } from './webhookSecret';

export type { ChangeOrigin } from '../auth/apiKeyRegistry';

/** The most secrets valid at once: two during a rotation, a few more for slow rollouts. */
export const MAX_ACTIVE_SECRETS = 5;

export interface IntegrationRegistryOptions {
  readonly store: EventStore;
  readonly clock?: () => Date;
  /** How long an integration read for a delivery is trusted before its stream is read again. */
  readonly cacheTtlMs?: number;
}

export interface RegisterIntegrationInput extends ChangeOrigin {
  readonly integrationId: string;
  readonly name: string;
  readonly eventTypes: readonly string[];
  /** A secret the integration brings; a fresh one is generated otherwise. */
  readonly secret?: string;
}

/** A secret as its creator sees it, this once. */
export interface AddedSecret {
  readonly integration: Integration;
  readonly secretId: string;
  readonly secret: string;
  readonly globalPosition: number;
}

/** A refused change, with a stable code the routes and the CLI map to their answers. */
export class IntegrationError extends Error {
  constructor(
    readonly code:
      | 'integration-not-found'
      | 'integration-exists'
      | 'secret-not-found'
      | 'last-active-secret'
      | 'too-many-secrets',
    message: string,
  ) {
    super(message);
    this.name = 'IntegrationError';
  }
}

const DEFAULT_CACHE_TTL_MS = 5_000;
const CONFLICT_RETRIES = 5;

interface CacheEntry {
  readonly integration: Integration;
  readonly expiresAt: number;
}

/**
 * The integrations, kept as events (see integrationEvents.ts). A delivery is verified against the
 * integration's own stream, never a read model, so a new integration or secret works at once.
 * Found integrations are cached for `cacheTtlMs` (5 s by default): a change made through this
 * registry takes effect at once in this process, and within that time in every other process.
 */
export class IntegrationRegistry {
  private readonly store: EventStore;
  private readonly clock: () => Date;
  private readonly cacheTtlMs: number;
  private readonly cache = new Map<string, CacheEntry>();
  // Bumped by every change made here: a read that began before it must not refill the cache.
  private generation = 0;

  constructor(options: IntegrationRegistryOptions) {
    this.store = options.store;
    this.clock = options.clock ?? (() => new Date());
    this.cacheTtlMs = options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS;
  }

  /** The integration as its stream tells it now, or as recorded at a global position. */
  async read(integrationId: string, recordedAt?: number): Promise<Integration | null> {
    const events = await this.store.readStream(integrationStream(integrationId));
    return integrationFromEvents(
      recordedAt === undefined ? events : events.filter((e) => e.globalPosition <= recordedAt),
    );
  }

  /** The integration for verifying a delivery: from the cache while fresh, else its stream. */
  async find(integrationId: string): Promise<Integration | null> {
    const now = this.clock().getTime();
    const cached = this.cache.get(integrationId);
    if (cached !== undefined && cached.expiresAt > now) return cached.integration;
    const generation = this.generation;
    const integration = await this.read(integrationId);
    if (integration !== null && generation === this.generation) {
      // Integrations are few; unknown ids are never cached, so the map cannot be filled from outside.
      this.cache.set(integrationId, { integration, expiresAt: now + this.cacheTtlMs });
    }
    return integration;
  }

  async register(input: RegisterIntegrationInput): Promise<AddedSecret> {
    const registered = integrationRegisteredSchema.parse({
      integrationId: input.integrationId,
      name: input.name,
      eventTypes: [...input.eventTypes],
      registeredBy: input.actor,
    });
    const secretId = generateKeyId();
    const secret = input.secret ?? generateWebhookSecret();
    const added = integrationSecretAddedSchema.parse({
      integrationId: input.integrationId,
      secretId,
      secret,
      addedBy: input.actor,
    });
    try {
      const { globalPosition } = await this.store.append(
        integrationStream(input.integrationId),
        [
          this.event(INTEGRATION_REGISTERED, registered, input),
          this.event(INTEGRATION_SECRET_ADDED, added, input),
        ],
        { expectedVersion: 'no-stream' },
      );
      return {
        integration: await this.changed(input.integrationId),
        secretId,
        secret,
        globalPosition,
      };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError)
        throw new IntegrationError(
          'integration-exists',
          `the integration ${input.integrationId} exists already`,
        );
      throw error;
    }
  }

  /** Adds a secret; the others stay valid until revoked (a rotation without downtime). */
  async addSecret(
    input: ChangeOrigin & { readonly integrationId: string; readonly secret?: string },
  ): Promise<AddedSecret> {
    const secretId = generateKeyId();
    const secret = input.secret ?? generateWebhookSecret();
    const { integration, globalPosition } = await this.change(input, (current) => {
      if (activeSecrets(current).length >= MAX_ACTIVE_SECRETS)
        throw new IntegrationError(
          'too-many-secrets',
          `${current.integrationId} has ${MAX_ACTIVE_SECRETS} active secrets already: revoke one first`,
        );
      return [
        this.event(
          INTEGRATION_SECRET_ADDED,
          integrationSecretAddedSchema.parse({
            integrationId: current.integrationId,
            secretId,
            secret,
            addedBy: input.actor,
          }),
          input,
        ),
      ];
    });
    return { integration, secretId, secret, globalPosition };
  }

  /** Revokes one secret; revoking a revoked one changes nothing. The last active one stays. */
  async revokeSecret(
    input: ChangeOrigin & {
      readonly integrationId: string;
      readonly secretId: string;
      readonly reason: string;
    },
  ): Promise<Integration> {
    const { integration } = await this.change(input, (current) => {
      const secret = current.secrets.find((candidate) => candidate.secretId === input.secretId);
      if (secret === undefined)
        throw new IntegrationError(
          'secret-not-found',
          `${current.integrationId} has no secret ${input.secretId}`,
        );
      if (secret.revoked !== null) return [];
      if (activeSecrets(current).length === 1)
        throw new IntegrationError(
          'last-active-secret',
          `${input.secretId} is the only active secret of ${current.integrationId}: add another first, or disable the integration`,
        );
      return [
        this.event(
          INTEGRATION_SECRET_REVOKED,
          integrationSecretRevokedSchema.parse({
            integrationId: current.integrationId,
            secretId: input.secretId,
            reason: input.reason,
            revokedBy: input.actor,
          }),
          input,
        ),
      ];
    });
    return integration;
  }

  async changeEventTypes(
    input: ChangeOrigin & {
      readonly integrationId: string;
      readonly eventTypes: readonly string[];
    },
  ): Promise<Integration> {
    const { integration } = await this.change(input, (current) =>
      sameList(current.eventTypes, input.eventTypes)
        ? []
        : [
            this.event(
              INTEGRATION_EVENT_TYPES_CHANGED,
              integrationEventTypesChangedSchema.parse({
                integrationId: current.integrationId,
                eventTypes: [...input.eventTypes],
                changedBy: input.actor,
              }),
              input,
            ),
          ],
    );
    return integration;
  }

  /** Deliveries are refused (403) until it is enabled again; disabling a disabled one changes nothing. */
  async disable(
    input: ChangeOrigin & { readonly integrationId: string; readonly reason: string },
  ): Promise<Integration> {
    const { integration } = await this.change(input, (current) =>
      !current.enabled
        ? []
        : [
            this.event(
              INTEGRATION_DISABLED,
              integrationDisabledSchema.parse({
                integrationId: current.integrationId,
                reason: input.reason,
                disabledBy: input.actor,
              }),
              input,
            ),
          ],
    );
    return integration;
  }

  async enable(input: ChangeOrigin & { readonly integrationId: string }): Promise<Integration> {
    const { integration } = await this.change(input, (current) =>
      current.enabled
        ? []
        : [
            this.event(
              INTEGRATION_ENABLED,
              integrationEnabledSchema.parse({
                integrationId: current.integrationId,
                enabledBy: input.actor,
              }),
              input,
            ),
          ],
    );
    return integration;
  }

  /** Reads, decides, appends on the version read; a concurrent change means deciding again. */
  private async change(
    input: { readonly integrationId: string },
    decide: (current: Integration) => NewEvent[],
  ): Promise<{ integration: Integration; globalPosition: number }> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.read(input.integrationId);
      if (current === null)
        throw new IntegrationError(
          'integration-not-found',
          `there is no integration ${input.integrationId}`,
        );
      const events = decide(current);
      if (events.length === 0) return { integration: current, globalPosition: 0 };
      try {
        const { globalPosition } = await this.store.append(
          integrationStream(current.integrationId),
          events,
          { expectedVersion: current.version },
        );
        return { integration: await this.changed(current.integrationId), globalPosition };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= CONFLICT_RETRIES)
          throw error;
      }
    }
  }

  private async changed(integrationId: string): Promise<Integration> {
    this.generation++;
    this.cache.delete(integrationId);
    const integration = await this.read(integrationId);
    if (integration === null)
      throw new IntegrationError(
        'integration-not-found',
        `there is no integration ${integrationId}`,
      );
    return integration;
  }

  private event(type: string, data: object, origin: ChangeOrigin): NewEvent {
    const metadata: EventMetadataInput = {
      occurredAt: this.clock().toISOString(),
      actor: origin.actor,
      ...(origin.source !== undefined && { source: origin.source }),
      ...(origin.correlationId !== undefined && { correlationId: origin.correlationId }),
    };
    // The schemas hold strings and string arrays only: plain JSON.
    return {
      eventId: randomUUID(),
      type,
      schemaVersion: INTEGRATION_SCHEMA_VERSION,
      data: data as JsonObject,
      metadata,
    };
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}
