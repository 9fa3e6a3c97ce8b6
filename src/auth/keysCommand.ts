import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { apiKeys, listApiKeys } from '../../projections/apiKeys';
import type { CliCommand, CliContext } from '../cli';
import { CHECKPOINTS_OWNER, checkpointMigrations, readCheckpoint } from '../workers/checkpoints';
import type { ApiKeyDescription } from './apiKey';
import { keyIdSchema, reasonSchema } from './apiKeyEvents';
import { ApiKeyNotFoundError, ApiKeyRegistry } from './apiKeyRegistry';
import { createApiKeyBodySchema } from './apiKeyRoutes';
import { formatApiKey, generateApiKey } from './apiKeyToken';

// sysexits.h: the input data was incorrect in some way (no such key).
const EX_DATAERR = 65;

/** `keys create | list | revoke | generate`: API keys from the command line. */
export const keysCommand: CliCommand = {
  usage: [
    'keys create --name <name> --role auditor|integration|admin [--event-types <Type>,<Type>]',
    'keys list',
    'keys revoke <keyId> --reason <reason>',
    'keys generate   (a fresh key for BOOTSTRAP_ADMIN_KEY; stores nothing)',
  ],
  run: async (args, context) => {
    const [subcommand, ...rest] = args;
    try {
      switch (subcommand) {
        case 'create':
          return await create(rest, context);
        case 'list':
          return await list(rest, context);
        case 'revoke':
          return await revoke(rest, context);
        case 'generate':
          parseArgs({ args: [...rest], options: {}, strict: true });
          context.print(formatApiKey(generateApiKey()));
          return 0;
        case undefined:
        default:
          return context.usageError(
            subcommand === undefined ? 'which one?' : `unknown subcommand ${subcommand}`,
          );
      }
    } catch (error) {
      // node:util parseArgs: an unknown option, a missing value, a stray argument.
      if (isParseArgsError(error)) return context.usageError(error.message);
      throw error;
    }
  },
};

async function create(args: readonly string[], context: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      name: { type: 'string' },
      role: { type: 'string' },
      'event-types': { type: 'string' },
    },
    strict: true,
  });
  if (values.name === undefined) return context.usageError('--name is required');
  if (values.role === undefined) return context.usageError('--role is required');
  const eventTypes = values['event-types']?.split(',').map((type) => type.trim());
  const parsed = createApiKeyBodySchema.safeParse({
    name: values.name,
    role: values.role,
    ...(eventTypes !== undefined && { eventTypes }),
  });
  if (!parsed.success) return context.usageError(describeIssues(parsed.error, OPTION_NAMES));
  const registry = new ApiKeyRegistry({ store: await context.eventStore() });
  const created = await registry.create({
    ...parsed.data,
    actor: cliActor(),
    source: 'cli:keys create',
  });
  const { key } = created;
  // The key alone on stdout, so that `KEY=$(npm run -s cli -- keys create ...)` captures it.
  context.print(created.apiKey);
  context.tell(
    `created the ${key.role} key ${key.keyId} (${key.name}); the line above is its only copy: keep it in a secret store`,
  );
  return 0;
}

async function list(args: readonly string[], context: CliContext): Promise<number> {
  parseArgs({ args: [...args], options: {}, strict: true });
  const readStore = await context.readStore();
  // The list is the `api-keys` read model; a read store the service has not used yet gets its tables.
  await readStore.migrate(CHECKPOINTS_OWNER, checkpointMigrations);
  await readStore.migrate(apiKeys.name, apiKeys.migrations);
  const keys: ApiKeyDescription[] = [];
  for (let after: number | null = 0; after !== null;) {
    const page = await listApiKeys(readStore, { after, limit: 500 });
    keys.push(...page.keys);
    after = page.nextAfter;
  }
  const rows = keys.map((key) => [
    key.keyId,
    key.role,
    key.revoked === null ? 'active' : `revoked ${key.revoked.revokedAt}`,
    key.createdAt,
    key.createdBy,
    key.name + (key.eventTypes === undefined ? '' : ` [${key.eventTypes.join(', ')}]`),
  ]);
  for (const line of table([['KEY ID', 'ROLE', 'STATUS', 'CREATED', 'BY', 'NAME'], ...rows]))
    context.print(line);
  const position = await readStore.transaction((tx) => readCheckpoint(tx, apiKeys.name));
  const head = await (await context.eventStore()).headPosition();
  if (position < head)
    context.tell(
      `the list is as of global position ${position} and the log is at ${head}: keys created since may be missing until the service's projection workers catch up`,
    );
  return 0;
}

async function revoke(args: readonly string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { reason: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) return context.usageError('name exactly one key id');
  const keyId = keyIdSchema.safeParse(positionals[0]);
  if (!keyId.success) return context.usageError(describeIssues(keyId.error, {}));
  if (values.reason === undefined) return context.usageError('--reason is required');
  const reason = reasonSchema.safeParse(values.reason);
  if (!reason.success) return context.usageError(`--reason: ${describeIssues(reason.error, {})}`);
  const registry = new ApiKeyRegistry({ store: await context.eventStore() });
  try {
    const { key, alreadyRevoked } = await registry.revoke({
      keyId: keyId.data,
      reason: reason.data,
      actor: cliActor(),
      source: 'cli:keys revoke',
    });
    context.tell(
      alreadyRevoked
        ? `${key.keyId} was already revoked at ${key.revoked?.revokedAt} by ${key.revoked?.revokedBy}`
        : `revoked ${key.keyId} (${key.name}); other service processes stop accepting it within 5 seconds`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof ApiKeyNotFoundError)) throw error;
    context.tell(`obligations keys revoke: ${error.message}`);
    return EX_DATAERR;
  }
}

const OPTION_NAMES: Readonly<Record<string, string>> = {
  name: '--name',
  role: '--role',
  eventTypes: '--event-types',
};

function describeIssues(error: z.ZodError, names: Readonly<Record<string, string>>): string {
  return error.issues
    .map((issue) => {
      const field = issue.path[0];
      const option = typeof field === 'string' ? (names[field] ?? field) : undefined;
      const item = issue.path.length > 1 ? ` (item ${String(issue.path[1])})` : '';
      return option === undefined ? issue.message : `${option}${item}: ${issue.message}`;
    })
    .join('; ');
}

/** The operator at the terminal: `cli:<login name>`. */
export function cliActor(): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (a container running under an arbitrary uid).
    user = process.env.USER ?? `uid-${process.getuid?.() ?? 'unknown'}`;
  }
  return `cli:${user}`;
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]?.map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  return rows.map((row) =>
    row
      .map((cell, column) =>
        column === row.length - 1 ? cell : cell.padEnd(widths?.[column] ?? 0),
      )
      .join('  '),
  );
}

function isParseArgsError(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
