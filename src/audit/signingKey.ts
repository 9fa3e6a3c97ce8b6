import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  type KeyObject,
} from 'node:crypto';

/** The Ed25519 key that signs checkpoints, and what others need to check its signatures. */
export interface SigningKey {
  /** SHA-256 of the public key's DER (SubjectPublicKeyInfo), hex: the log id of RFC 9162. */
  readonly keyId: string;
  /** SPKI PEM: what GET /audit/public-key answers and auditors keep. */
  readonly publicKeyPem: string;
  /** Base64 Ed25519 signature of the message. */
  sign(message: Uint8Array): string;
}

/** The DER of a PKCS#8 Ed25519 private key, up to its 32-byte seed (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export class SigningKeyError extends Error {
  readonly code = 'config';
  constructor(message: string) {
    super(message);
    this.name = 'SigningKeyError';
  }
}

/** SIGNING_KEY: a PKCS#8 PEM (`openssl genpkey -algorithm ed25519`) or the base64 of a 32-byte seed. */
export function parseSigningKey(text: string): SigningKey {
  const trimmed = text.trim();
  let key: KeyObject;
  try {
    if (trimmed.startsWith('-----BEGIN')) key = createPrivateKey(trimmed);
    else {
      const seed = Buffer.from(trimmed, 'base64');
      if (seed.length !== 32) throw new Error('a seed has 32 bytes');
      key = createPrivateKey({
        key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
        format: 'der',
        type: 'pkcs8',
      });
    }
  } catch {
    throw new SigningKeyError(
      'SIGNING_KEY: expected an Ed25519 private key as PKCS#8 PEM or the base64 of a 32-byte seed',
    );
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new SigningKeyError(`SIGNING_KEY: expected an Ed25519 key, got ${key.asymmetricKeyType}`);
  return signingKeyOf(key);
}

/**
 * The key in `path`, created there (mode 0600, its directory too if needed) when the file does
 * not exist yet: how a one-machine SQLite service signs without configuration. `created` says
 * whether it is new, so the caller can log its public key for the operator to publish.
 */
export function loadOrCreateSigningKeyFile(path: string): { key: SigningKey; created: boolean } {
  if (existsSync(path)) return { key: parseSigningKey(readFileSync(path, 'utf8')), created: false };
  const { privateKey } = generateKeyPairSync('ed25519');
  mkdirSync(dirname(path), { recursive: true });
  // `wx`: never overwrite a key another process has just written.
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
    flag: 'wx',
  });
  chmodSync(path, 0o600);
  return { key: signingKeyOf(privateKey), created: true };
}

function signingKeyOf(privateKey: KeyObject): SigningKey {
  const publicKey = createPublicKey(privateKey);
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return {
    keyId: createHash('sha256').update(der).digest('hex'),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    sign: (message) => sign(null, message, privateKey).toString('base64'),
  };
}
