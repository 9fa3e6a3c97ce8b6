import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * A Standard Webhooks signing secret: `whsec_` and the base64 of the HMAC-SHA256 key. Generated
 * ones have 32 random bytes (256 bits, the size of the hash); secrets an integration brings
 * from a system that made them already are taken with 24 to 64 bytes, as the specification
 * allows.
 */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
const GENERATED_BYTES = 32;
const MIN_BYTES = 24;
const MAX_BYTES = 64;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function generateWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(GENERATED_BYTES).toString('base64');
}

/** The HMAC key of a secret; null unless it is `whsec_` and canonical base64 of 24-64 bytes. */
export function webhookSecretKey(secret: string): Buffer | null {
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) return null;
  const encoded = secret.slice(WEBHOOK_SECRET_PREFIX.length);
  if (!BASE64.test(encoded)) return null;
  const key = Buffer.from(encoded, 'base64');
  return key.length >= MIN_BYTES && key.length <= MAX_BYTES ? key : null;
}

export const webhookSecretSchema = z
  .string()
  .refine((secret) => webhookSecretKey(secret) !== null, {
    error: `expected ${WEBHOOK_SECRET_PREFIX}<base64 of ${MIN_BYTES} to ${MAX_BYTES} random bytes>`,
  });
