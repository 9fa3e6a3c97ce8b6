import type { Logger } from 'pino';
import type { AuditConfig } from '../config';
import { loadOrCreateSigningKeyFile, parseSigningKey, type SigningKey } from './signingKey';

/**
 * The checkpoint signing key the configuration names: SIGNING_KEY; else, on a SQLite store, the
 * key file beside the events (created on first start, its public key logged for the operator to
 * publish); else none, said once in the log: the service then signs nothing, and
 * GET /audit/public-key answers 503.
 */
export function configuredSigningKey(audit: AuditConfig, logger: Logger): SigningKey | null {
  if (audit.signingKey !== undefined) return parseSigningKey(audit.signingKey);
  if (audit.signingKeyFile !== undefined) {
    const { key, created } = loadOrCreateSigningKeyFile(audit.signingKeyFile);
    if (created)
      logger.warn(
        { path: audit.signingKeyFile, keyId: key.keyId, publicKeyPem: key.publicKeyPem },
        'created a checkpoint signing key: back it up, and publish its public key',
      );
    return key;
  }
  logger.warn('no SIGNING_KEY: checkpoints of the hash chain are not signed');
  return null;
}
