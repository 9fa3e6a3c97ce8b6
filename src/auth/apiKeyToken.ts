import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * An API key as the client holds it: `obl_<keyId>_<secret>`. The prefix makes a leaked key easy
 * to recognise (secret scanners, logs); the key id is public (it is the `actor` of the events the
 * key causes) and names the key's stream; only the secret authenticates.
 *
 * - key id: 12 characters of lowercase base32 (RFC 4648 alphabet, 60 random bits): no `_`, no
 *   case to get wrong when read aloud or typed;
 * - secret: 32 random bytes in base64url (43 characters, 256 bits).
 */
export const API_KEY_PREFIX = 'obl_';
const KEY_ID_LENGTH = 12;
const SECRET_BYTES = 32;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export const KEY_ID_PATTERN = /^[a-z2-7]{12}$/;
/** The whole key; the secret's base64url alphabet includes `_`, so the key id ends at the first one. */
export const API_KEY_PATTERN = /^obl_([a-z2-7]{12})_([A-Za-z0-9_-]{43})$/;
export const API_KEY_SHAPE = 'obl_<12 characters a-z, 2-7>_<43 characters base64url>';
/** SHA-256 in lowercase hex. */
export const SECRET_HASH_PATTERN = /^[0-9a-f]{64}$/;

export interface ApiKeyToken {
  readonly keyId: string;
  readonly secret: string;
}

export function generateKeyId(): string {
  // 256 is a multiple of 32, so the low five bits of each random byte are uniform.
  return Array.from(randomBytes(KEY_ID_LENGTH), (byte) => BASE32[byte & 31]).join('');
}

export function generateApiKey(keyId: string = generateKeyId()): ApiKeyToken {
  return { keyId, secret: randomBytes(SECRET_BYTES).toString('base64url') };
}

export function formatApiKey({ keyId, secret }: ApiKeyToken): string {
  return `${API_KEY_PREFIX}${keyId}_${secret}`;
}

/** Null for anything that is not exactly a key of this service. */
export function parseApiKey(value: string): ApiKeyToken | null {
  const match = API_KEY_PATTERN.exec(value);
  if (match === null) return null;
  return { keyId: match[1]!, secret: match[2]! };
}

/**
 * A plain SHA-256, on purpose: slow password hashes (bcrypt, scrypt, Argon2) exist to make
 * guessing low-entropy passwords expensive. A 256-bit random secret cannot be guessed however fast
 * the hash is, so a slow KDF would only cost every request its CPU time (GitHub and Stripe hash
 * their tokens the same way).
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares in constant time, so the answer's timing tells nothing about how much matched. */
export function secretMatches(secret: string, secretHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(secretHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

/**
 * A secret typed by hand (`obl_aaaaaaaaaaaa_AAAA…`) has the right shape and no entropy. A random
 * 43-character base64url string has about 31 distinct characters; fewer than 16 happens by chance
 * with a probability far below 2^-100.
 */
export function looksRandom(secret: string): boolean {
  return new Set(secret).size >= 16;
}
