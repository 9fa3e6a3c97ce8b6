import type { Principal } from '../http/api/principal';

/**
 * Whether a caller may post a fact of this event type: admins any, integrations only the types
 * named on their key, auditors none. Routes that take facts (commands, webhooks) ask it before
 * deciding anything and answer 403 when it says no.
 */
export function mayPost(principal: Principal, eventType: string): boolean {
  switch (principal.role) {
    case 'admin':
      return true;
    case 'integration':
      return principal.eventTypes?.includes(eventType) ?? false;
    case 'auditor':
      return false;
    default: {
      const _exhaustive: never = principal.role;
      return _exhaustive;
    }
  }
}
