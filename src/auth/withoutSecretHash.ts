import { API_KEY_CREATED } from './apiKeyEvents';

/**
 * Event data fit to show anyone (the audit trail, exports): an ApiKeyCreated without its
 * `secretHash`. The hash of a 256-bit secret gives nothing away, but a credential's material
 * belongs in the one place that checks it, not in every auditor's download.
 */
export function withoutSecretHash(type: string, data: unknown): unknown {
  if (type !== API_KEY_CREATED || typeof data !== 'object' || data === null) return data;
  const { secretHash: _secretHash, ...shown } = data as Record<string, unknown>;
  return shown;
}
