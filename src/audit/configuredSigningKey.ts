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
  logger.warn(
    { readinessWarning: NO_SIGNING_KEY.code },
    'no SIGNING_KEY: checkpoints of the hash chain are not signed, no evidence bundle can be exported, and /readyz says so',
  );
  return null;
}

const NO_SIGNING_KEY = {
  code: 'no-signing-key',
  detail:
    'No SIGNING_KEY is configured (and the store is not SQLite, whose key file would be used): the hash chain is kept but its checkpoints are not signed, so there is no evidence to export or check. Set SIGNING_KEY (README: Tamper evidence).',
} as const;

/**
 * What /readyz reports about signing. A missing key leaves it 200: commands and queries work,
 * and taking instances out of the load balancer would not bring a key; it is a warning to alert on.
 */
export function signingReadinessWarnings(
  key: SigningKey | null,
): readonly { code: string; detail: string }[] {
  return key === null ? [NO_SIGNING_KEY] : [];
}
