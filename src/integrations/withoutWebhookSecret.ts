import { INTEGRATION_SECRET_ADDED } from './integrationEvents';

/**
 * Event data fit to show anyone (the audit trail, exports): an IntegrationSecretAdded without its
 * `secret`. The service must keep webhook secrets themselves (an HMAC is checked with the key),
 * so the event holds one; it is shown once, to the admin who added it, and never again.
 */
export function withoutWebhookSecret(type: string, data: unknown): unknown {
  if (type !== INTEGRATION_SECRET_ADDED || typeof data !== 'object' || data === null) return data;
  const { secret: _secret, ...shown } = data as Record<string, unknown>;
  return shown;
}
