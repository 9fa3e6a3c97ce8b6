import type { Logger } from 'pino';
import { ApiKeyExistsError, nameBasedUuid, type ApiKeyRegistry } from './apiKeyRegistry';
import { parseApiKey, secretMatches } from './apiKeyToken';

export interface BootstrapAdminKeyOptions {
  readonly registry: ApiKeyRegistry;
  /** BOOTSTRAP_ADMIN_KEY, already validated by the configuration. */
  readonly bootstrapKey?: string;
  readonly logger: Logger;
  /** Where the first admin key is shown when the log would not show it (LOG_LEVEL above warn). */
  readonly writeLine?: (line: string) => void;
}

const ACTOR = 'system:bootstrap';

/**
 * Makes sure someone can administer the service, at every start:
 *
 * - with BOOTSTRAP_ADMIN_KEY, creates that key as an admin key unless its key id exists (a
 *   revoked bootstrap key stays revoked: remove the variable or set a new key);
 * - without it, on the very first start (no admin key was ever created in this store), creates
 *   one and shows it once, in one log line. It is never shown again, not even if it is lost: use
 *   the CLI (`keys create --role admin`) or BOOTSTRAP_ADMIN_KEY then.
 *
 * Several processes may start together: the store lets exactly one creation win.
 */
export async function bootstrapAdminKey(options: BootstrapAdminKeyOptions): Promise<void> {
  if (options.bootstrapKey !== undefined) await ensureBootstrapKey(options, options.bootstrapKey);
  else await createFirstAdminKey(options);
}

async function ensureBootstrapKey(
  { registry, logger }: BootstrapAdminKeyOptions,
  bootstrapKey: string,
): Promise<void> {
  const token = parseApiKey(bootstrapKey);
  if (token === null) throw new Error('BOOTSTRAP_ADMIN_KEY is not an API key');
  const { keyId } = token;
  let key = await registry.read(keyId);
  if (key === null) {
    try {
      await registry.create({
        name: 'bootstrap admin (BOOTSTRAP_ADMIN_KEY)',
        role: 'admin',
        token,
        eventId: nameBasedUuid('obligations', 'bootstrap-admin-key', keyId),
        actor: ACTOR,
        source: 'BOOTSTRAP_ADMIN_KEY',
      });
      logger.info({ keyId }, 'created the admin key of BOOTSTRAP_ADMIN_KEY');
      return;
    } catch (error) {
      // Another process starting with the same variable created it first.
      if (!(error instanceof ApiKeyExistsError)) throw error;
      key = await registry.read(keyId);
      if (key === null) throw error;
    }
  }
  if (!secretMatches(token.secret, key.secretHash) || key.role !== 'admin') {
    logger.warn(
      { keyId },
      'BOOTSTRAP_ADMIN_KEY names an existing key with another secret or role: it grants nothing',
    );
  } else if (key.revoked !== null) {
    logger.warn(
      { keyId, revokedBy: key.revoked.revokedBy },
      'BOOTSTRAP_ADMIN_KEY has been revoked and stays revoked: set a new key or remove the variable',
    );
  }
}

async function createFirstAdminKey({
  registry,
  logger,
  writeLine = (line) => process.stderr.write(`${line}\n`),
}: BootstrapAdminKeyOptions): Promise<void> {
  const created = await registry.createFirstAdmin({
    name: 'first admin',
    actor: ACTOR,
    source: 'first start',
  });
  if (created === null) return;
  const line = `created the first admin key: ${created.apiKey} (shown this once; keep it in a secret store)`;
  if (logger.isLevelEnabled('warn')) logger.warn({ keyId: created.key.keyId }, line);
  else writeLine(`obligations: ${line}`);
}
