import type { RecordedEvent } from '../eventstore/eventStore';
import {
  INTEGRATION_DISABLED,
  INTEGRATION_ENABLED,
  INTEGRATION_EVENT_TYPES_CHANGED,
  INTEGRATION_REGISTERED,
  INTEGRATION_SECRET_ADDED,
  INTEGRATION_SECRET_REVOKED,
  integrationDisabledSchema,
  integrationEnabledSchema,
  integrationEventTypesChangedSchema,
  integrationRegisteredSchema,
  integrationSecretAddedSchema,
  integrationSecretRevokedSchema,
} from './integrationEvents';

export interface Revocation {
  readonly reason: string;
  readonly revokedBy: string;
  readonly revokedAt: string;
}

/** What anyone may be shown about a secret: its id and history, never the secret. */
export interface SecretDescription {
  readonly secretId: string;
  readonly addedBy: string;
  readonly addedAt: string;
  readonly revoked: Revocation | null;
}

export interface IntegrationDescription {
  readonly integrationId: string;
  readonly name: string;
  readonly eventTypes: readonly string[];
  readonly enabled: boolean;
  /** Why and by whom it was last disabled, while it is. */
  readonly disabled: { readonly reason: string; readonly by: string; readonly at: string } | null;
  readonly secrets: readonly SecretDescription[];
  readonly registeredBy: string;
  readonly registeredAt: string;
}

export interface IntegrationSecret extends SecretDescription {
  readonly secret: string;
}

/** An integration as its stream tells it. */
export interface Integration extends Omit<IntegrationDescription, 'secrets'> {
  readonly secrets: readonly IntegrationSecret[];
  /** The stream's version: the expected version of the next append. */
  readonly version: number;
}

/** The secrets a delivery may be signed with now. */
export const activeSecrets = (integration: Integration): IntegrationSecret[] =>
  integration.secrets.filter((secret) => secret.revoked === null);

/**
 * Folds an integration's stream. Only this module's registry writes these streams, so one that
 * does not hold a valid integration is a bug: it throws rather than letting a delivery in.
 */
export function integrationFromEvents(events: readonly RecordedEvent[]): Integration | null {
  const [first, ...rest] = events;
  if (first === undefined) return null;
  if (first.type !== INTEGRATION_REGISTERED)
    throw new Error(`${first.streamId} starts with ${first.type}, not ${INTEGRATION_REGISTERED}`);
  const registered = integrationRegisteredSchema.parse(first.data);
  let integration: Integration = {
    integrationId: registered.integrationId,
    name: registered.name,
    eventTypes: registered.eventTypes,
    enabled: true,
    disabled: null,
    secrets: [],
    registeredBy: registered.registeredBy,
    registeredAt: first.metadata.recordedAt,
    version: first.streamVersion,
  };
  for (const event of rest) {
    integration = { ...evolve(integration, event), version: event.streamVersion };
  }
  return integration;
}

function evolve(integration: Integration, event: RecordedEvent): Integration {
  const at = event.metadata.recordedAt;
  switch (event.type) {
    case INTEGRATION_SECRET_ADDED: {
      const added = integrationSecretAddedSchema.parse(event.data);
      const secret = { secretId: added.secretId, secret: added.secret, addedBy: added.addedBy };
      return {
        ...integration,
        secrets: [...integration.secrets, { ...secret, addedAt: at, revoked: null }],
      };
    }
    case INTEGRATION_SECRET_REVOKED: {
      const revoked = integrationSecretRevokedSchema.parse(event.data);
      return {
        ...integration,
        secrets: integration.secrets.map((secret) =>
          secret.secretId !== revoked.secretId || secret.revoked !== null
            ? secret
            : {
                ...secret,
                revoked: { reason: revoked.reason, revokedBy: revoked.revokedBy, revokedAt: at },
              },
        ),
      };
    }
    case INTEGRATION_EVENT_TYPES_CHANGED:
      return {
        ...integration,
        eventTypes: integrationEventTypesChangedSchema.parse(event.data).eventTypes,
      };
    case INTEGRATION_DISABLED: {
      const disabled = integrationDisabledSchema.parse(event.data);
      return {
        ...integration,
        enabled: false,
        disabled: { reason: disabled.reason, by: disabled.disabledBy, at },
      };
    }
    case INTEGRATION_ENABLED:
      integrationEnabledSchema.parse(event.data);
      return { ...integration, enabled: true, disabled: null };
    default:
      throw new Error(`${event.streamId} holds an unexpected ${event.type}`);
  }
}

export function describeIntegration(integration: Integration): IntegrationDescription {
  const { version: _version, secrets, ...rest } = integration;
  return { ...rest, secrets: secrets.map(({ secret: _secret, ...shown }) => shown) };
}
