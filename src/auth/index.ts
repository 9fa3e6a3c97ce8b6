// Authentication and roles: API keys kept as events, the authenticator the route table calls,
// the admin routes, and the start-up bootstrap of the first admin key.
export type { ApiKey, ApiKeyDescription } from './apiKey';
export { ApiKeyRegistry, type ApiKeyRegistryOptions } from './apiKeyRegistry';
export { apiKeyRoutes, type ApiKeyRoutesOptions } from './apiKeyRoutes';
export { createAuthenticator, type AuthenticatorOptions } from './authenticator';
export { bootstrapAdminKey } from './bootstrapAdminKey';
export { keysCommand } from './keysCommand';
export { mayPost } from './mayPost';
export { withoutSecretHash } from './withoutSecretHash';
