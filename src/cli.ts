import { pino, type Logger } from 'pino';
import type * as BundleCommands from './audit/bundleCommands';
import type * as VerifyCommand from './audit/verifyCommand';
import type * as ExportEventsCommand from './importExport/exportEventsCommand';
import type * as ImportCommand from './importExport/importCommand';
import type * as KeysCommand from './auth/keysCommand';
import type * as IntegrationsCommand from './integrations/integrationsCommand';
import type * as RebuildCommand from './workers/rebuildCommand';
import { loadConfig, type Config } from './config';
import type { EventStore } from './eventstore/eventStore';
import { createLogger } from './logger';
import { openStore } from './openStore';
import { openReadStore } from './readstore/openReadStore';
import type { ReadStore } from './readstore/readStore';
import { EXIT_CODES, startupFailureOf } from './startupFailure';

/** sysexits.h: the command was used incorrectly (unknown subcommand, bad option). */
export const EX_USAGE = 64;

/** What a subcommand gets: the service's configuration and its stores, opened on first use. */
export interface CliContext {
  readonly config: Config;
  /** JSON lines on stderr, so that stdout carries only the command's output. */
  readonly logger: Logger;
  /** One line of the command's output, on stdout. */
  readonly print: (line: string) => void;
  /** One line for the human at the terminal, on stderr. */
  readonly tell: (line: string) => void;
  /** Prints the message and the command's usage on stderr; answers the exit code to return. */
  readonly usageError: (message: string) => number;
  /** The event store the service uses (EVENT_STORE_URL), closed when the command ends. */
  eventStore(): Promise<EventStore>;
  /** The read store the service uses (READ_STORE_URL), closed when the command ends. */
  readStore(): Promise<ReadStore>;
}

export interface CliCommand {
  /** `keys create --name <name> ...`: one line per form. */
  readonly usage: readonly string[];
  /** Answers the exit code (0 for success, a sysexits code otherwise). */
  readonly run: (args: readonly string[], context: CliContext) => Promise<number>;
  /** Needs neither the service's configuration nor its stores (verify-bundle, on an auditor's machine). */
  readonly offline?: boolean;
}

/**
 * The subcommands: add one here. Each parses its own arguments (node:util parseArgs) and may
 * open the stores through its context. Each is loaded when it runs, not before: a command pays
 * only for its own modules (a rebuild process does not load express, the import's threads or the
 * bundle code; measured, 313 ms to load every command against 171 ms for the rebuild alone).
 */
export const COMMANDS: Readonly<Record<string, () => CliCommand>> = {
  keys: () => load<typeof KeysCommand>('./auth/keysCommand').keysCommand,
  integrations: () =>
    load<typeof IntegrationsCommand>('./integrations/integrationsCommand').integrationsCommand,
  rebuild: () => load<typeof RebuildCommand>('./workers/rebuildCommand').rebuildCommand,
  verify: () => load<typeof VerifyCommand>('./audit/verifyCommand').verifyCommand,
  'export-bundle': () => load<typeof BundleCommands>('./audit/bundleCommands').exportBundleCommand,
  'verify-bundle': () => load<typeof BundleCommands>('./audit/bundleCommands').verifyBundleCommand,
  import: () => load<typeof ImportCommand>('./importExport/importCommand').importCommand,
  'export-events': () =>
    load<typeof ExportEventsCommand>('./importExport/exportEventsCommand').exportEventsCommand,
};

/** A module required on first use (a CommonJS require, as in openStore.ts). */
function load<Module>(path: string): Module {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily on purpose
  return require(path) as Module;
}

/** Runs one command line (without `node cli.js`); answers the process's exit code. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [name = 'help', ...args] = argv;
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name]!() : undefined;
  if (command === undefined) {
    const help = name === 'help' || name === '--help';
    if (!help) writeErr(`obligations: unknown command ${name}`);
    writeErr(usageOf());
    return help ? 0 : EX_USAGE;
  }
  let config: Config;
  try {
    // Offline, a malformed EVENT_STORE_URL on the auditor's machine must not stop the check.
    config = loadConfig(command.offline === true ? { LOG_LEVEL: env.LOG_LEVEL } : env);
  } catch (error) {
    return fail(name, error);
  }
  // Quiet unless asked: a command's own output is what the operator wants to read.
  const logger =
    env.LOG_LEVEL === undefined || env.LOG_LEVEL === ''
      ? pino({ level: 'warn' }, pino.destination({ dest: 2, sync: true }))
      : createLogger({
          level: config.logLevel,
          destination: pino.destination({ dest: 2, sync: true }),
        });
  const opened: { close(): Promise<void> }[] = [];
  let eventStore: Promise<EventStore> | undefined;
  let readStore: Promise<ReadStore> | undefined;
  const context: CliContext = {
    config,
    logger,
    print: (line) => process.stdout.write(`${line}\n`),
    tell: writeErr,
    usageError: (message) => {
      writeErr(`obligations ${name}: ${message}`);
      writeErr(command.usage.map((form) => `usage: ${CLI} ${form}`).join('\n'));
      return EX_USAGE;
    },
    eventStore: () =>
      (eventStore ??= openStore(config.store, logger).then((store) => {
        opened.push(store);
        return store;
      })),
    readStore: () =>
      (readStore ??= openReadStore(config.readStore, logger).then((store) => {
        opened.push(store);
        return store;
      })),
  };
  try {
    return await command.run(args, context);
  } catch (error) {
    return fail(name, error);
  } finally {
    for (const resource of opened.reverse()) await resource.close().catch(() => undefined);
  }
}

const CLI = 'npm run cli --';

function usageOf(): string {
  const forms = Object.values(COMMANDS).flatMap((command) => command().usage);
  return ['usage:', ...forms.map((form) => `  ${CLI} ${form}`)].join('\n');
}

/** One line, no stack trace, and the exit code the service itself would use for this failure. */
function fail(name: string, error: unknown): number {
  const { exitCode, reason } = startupFailureOf(error);
  writeErr(`obligations ${name}: ${reason}`);
  return exitCode;
}

function writeErr(line: string): void {
  process.stderr.write(`${line}\n`);
}

if (require.main === module) {
  runCli(process.argv.slice(2), process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      writeErr(`obligations: ${String(error)}`);
      process.exitCode = EXIT_CODES.software;
    },
  );
}
