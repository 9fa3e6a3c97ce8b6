import { z } from 'zod';
import { webhookSecretSchema } from './webhookSecret';
import { isPostableFactType } from '../webhooks/postableFacts';

/**
 * Integrations (a CRO's trial system, a regulatory tracker, the licensee's ERP, a bank) post facts
 * by webhook. Like API keys they live in the event store, one stream per integration,
 * `integration-<integrationId>`: who registered it, which secrets were added and revoked, which
 * event types it may post and when it was disabled, all in the audit trail, and nothing is lost
 * when the read models are rebuilt. They are not licensing facts, so they stay out of src/domain.
 *
 * Unlike an API key, a webhook secret cannot be kept as a hash: verifying an HMAC needs the key
 * itself. It is stored in IntegrationSecretAdded and nowhere else, and never shown again after
 * the answer that created it (see withoutSecrets).
 */
export const INTEGRATION_REGISTERED = 'IntegrationRegistered';
export const INTEGRATION_SECRET_ADDED = 'IntegrationSecretAdded';
export const INTEGRATION_SECRET_REVOKED = 'IntegrationSecretRevoked';
export const INTEGRATION_EVENT_TYPES_CHANGED = 'IntegrationEventTypesChanged';
export const INTEGRATION_DISABLED = 'IntegrationDisabled';
export const INTEGRATION_ENABLED = 'IntegrationEnabled';
export const INTEGRATION_SCHEMA_VERSION = 1;

export const integrationStream = (integrationId: string): string => `integration-${integrationId}`;

/** Chosen by the admin; it is the webhook's path (`/webhooks/<integrationId>`) and its actor. */
export const INTEGRATION_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export const integrationIdSchema = z.string().regex(INTEGRATION_ID_PATTERN, {
  error: 'expected 1 to 64 characters a-z, 0-9 and inner hyphens, e.g. cro-trials',
});

export const secretIdSchema = z.string().regex(/^[a-z2-7]{12}$/, {
  error: 'expected a secret id: 12 characters a-z and 2-7',
});

export const integrationNameSchema = z
  .string()
  .trim()
  .min(1, { error: 'an integration needs a name' })
  .max(200, { error: 'at most 200 characters' });

export const integrationEventTypesSchema = z
  .array(
    z.string().refine(isPostableFactType, {
      error:
        'not a fact an integration may post (development, regulatory, market and patent facts, net sales and third-party royalty reports, invoices, payments)',
    }),
  )
  .min(1, { error: 'an integration posts at least one event type' })
  .refine((types) => new Set(types).size === types.length, { error: 'names a type twice' });

export const reasonSchema = z
  .string()
  .trim()
  .min(1, { error: 'give a reason' })
  .max(1_000, { error: 'at most 1000 characters' });

/** `apikey:<keyId>` of an admin or `cli:<user>`. */
const actorSchema = z.string().min(1);

export const integrationRegisteredSchema = z.strictObject({
  integrationId: integrationIdSchema,
  name: integrationNameSchema,
  eventTypes: integrationEventTypesSchema,
  registeredBy: actorSchema,
});

export const integrationSecretAddedSchema = z.strictObject({
  integrationId: integrationIdSchema,
  secretId: secretIdSchema,
  /** `whsec_<base64>`: the HMAC key itself, which verification needs. Never shown again. */
  secret: webhookSecretSchema,
  addedBy: actorSchema,
});

export const integrationSecretRevokedSchema = z.strictObject({
  integrationId: integrationIdSchema,
  secretId: secretIdSchema,
  reason: reasonSchema,
  revokedBy: actorSchema,
});

export const integrationEventTypesChangedSchema = z.strictObject({
  integrationId: integrationIdSchema,
  /** The whole new list, not a difference. */
  eventTypes: integrationEventTypesSchema,
  changedBy: actorSchema,
});

export const integrationDisabledSchema = z.strictObject({
  integrationId: integrationIdSchema,
  reason: reasonSchema,
  disabledBy: actorSchema,
});

export const integrationEnabledSchema = z.strictObject({
  integrationId: integrationIdSchema,
  enabledBy: actorSchema,
});
