import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks (standardwebhooks.com) signature verification, over the raw body as
 * received: the signed content is `${webhook-id}.${webhook-timestamp}.${body}`, the signature
 * HMAC-SHA256 with the secret's key, base64. `webhook-signature` holds one or more
 * space-separated `<version>,<signature>`; versions other than v1 are ignored (v1a, ed25519, is
 * not verified here), and any v1 signature made with any active secret of the integration
 * passes, which lets a sender rotate its secret without downtime.
 */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;
// Beyond 2^53 a number loses digits; no honest timestamp has more than a dozen.
const MAX_TIMESTAMP_DIGITS = 15;

export interface WebhookHeaders {
  readonly id: string | undefined;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
}

export interface VerifyingSecret {
  readonly secretId: string;
  /** The HMAC key: the base64 after `whsec_`, decoded. */
  readonly key: Buffer;
}

export type SignatureFailure =
  | 'missing-headers'
  | 'invalid-timestamp'
  | 'timestamp-too-old'
  | 'timestamp-too-new'
  | 'no-valid-signature';

export type SignatureCheck =
  | { readonly ok: true; readonly secretId: string; readonly timestamp: number }
  | { readonly ok: false; readonly reason: SignatureFailure; readonly detail: string };

export function verifySignature(input: {
  readonly headers: WebhookHeaders;
  readonly body: Buffer;
  readonly secrets: readonly VerifyingSecret[];
  readonly now: Date;
  readonly toleranceSeconds?: number;
}): SignatureCheck {
  const { id, timestamp, signature } = input.headers;
  const missing = [
    ...(id === undefined || id === '' ? ['webhook-id'] : []),
    ...(timestamp === undefined || timestamp === '' ? ['webhook-timestamp'] : []),
    ...(signature === undefined || signature === '' ? ['webhook-signature'] : []),
  ];
  if (id === undefined || timestamp === undefined || signature === undefined || missing.length > 0)
    return fail('missing-headers', `missing ${missing.join(', ')}`);
  if (!/^\d+$/.test(timestamp) || timestamp.length > MAX_TIMESTAMP_DIGITS)
    return fail(
      'invalid-timestamp',
      'webhook-timestamp must be the seconds since 1970-01-01T00:00:00Z, digits only',
    );
  const seconds = Number(timestamp);
  const now = Math.floor(input.now.getTime() / 1000);
  const tolerance = input.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS;
  if (seconds < now - tolerance)
    return fail('timestamp-too-old', `webhook-timestamp is more than ${tolerance} s in the past`);
  if (seconds > now + tolerance)
    return fail('timestamp-too-new', `webhook-timestamp is more than ${tolerance} s in the future`);
  const presented = signature
    .split(' ')
    .map((part) => part.split(','))
    .filter((parts) => parts.length === 2 && parts[0] === 'v1')
    .map((parts) => Buffer.from(parts[1]!, 'utf8'));
  const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), input.body]);
  for (const secret of input.secrets) {
    const expected = Buffer.from(sign(secret.key, signed), 'utf8');
    // Every presented signature is compared, in constant time each: the time taken tells
    // nothing of how much of one matched.
    let matched = false;
    for (const candidate of presented)
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected))
        matched = true;
    if (matched) return { ok: true, secretId: secret.secretId, timestamp: seconds };
  }
  return fail(
    'no-valid-signature',
    presented.length === 0
      ? 'webhook-signature holds no v1 signature'
      : 'no v1 signature matches an active secret of this integration',
  );
}

/** The base64 HMAC-SHA256 of the signed content: what follows `v1,`. */
export function sign(key: Buffer, signedContent: Buffer): string {
  return createHmac('sha256', key).update(signedContent).digest('base64');
}

/** A `webhook-signature` header for a body (tests, and integrators' examples). */
export function signatureHeader(
  key: Buffer,
  id: string,
  timestamp: number | string,
  body: Buffer | string,
): string {
  const content = Buffer.concat([
    Buffer.from(`${id}.${timestamp}.`, 'utf8'),
    typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
  ]);
  return `v1,${sign(key, content)}`;
}

function fail(reason: SignatureFailure, detail: string): SignatureCheck {
  return { ok: false, reason, detail };
}
