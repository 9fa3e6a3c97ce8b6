import { ConfigError, describeStore, loadConfig, redactPassword } from '../src/config';

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('runs on the embedded SQLite store with the documented defaults', () => {
    expect(loadConfig({})).toEqual({
      store: { kind: 'sqlite', path: './data/obligations.db', busyTimeoutMs: 5000 },
      readStore: { kind: 'sqlite', path: 'data/read-models.db', busyTimeoutMs: 5000 },
      role: 'all',
      port: 3000,
      host: '0.0.0.0',
      logLevel: 'info',
      shutdownTimeoutMs: 10_000,
      nodeEnv: 'production',
      audit: {
        signingKeyFile: 'data/signing-key.pem',
        checkpointEveryEvents: 1_000,
        checkpointEveryMs: 10_000,
      },
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      EVENT_STORE_URL: 'postgresql://app:secret@db.internal:6543/obligations',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
      SHUTDOWN_TIMEOUT_MS: '2500',
      SQLITE_BUSY_TIMEOUT_MS: '100',
      POSTGRES_POOL_SIZE: '4',
      STORE_CONNECT_TIMEOUT_MS: '300',
      NODE_ENV: 'test',
      SIGNING_KEY: 'AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwM=',
      CHECKPOINT_EVERY_EVENTS: '50',
      CHECKPOINT_EVERY_SECONDS: '30',
    });
    expect(config).toEqual({
      store: {
        kind: 'postgres',
        connectionString: 'postgresql://app:secret@db.internal:6543/obligations',
        poolSize: 4,
        connectTimeoutMs: 300,
      },
      readStore: {
        kind: 'postgres',
        connectionString: 'postgresql://app:secret@db.internal:6543/obligations',
        poolSize: 4,
        connectTimeoutMs: 300,
      },
      role: 'all',
      port: 0,
      host: '127.0.0.1',
      logLevel: 'debug',
      shutdownTimeoutMs: 2500,
      nodeEnv: 'test',
      audit: {
        signingKey: 'AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwM=',
        checkpointEveryEvents: 50,
        checkpointEveryMs: 30_000,
      },
    });
  });

  it.each([
    ['sqlite:./data/obligations.db', './data/obligations.db'],
    ['sqlite:/var/lib/obligations/events.db', '/var/lib/obligations/events.db'],
    ['sqlite:events.db', 'events.db'],
  ])('takes %s as the SQLite file %s', (url, path) => {
    expect(loadConfig({ EVENT_STORE_URL: url }).store).toEqual({
      kind: 'sqlite',
      path,
      busyTimeoutMs: 5000,
    });
  });

  it('takes postgres:// as well as postgresql:// URLs', () => {
    expect(loadConfig({ EVENT_STORE_URL: 'postgres://postgres@127.0.0.1:1/x' }).store).toEqual({
      kind: 'postgres',
      connectionString: 'postgres://postgres@127.0.0.1:1/x',
      poolSize: 10,
      connectTimeoutMs: 10_000,
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', EVENT_STORE_URL: '' })).toMatchObject({
      port: 3000,
      store: { kind: 'sqlite', path: './data/obligations.db' },
    });
  });

  it('ignores variables it does not know', () => {
    expect(() => loadConfig({ PATH: '/usr/bin', PORTT: 'x' })).not.toThrow();
  });

  it.each([
    [
      'EVENT_STORE_URL',
      'mysql://x',
      'EVENT_STORE_URL: expected sqlite:<path>, postgres://user@host:port/db or esdb://host:2113?tls=false (kurrentdb:// too), got "mysql://x"',
    ],
    ['EVENT_STORE_URL', 'sqlite:', 'EVENT_STORE_URL: expected sqlite:<path>'],
    ['EVENT_STORE_URL', 'sqlite://events.db', 'EVENT_STORE_URL: expected sqlite:<path>'],
    ['EVENT_STORE_URL', 'postgres://', 'EVENT_STORE_URL: expected sqlite:<path>'],
    ['EVENT_STORE_URL', './data/obligations.db', 'EVENT_STORE_URL: expected sqlite:<path>'],
    ['PORT', 'http', 'PORT: expected an integer from 0 to 65535, got "http"'],
    ['PORT', '65536', 'PORT: expected an integer from 0 to 65535, got "65536"'],
    ['PORT', '-1', 'PORT: expected an integer from 0 to 65535, got "-1"'],
    ['PORT', '3e3', 'PORT: expected an integer from 0 to 65535, got "3e3"'],
    ['PORT', ' 3000', 'PORT: expected an integer from 0 to 65535, got " 3000"'],
    ['HOST', 'local host', 'HOST: expected a host name or IP address, got "local host"'],
    ['LOG_LEVEL', 'verbose', 'LOG_LEVEL: expected one of fatal, error, warn, info, debug'],
    ['SHUTDOWN_TIMEOUT_MS', '10s', 'SHUTDOWN_TIMEOUT_MS: expected an integer from 0 to'],
    ['SHUTDOWN_TIMEOUT_MS', '2147483648', 'SHUTDOWN_TIMEOUT_MS: expected an integer'],
    ['SQLITE_BUSY_TIMEOUT_MS', '1.5', 'SQLITE_BUSY_TIMEOUT_MS: expected an integer'],
    ['POSTGRES_POOL_SIZE', '0', 'POSTGRES_POOL_SIZE: expected an integer from 1 to 1000, got "0"'],
    ['STORE_CONNECT_TIMEOUT_MS', 'soon', 'STORE_CONNECT_TIMEOUT_MS: expected an integer'],
    ['NODE_ENV', 'staging', 'NODE_ENV: expected production, development or test, got "staging"'],
  ])('rejects %s=%s', (name, value, message) => {
    const error = configError({ [name]: value });
    expect(error.message).toContain(message);
    expect(error.problems).toHaveLength(1);
  });

  it('names every bad variable in one line', () => {
    const error = configError({ PORT: 'x', LOG_LEVEL: 'loud', EVENT_STORE_URL: 'mysql://x' });
    expect(error.problems.map((problem) => problem.split(':')[0]).sort()).toEqual([
      'EVENT_STORE_URL',
      'LOG_LEVEL',
      'PORT',
    ]);
    expect(error.message).not.toContain('\n');
  });

  it('quotes a value with control characters so the message stays on one line', () => {
    expect(configError({ HOST: 'a\nb' }).message).toBe(
      'HOST: expected a host name or IP address, got "a\\nb"',
    );
  });

  it('never prints the password of a bad store URL', () => {
    const error = configError({ EVENT_STORE_URL: 'mysql://app:hunter2@db/obligations' });
    expect(error.message).not.toContain('hunter2');
    expect(error.message).toContain('got "mysql://app:***@db/obligations"');
  });
});

describe('redactPassword', () => {
  it.each([
    ['postgres://app:secret@db:5432/x', 'postgres://app:***@db:5432/x'],
    ['postgres://app:se@cr:et@db/x', 'postgres://app:***@db/x'],
    ['postgres://app:se/cret@db/x', 'postgres://app:***@db/x'],
    [
      'postgres://db/x?user=app&password=secret&ssl=1',
      'postgres://db/x?user=app&password=***&ssl=1',
    ],
    ['postgres://app@db:5432/x', 'postgres://app@db:5432/x'],
    ['postgres://db:5432/x', 'postgres://db:5432/x'],
    ['sqlite:./data/obligations.db', 'sqlite:./data/obligations.db'],
  ])('%s → %s', (value, redacted) => {
    expect(redactPassword(value)).toBe(redacted);
  });
});

describe('describeStore', () => {
  it('names the store without its password', () => {
    const config = loadConfig({ EVENT_STORE_URL: 'postgres://app:secret@db:5432/obligations' });
    expect(describeStore(config.store)).toBe('postgres://app:***@db:5432/obligations');
  });
});

describe('loadConfig for running beyond one machine', () => {
  it.each([
    'esdb://kurrentdb:2113?tls=false',
    'esdb+discover://node1:2113,node2:2113?tls=false',
    'kurrentdb://admin:changeit@kurrentdb:2113?tls=false',
  ])(
    'takes %s as a KurrentDB event store, with the read models where READ_STORE_URL says',
    (url) => {
      const config = loadConfig({
        EVENT_STORE_URL: url,
        READ_STORE_URL: 'postgres://app@pg/reads',
      });
      expect(config.store).toEqual({
        kind: 'kurrentdb',
        connectionString: url,
        connectTimeoutMs: 10_000,
      });
      expect(config.readStore).toEqual({
        kind: 'postgres',
        connectionString: 'postgres://app@pg/reads',
        poolSize: 10,
        connectTimeoutMs: 10_000,
      });
    },
  );

  it('requires READ_STORE_URL with a KurrentDB event store', () => {
    expect(() => loadConfig({ EVENT_STORE_URL: 'esdb://kurrentdb:2113?tls=false' })).toThrow(
      /READ_STORE_URL: required with a KurrentDB event store/,
    );
  });

  it('refuses a KurrentDB URL as the read store', () => {
    expect(() => loadConfig({ READ_STORE_URL: 'esdb://kurrentdb:2113' })).toThrow(
      /READ_STORE_URL: expected sqlite:<path> or postgres:\/\//,
    );
  });

  it('keeps the read models of an embedded store in a file of their own beside the events', () => {
    expect(
      loadConfig({ EVENT_STORE_URL: 'sqlite:/var/lib/obligations/events.db' }).readStore,
    ).toEqual({
      kind: 'sqlite',
      path: '/var/lib/obligations/read-models.db',
      busyTimeoutMs: 5000,
    });
  });

  it.each(['all', 'api', 'worker'] as const)('runs as %s when SERVICE_ROLE says so', (role) => {
    expect(loadConfig({ SERVICE_ROLE: role }).role).toBe(role);
  });

  it('refuses an unknown SERVICE_ROLE', () => {
    expect(() => loadConfig({ SERVICE_ROLE: 'leader' })).toThrow(
      /SERVICE_ROLE: expected one of all, api, worker/,
    );
  });
});
