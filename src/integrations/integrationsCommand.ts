import { parseArgs } from 'node:util';
import {
  integrations as integrationsProjection,
  listIntegrationIds,
} from '../../projections/integrations';
import { cliActor } from '../auth/keysCommand';
import type { CliCommand, CliContext } from '../cli';
import { CHECKPOINTS_OWNER, checkpointMigrations, readCheckpoint } from '../workers/checkpoints';
import { activeSecrets, type Integration } from './integration';
import {
  integrationEventTypesSchema,
  integrationIdSchema,
  integrationNameSchema,
  reasonSchema,
  secretIdSchema,
} from './integrationEvents';
import { IntegrationError, IntegrationRegistry } from './integrationRegistry';
import { webhookSecretSchema } from './webhookSecret';

// sysexits.h: the input data was incorrect (no such integration or secret); 75 for a state that refuses.
const EX_DATAERR = 65;
const EX_TEMPFAIL = 75;

/**
 * `integrations create | list | rotate | revoke-secret | event-types | disable | enable`: the
 * integrations that post facts by webhook, from the command line. A secret is printed alone on
 * stdout, once (`SECRET=$(npm run -s cli -- integrations create ...)`).
 */
export const integrationsCommand: CliCommand = {
  usage: [
    'integrations create <integrationId> --name <name> --event-types <Type>,<Type> [--secret whsec_...]',
    'integrations list',
    'integrations rotate <integrationId> [--secret whsec_...]   (adds a secret; the old ones stay valid until revoked)',
    'integrations revoke-secret <integrationId> <secretId> --reason <reason>',
    'integrations event-types <integrationId> <Type>,<Type>',
    'integrations disable <integrationId> --reason <reason>',
    'integrations enable <integrationId>',
  ],
  run: async (args, context) => {
    const [subcommand, ...rest] = args;
    try {
      switch (subcommand) {
        case 'create':
          return await create(rest, context);
        case 'list':
          return await list(rest, context);
        case 'rotate':
          return await rotate(rest, context);
        case 'revoke-secret':
          return await change(
            rest,
            context,
            2,
            { reason: { type: 'string' } },
            (registry, [id, secretId], values) =>
              registry.revokeSecret({
                integrationId: id!,
                secretId: secretIdSchema.parse(secretId),
                reason: reasonSchema.parse(values.reason ?? ''),
                ...origin('revoke-secret'),
              }),
          );
        case 'event-types':
          return await change(rest, context, 2, {}, (registry, [id, types]) =>
            registry.changeEventTypes({
              integrationId: id!,
              eventTypes: integrationEventTypesSchema.parse(splitTypes(types)),
              ...origin('event-types'),
            }),
          );
        case 'disable':
          return await change(
            rest,
            context,
            1,
            { reason: { type: 'string' } },
            (registry, [id], values) =>
              registry.disable({
                integrationId: id!,
                reason: reasonSchema.parse(values.reason ?? ''),
                ...origin('disable'),
              }),
          );
        case 'enable':
          return await change(rest, context, 1, {}, (registry, [id]) =>
            registry.enable({ integrationId: id!, ...origin('enable') }),
          );
        case undefined:
        default:
          return context.usageError(
            subcommand === undefined ? 'which one?' : `unknown subcommand ${subcommand}`,
          );
      }
    } catch (error) {
      if (isParseArgsError(error)) return context.usageError(error.message);
      if (isZodError(error))
        return context.usageError(error.issues.map((issue) => issue.message).join('; '));
      if (error instanceof IntegrationError) {
        context.tell(`obligations integrations: ${error.message}`);
        return error.code.endsWith('not-found') ? EX_DATAERR : EX_TEMPFAIL;
      }
      throw error;
    }
  },
};

const origin = (subcommand: string) => ({
  actor: cliActor(),
  source: `cli:integrations ${subcommand}`,
});

async function create(args: readonly string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      name: { type: 'string' },
      'event-types': { type: 'string' },
      secret: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) return context.usageError('name exactly one integration id');
  if (values.name === undefined) return context.usageError('--name is required');
  if (values['event-types'] === undefined) return context.usageError('--event-types is required');
  const registry = new IntegrationRegistry({ store: await context.eventStore() });
  const added = await registry.register({
    integrationId: integrationIdSchema.parse(positionals[0]),
    name: integrationNameSchema.parse(values.name),
    eventTypes: integrationEventTypesSchema.parse(splitTypes(values['event-types'])),
    ...(values.secret !== undefined && { secret: webhookSecretSchema.parse(values.secret) }),
    ...origin('create'),
  });
  context.print(added.secret);
  context.tell(
    `registered ${added.integration.integrationId}: it posts to /webhooks/${added.integration.integrationId}, signing with the secret above (secret id ${added.secretId}), its only copy`,
  );
  return 0;
}

async function rotate(args: readonly string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { secret: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) return context.usageError('name exactly one integration id');
  const registry = new IntegrationRegistry({ store: await context.eventStore() });
  const added = await registry.addSecret({
    integrationId: integrationIdSchema.parse(positionals[0]),
    ...(values.secret !== undefined && { secret: webhookSecretSchema.parse(values.secret) }),
    ...origin('rotate'),
  });
  context.print(added.secret);
  const old = activeSecrets(added.integration)
    .filter((secret) => secret.secretId !== added.secretId)
    .map((secret) => secret.secretId);
  context.tell(
    `added secret ${added.secretId} to ${added.integration.integrationId}; once the sender signs with it, revoke ${old.join(', ') || 'the old one'} (integrations revoke-secret)`,
  );
  return 0;
}

async function change(
  args: readonly string[],
  context: CliContext,
  positionalCount: number,
  options: Record<string, { type: 'string' }>,
  work: (
    registry: IntegrationRegistry,
    positionals: readonly (string | undefined)[],
    values: Record<string, string | undefined>,
  ) => Promise<Integration>,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options,
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== positionalCount)
    return context.usageError(`expected ${positionalCount} argument(s)`);
  const [id, ...rest] = positionals;
  const registry = new IntegrationRegistry({ store: await context.eventStore() });
  const integration = await work(registry, [integrationIdSchema.parse(id), ...rest], values);
  context.tell(describeLine(integration));
  return 0;
}

async function list(args: readonly string[], context: CliContext): Promise<number> {
  parseArgs({ args: [...args], options: {}, strict: true });
  const readStore = await context.readStore();
  await readStore.migrate(CHECKPOINTS_OWNER, checkpointMigrations);
  await readStore.migrate(integrationsProjection.name, integrationsProjection.migrations);
  const registry = new IntegrationRegistry({ store: await context.eventStore() });
  for (let after: number | null = 0; after !== null;) {
    const page = await listIntegrationIds(readStore, { after, limit: 500 });
    for (const id of page.ids) {
      const integration = await registry.read(id);
      if (integration !== null) context.print(describeLine(integration));
    }
    after = page.nextAfter;
  }
  const position = await readStore.transaction((tx) =>
    readCheckpoint(tx, integrationsProjection.name),
  );
  const head = await (await context.eventStore()).headPosition();
  if (position < head)
    context.tell(
      `the list is as of global position ${position} and the log is at ${head}: integrations registered since may be missing until the service's projection workers catch up`,
    );
  return 0;
}

function describeLine(integration: Integration): string {
  const secrets = activeSecrets(integration).map((secret) => secret.secretId);
  return [
    integration.integrationId,
    integration.enabled ? 'enabled' : `disabled (${integration.disabled?.reason ?? ''})`,
    `secrets ${secrets.join(',')}`,
    `types ${integration.eventTypes.join(',')}`,
    integration.name,
  ].join('  ');
}

function splitTypes(types: string | undefined): string[] {
  return (types ?? '')
    .split(',')
    .map((type) => type.trim())
    .filter((type) => type !== '');
}

function isParseArgsError(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

function isZodError(error: unknown): error is { issues: { message: string }[] } {
  return (error as { name?: unknown } | null)?.name === 'ZodError';
}
