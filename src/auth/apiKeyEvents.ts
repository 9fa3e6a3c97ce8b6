import { z } from 'zod';
import { isEventType } from '../domain/events/catalogue';
import { ROLES, type Role } from '../http/api/principal';
import { KEY_ID_PATTERN, SECRET_HASH_PATTERN } from './apiKeyToken';

/**
 * API keys live in the event store beside the facts they authorise, not in a table: who created
 * or revoked which key, when and why, is part of the audit trail, and a rebuilt read store loses
 * nothing. They are not licensing facts, so they stay out of src/domain and its catalogue.
 *
 * One stream per key, `apikey-<keyId>`: authenticating a request reads one short stream.
 */
export const API_KEY_CREATED = 'ApiKeyCreated';
export const API_KEY_REVOKED = 'ApiKeyRevoked';
export const API_KEY_EVENT_TYPES: readonly string[] = [API_KEY_CREATED, API_KEY_REVOKED];
export const API_KEY_SCHEMA_VERSION = 1;

export const apiKeyStream = (keyId: string): string => `apikey-${keyId}`;

export const keyIdSchema = z.string().regex(KEY_ID_PATTERN, {
  error: 'expected a key id: 12 characters a-z and 2-7',
});

export const keyNameSchema = z
  .string()
  .trim()
  .min(1, { error: 'a key needs a name' })
  .max(200, { error: 'at most 200 characters' });

export const roleSchema = z.enum(ROLES, { error: `expected one of ${ROLES.join(', ')}` });

export const eventTypesSchema = z
  .array(
    z
      .string()
      .refine(isEventType, { error: 'not an event type of the catalogue (docs/events.md)' }),
  )
  .min(1, { error: 'an integration key posts at least one event type' })
  .refine((types) => new Set(types).size === types.length, { error: 'names a type twice' });

export const reasonSchema = z
  .string()
  .trim()
  .min(1, { error: 'a revocation needs a reason' })
  .max(1_000, { error: 'at most 1000 characters' });

/** Integration keys name the event types they may post; no other key does. */
export function eventTypesMatchRole(
  {
    role,
    eventTypes,
  }: { readonly role: Role; readonly eventTypes?: readonly string[] | undefined },
  context: z.RefinementCtx,
): void {
  if (role === 'integration' && eventTypes === undefined)
    context.addIssue({
      code: 'custom',
      path: ['eventTypes'],
      message: 'an integration key names the event types it may post',
    });
  if (role !== 'integration' && eventTypes !== undefined)
    context.addIssue({
      code: 'custom',
      path: ['eventTypes'],
      message: 'only an integration key names event types',
    });
}

/** `apikey:<keyId>` of an admin, `cli:<user>`, or `system:bootstrap`. */
const actorSchema = z.string().min(1);

export const apiKeyCreatedSchema = z
  .strictObject({
    keyId: keyIdSchema,
    name: keyNameSchema,
    role: roleSchema,
    /** Integration keys only: the event types the key may post. */
    eventTypes: eventTypesSchema.optional(),
    /** SHA-256 of the secret, lowercase hex. The secret itself is never stored. */
    secretHash: z.string().regex(SECRET_HASH_PATTERN),
    createdBy: actorSchema,
  })
  .superRefine(eventTypesMatchRole);
export type ApiKeyCreated = z.output<typeof apiKeyCreatedSchema>;

export const apiKeyRevokedSchema = z.strictObject({
  keyId: keyIdSchema,
  reason: reasonSchema,
  revokedBy: actorSchema,
});
export type ApiKeyRevoked = z.output<typeof apiKeyRevokedSchema>;
