import { dirname, join } from 'node:path';
import { z } from 'zod';
import { API_KEY_SHAPE, looksRandom, parseApiKey } from './auth/apiKeyToken';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type SqlStoreConfig =
  | { readonly kind: 'sqlite'; readonly path: string; readonly busyTimeoutMs: number }
  | {
      readonly kind: 'postgres';
      readonly connectionString: string;
      readonly poolSize: number;
      readonly connectTimeoutMs: number;
    };

/** Where the events live. */
export type StoreConfig =
  | SqlStoreConfig
  | {
      readonly kind: 'kurrentdb';
      /** `esdb://`, `esdb+discover://`, `kurrentdb://` or `kurrentdb+discover://`. */
      readonly connectionString: string;
      readonly connectTimeoutMs: number;
    };

/** `all`: API and workers in one process; `api`: HTTP only; `worker`: projections and policies. */
export const SERVICE_ROLES = ['all', 'api', 'worker'] as const;
export type ServiceRole = (typeof SERVICE_ROLES)[number];

export interface Config {
  readonly store: StoreConfig;
  /** Where the read models (and their checkpoints) live: always a SQL store. */
  readonly readStore: SqlStoreConfig;
  readonly role: ServiceRole;
  readonly port: number;
  readonly host: string;
  readonly logLevel: LogLevel;
  readonly shutdownTimeoutMs: number;
  readonly nodeEnv: 'production' | 'development' | 'test';
  /** When set, /metrics asks for `Authorization: Bearer <metricsToken>`. */
  readonly metricsToken?: string;
  /** An admin key to create on start if its key id does not exist yet (`obl_<keyId>_<secret>`). */
  readonly bootstrapAdminKey?: string;
  readonly audit: AuditConfig;
  /**
   * WEBHOOK_UNVERIFIED_KEPT: how many webhook deliveries refused before their signature checked
   * out (401, 404, 413) the inbox keeps, the most recent; unset, the inbox's default
   * (DEFAULT_UNAUTHENTICATED_KEPT).
   */
  readonly webhookUnverifiedKept?: number;
}

/** Tamper evidence (README: Tamper evidence). */
export interface AuditConfig {
  /** SIGNING_KEY: an Ed25519 PKCS#8 PEM or the base64 of a 32-byte seed. */
  readonly signingKey?: string;
  /**
   * Without SIGNING_KEY on a SQLite event store: the key file beside the events' file, created
   * (0600) on first start. Absent otherwise: several machines must share one configured key.
   */
  readonly signingKeyFile?: string;
  /** Sign a checkpoint once this many events were hashed since the last one... */
  readonly checkpointEveryEvents: number;
  /** ...or once this long has passed, if any were. */
  readonly checkpointEveryMs: number;
}

/** Every bad variable, named with its (password-redacted) value, in one line. */
export class ConfigError extends Error {
  readonly code = 'config';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'ConfigError';
  }
}

const STORE_URL_SHAPE =
  'expected sqlite:<path>, postgres://user@host:port/db or esdb://host:2113?tls=false (kurrentdb:// too)';
const READ_STORE_URL_SHAPE = 'expected sqlite:<path> or postgres://user@host:port/db';
// setTimeout treats anything above 2^31-1 ms as 1 ms: a larger timeout would silently vanish.
const MAX_TIMEOUT_MS = 2_147_483_647;

function integer(min: number, max: number) {
  return z
    .string()
    .refine((value) => /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max, {
      error: `expected an integer from ${min} to ${max}`,
    })
    .transform(Number);
}

const storeUrl = z.string().transform((value, context) => {
  const store = parseStoreUrl(value);
  if (store === null) {
    context.addIssue({ code: 'custom', message: STORE_URL_SHAPE });
    return z.NEVER;
  }
  return store;
});

const readStoreUrl = z.string().transform((value, context) => {
  const store = parseStoreUrl(value);
  if (store === null || store.kind === 'kurrentdb') {
    context.addIssue({ code: 'custom', message: READ_STORE_URL_SHAPE });
    return z.NEVER;
  }
  return store;
});

const bootstrapAdminKey = z.string().superRefine((value, context) => {
  const token = parseApiKey(value);
  if (token === null) context.addIssue({ code: 'custom', message: `expected ${API_KEY_SHAPE}` });
  else if (!looksRandom(token.secret))
    context.addIssue({
      code: 'custom',
      message:
        'the secret does not look random; generate a key with `npm run cli -- keys generate`',
    });
});

// Never echoed in an error message: only their length is.
const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  'BOOTSTRAP_ADMIN_KEY',
  'METRICS_TOKEN',
  'SIGNING_KEY',
]);

const envSchema = z.object({
  EVENT_STORE_URL: storeUrl.default({ kind: 'sqlite', path: './data/obligations.db' }),
  READ_STORE_URL: readStoreUrl.optional(),
  SERVICE_ROLE: z
    .enum(SERVICE_ROLES, { error: `expected one of ${SERVICE_ROLES.join(', ')}` })
    .default('all'),
  // 0 asks the OS for a free port (tests).
  PORT: integer(0, 65_535).default(3000),
  HOST: z
    .string()
    .regex(/^\S+$/, { error: 'expected a host name or IP address' })
    .default('0.0.0.0'),
  LOG_LEVEL: z
    .enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` })
    .default('info'),
  SHUTDOWN_TIMEOUT_MS: integer(0, MAX_TIMEOUT_MS).default(10_000),
  SQLITE_BUSY_TIMEOUT_MS: integer(0, MAX_TIMEOUT_MS).default(5_000),
  POSTGRES_POOL_SIZE: integer(1, 1_000).default(10),
  STORE_CONNECT_TIMEOUT_MS: integer(0, MAX_TIMEOUT_MS).default(10_000),
  NODE_ENV: z
    .enum(['production', 'development', 'test'], {
      error: 'expected production, development or test',
    })
    .default('production'),
  BOOTSTRAP_ADMIN_KEY: bootstrapAdminKey.optional(),
  // A bearer token (RFC 6750 characters), long enough not to be guessed.
  METRICS_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9._~+/-]{16,}=*$/, {
      error: 'expected at least 16 characters of A-Z a-z 0-9 - . _ ~ + / (openssl rand -hex 32)',
    })
    .optional(),
  // Its shape is checked when the key is read (src/audit/signingKey.ts), which names the problem.
  SIGNING_KEY: z.string().optional(),
  CHECKPOINT_EVERY_EVENTS: integer(1, 1_000_000_000).default(1_000),
  CHECKPOINT_EVERY_SECONDS: integer(1, 2_147_483).default(10),
  // At least one, so that the delivery just refused is normally kept and its answer's inboxId can
  // be looked up (not guaranteed: a newer one committed first, by a clock ahead, can prune it).
  // A refused delivery walks that many index entries: a million is plenty.
  WEBHOOK_UNVERIFIED_KEPT: integer(1, 1_000_000).optional(),
});

type StoreLocation =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly connectionString: string }
  | { readonly kind: 'kurrentdb'; readonly connectionString: string };

/**
 * Reads the configuration once, at start. Unknown variables are ignored; an empty variable counts
 * as unset, because `VAR=` lines in env files and compose files usually mean "use the default".
 */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = new Map<string, string>();
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0]);
      if (problems.has(name)) continue;
      const raw = present[name] ?? '';
      const value = SECRET_VARIABLES.has(name)
        ? `a value of ${raw.length} characters`
        : JSON.stringify(redactPassword(raw));
      problems.set(name, `${name}: ${issue.message}, got ${value}`);
    }
    throw new ConfigError([...problems.values()]);
  }
  const vars = parsed.data;
  const sqlStore = (location: SqlLocation): SqlStoreConfig =>
    location.kind === 'sqlite'
      ? { ...location, busyTimeoutMs: vars.SQLITE_BUSY_TIMEOUT_MS }
      : {
          ...location,
          poolSize: vars.POSTGRES_POOL_SIZE,
          connectTimeoutMs: vars.STORE_CONNECT_TIMEOUT_MS,
        };
  const events = vars.EVENT_STORE_URL;
  const readStore = vars.READ_STORE_URL ?? defaultReadStore(events);
  if (readStore === null) {
    throw new ConfigError([
      'READ_STORE_URL: required with a KurrentDB event store (postgres://... for several machines, sqlite:<path> for one)',
    ]);
  }
  return {
    store:
      events.kind === 'kurrentdb'
        ? { ...events, connectTimeoutMs: vars.STORE_CONNECT_TIMEOUT_MS }
        : sqlStore(events),
    readStore: sqlStore(readStore),
    role: vars.SERVICE_ROLE,
    port: vars.PORT,
    host: vars.HOST,
    logLevel: vars.LOG_LEVEL,
    shutdownTimeoutMs: vars.SHUTDOWN_TIMEOUT_MS,
    nodeEnv: vars.NODE_ENV,
    ...(vars.BOOTSTRAP_ADMIN_KEY !== undefined && { bootstrapAdminKey: vars.BOOTSTRAP_ADMIN_KEY }),
    ...(vars.METRICS_TOKEN !== undefined && { metricsToken: vars.METRICS_TOKEN }),
    audit: {
      ...(vars.SIGNING_KEY !== undefined && { signingKey: vars.SIGNING_KEY }),
      ...(vars.SIGNING_KEY === undefined &&
        events.kind === 'sqlite' && {
          signingKeyFile: join(dirname(events.path), 'signing-key.pem'),
        }),
      checkpointEveryEvents: vars.CHECKPOINT_EVERY_EVENTS,
      checkpointEveryMs: vars.CHECKPOINT_EVERY_SECONDS * 1_000,
    },
    ...(vars.WEBHOOK_UNVERIFIED_KEPT !== undefined && {
      webhookUnverifiedKept: vars.WEBHOOK_UNVERIFIED_KEPT,
    }),
  };
}

type SqlLocation = Exclude<StoreLocation, { kind: 'kurrentdb' }>;

/**
 * Read models live beside the events by default: in the same PostgreSQL database, or in a SQLite
 * file of their own next to the events' file (one writer per file keeps the event log's grouped
 * commits from waiting on projection transactions). A KurrentDB deployment must name one.
 */
function defaultReadStore(events: StoreLocation): SqlLocation | null {
  switch (events.kind) {
    case 'sqlite':
      return { kind: 'sqlite', path: join(dirname(events.path), 'read-models.db') };
    case 'postgres':
      return events;
    case 'kurrentdb':
      return null;
  }
}

function parseStoreUrl(value: string): StoreLocation | null {
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length);
    // `sqlite://x` would silently mean the absolute path `//x`; ask for the plain form instead.
    if (path === '' || path.startsWith('//')) return null;
    return { kind: 'sqlite', path };
  }
  // Several comma-separated hosts are legal here, which URL cannot parse; the client checks the rest.
  if (/^(esdb|kurrentdb)(\+discover)?:\/\/([^@/?#]*@)?[^/?#@]+/.test(value)) {
    return { kind: 'kurrentdb', connectionString: value };
  }
  if (!/^postgres(ql)?:\/\//.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  return url.hostname === '' ? null : { kind: 'postgres', connectionString: value };
}

/**
 * `postgres://user:secret@host/db` → `postgres://user:***@host/db`, and `?password=secret` too.
 * Works on unparseable values: it errs towards hiding too much (up to the last `@`), never too little.
 */
export function redactPassword(value: string): string {
  return value
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*:).*@/i, '$1***@')
    .replace(/([?&](?:ssl)?password=)[^&#]*/gi, '$1***');
}

/** Where the events (or the read models) live, safe to log. */
export function describeStore(store: StoreConfig): string {
  return store.kind === 'sqlite' ? `sqlite:${store.path}` : redactPassword(store.connectionString);
}
