import { createHash, createPublicKey } from 'node:crypto';
import { z } from 'zod';
import { derivedUuid } from '../application/storedEvents';
import type { EventStore } from '../eventstore/eventStore';
import type { SigningKey } from './signingKey';

/**
 * The checkpoint signing keys ever used, as events in the log itself (stream `signing-keys`):
 * durable, in every backup, hashed into the chain like any event and so covered by the very
 * checkpoints they sign. A key is valid for the checkpoints whose last event comes at or after
 * its adoption and before the next key's; checkpoints older than the first adoption (signed
 * before keys were recorded) belong to the first key. Not licensing facts: outside src/domain.
 */
export const SIGNING_KEYS_STREAM = 'signing-keys';
export const CHECKPOINT_KEY_ADOPTED = 'CheckpointKeyAdopted';
const SCHEMA_VERSION = 1;

export const checkpointKeyAdoptedSchema = z.strictObject({
  keyId: z.string().regex(/^[0-9a-f]{64}$/),
  algorithm: z.literal('Ed25519'),
  publicKeyPem: z.string(),
});

export interface AdoptedKey {
  readonly keyId: string;
  readonly publicKeyPem: string;
  /** The adoption event's position: the key signs checkpoints whose last event is here or later. */
  readonly globalPosition: number;
  readonly adoptedAt: string;
}

/** SHA-256 of a public key's SPKI DER, hex: the keyId checkpoints name. */
export function fingerprintOf(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}

/**
 * The keys in adoption order. An event that does not parse, or whose keyId is not its key's
 * fingerprint, is refused; `lenient` skips it instead (verify: the hash chain then reports the
 * edited event at its position, which is more use than an exception).
 */
export async function keyHistory(
  store: EventStore,
  options: { lenient?: boolean } = {},
): Promise<AdoptedKey[]> {
  const events = await store.readStream(SIGNING_KEYS_STREAM);
  const history: AdoptedKey[] = [];
  for (const event of events) {
    if (event.type !== CHECKPOINT_KEY_ADOPTED) continue;
    try {
      const data = checkpointKeyAdoptedSchema.parse(event.data);
      if (fingerprintOf(data.publicKeyPem) !== data.keyId)
        throw new Error(
          `the signing-keys event ${event.eventId} names key ${data.keyId} for another public key`,
        );
      history.push({
        keyId: data.keyId,
        publicKeyPem: data.publicKeyPem,
        globalPosition: event.globalPosition,
        adoptedAt: event.metadata.recordedAt,
      });
    } catch (error) {
      if (options.lenient !== true) throw error;
    }
  }
  return history;
}

/**
 * The key that may sign a checkpoint whose last event is at `lastPosition`: the last adopted at
 * or before it; before any adoption, the first key; null when no key was ever adopted.
 */
export function keyValidAt(
  history: readonly AdoptedKey[],
  lastPosition: number,
): AdoptedKey | null {
  let valid: AdoptedKey | null = history[0] ?? null;
  for (const key of history) if (key.globalPosition <= lastPosition) valid = key;
  return valid;
}

/** The positions each key is valid for: what GET /audit/public-key lists. */
export function validityOf(
  history: readonly AdoptedKey[],
): { key: AdoptedKey; fromPosition: number; untilPosition: number | null }[] {
  return history.map((key, index) => ({
    key,
    // The first key also covers the checkpoints signed before keys were recorded.
    fromPosition: index === 0 ? 1 : key.globalPosition,
    untilPosition: index + 1 < history.length ? history[index + 1]!.globalPosition - 1 : null,
  }));
}

/**
 * Records `key` as the signing key from now on, unless it already is. A key that was superseded
 * is `retired`: it may not sign again (a leaked old key must not be able to), and nothing is
 * appended. Concurrent workers adopting the same key append once (the event id is the key's).
 */
export async function adoptSigningKey(
  store: EventStore,
  key: SigningKey,
  clock: () => Date = () => new Date(),
): Promise<'current' | 'adopted' | 'retired'> {
  for (;;) {
    const history = await keyHistory(store);
    const current = history.at(-1);
    if (current?.keyId === key.keyId) return 'current';
    if (history.some((adopted) => adopted.keyId === key.keyId)) return 'retired';
    try {
      await store.append(
        SIGNING_KEYS_STREAM,
        [
          {
            eventId: derivedUuid('checkpoint-key-adopted', key.keyId),
            type: CHECKPOINT_KEY_ADOPTED,
            schemaVersion: SCHEMA_VERSION,
            data: { keyId: key.keyId, algorithm: 'Ed25519', publicKeyPem: key.publicKeyPem },
            metadata: { occurredAt: clock().toISOString(), actor: 'system:checkpoint-signer' },
          },
        ],
        { expectedVersion: history.length === 0 ? 'no-stream' : history.length },
      );
      return 'adopted';
    } catch (error) {
      // Another worker adopted a key meanwhile: read again and decide again.
      if ((error as { code?: string }).code !== 'wrong-expected-version') throw error;
    }
  }
}

/** Every Ed25519 public key in a PEM text (one file may hold several: the keys an auditor trusts). */
export function publicKeysIn(pemText: string): string[] {
  return pemText.match(/-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g) ?? [];
}
