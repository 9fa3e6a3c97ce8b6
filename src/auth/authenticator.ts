import type { Authenticator } from '../http/api/route';
import type { Principal } from '../http/api/principal';
import type { ApiKeyRegistry } from './apiKeyRegistry';
import { parseApiKey, secretMatches } from './apiKeyToken';

export interface AuthenticatorOptions {
  readonly registry: ApiKeyRegistry;
}

const BEARER = /^Bearer +(\S+) *$/i;

/**
 * `Authorization: Bearer obl_<keyId>_<secret>` → the key's principal; null (401) for a missing,
 * malformed, unknown, revoked or wrong key, all alike to the caller. A store that cannot be read
 * is an error (503), not a 401: a client must not conclude its key is bad during an outage.
 */
export function createAuthenticator({ registry }: AuthenticatorOptions): Authenticator {
  return async (req) => {
    const header = req.headers.authorization;
    const bearer = header === undefined ? null : BEARER.exec(header);
    const token = bearer === null ? null : parseApiKey(bearer[1]!);
    if (token === null) return null;
    const key = await registry.find(token.keyId);
    if (key === null) return null;
    if (!secretMatches(token.secret, key.secretHash)) {
      // The key id is public; a wrong secret for a real one is worth an operator's eye.
      req.log?.warn({ keyId: key.keyId }, 'an API key was presented with a wrong secret');
      return null;
    }
    if (key.revoked !== null) {
      req.log?.warn({ keyId: key.keyId }, 'a revoked API key was presented');
      return null;
    }
    const principal: Principal = {
      keyId: key.keyId,
      name: key.name,
      role: key.role,
      ...(key.eventTypes !== undefined && { eventTypes: key.eventTypes }),
    };
    return principal;
  };
}
