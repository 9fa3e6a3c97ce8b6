import type { Request } from 'express';

/** What an API key may do: read and export; post its own facts; everything. */
export const ROLES = ['auditor', 'integration', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: the API key that authenticated the request. */
export interface Principal {
  /** The key's public id (the part before the secret): the `actor` of every event it causes. */
  readonly keyId: string;
  readonly name: string;
  readonly role: Role;
  /** For the integration role: the event types this key may post. */
  readonly eventTypes?: readonly string[];
}

declare module 'http' {
  interface IncomingMessage {
    /** Set by the authentication middleware once the bearer key checks out. */
    principal?: Principal;
  }
}

/** The actor recorded on events a request causes. */
export const actorOf = (principal: Principal): string => `apikey:${principal.keyId}`;

/** The authenticated caller; the route table guarantees one on every route that needs it. */
export function principalOf(req: Request): Principal {
  const { principal } = req;
  if (principal === undefined) throw new Error('principalOf called on an unauthenticated route');
  return principal;
}
