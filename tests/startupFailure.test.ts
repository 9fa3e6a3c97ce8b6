import { StoreUnavailableError } from '../src/eventstore/errors';
import { SchemaMismatchError } from '../src/eventstore/migration';
import { ConfigError } from '../src/config';
import { StoreStartupError, type StoreStartupReason } from '../src/eventstore/errors';
import { startupFailureOf } from '../src/startupFailure';

describe('startupFailureOf', () => {
  it('exits 78 (EX_CONFIG) on a bad configuration', () => {
    expect(startupFailureOf(new ConfigError(['PORT: expected an integer, got "x"']))).toEqual({
      exitCode: 78,
      reason: 'invalid configuration: PORT: expected an integer, got "x"',
    });
  });

  it.each<[StoreStartupReason, number]>([
    ['unreachable', 69],
    ['corrupt', 65],
    ['read-only', 73],
    ['locked', 75],
    ['rejected', 78],
    ['schema-mismatch', 78],
  ])('exits with the sysexits code for a store that is %s (%i)', (reason, exitCode) => {
    const failure = startupFailureOf(new StoreStartupError(reason, `the store is ${reason}`));
    expect(failure).toEqual({ exitCode, reason: `the store is ${reason}` });
  });

  it('exits 71 (EX_OSERR) with a clear message when the port is taken', () => {
    const error = Object.assign(new Error('listen EADDRINUSE: address already in use :::3000'), {
      code: 'EADDRINUSE',
      address: '0.0.0.0',
      port: 3000,
    });
    expect(startupFailureOf(error)).toEqual({
      exitCode: 71,
      reason:
        'port 3000 on 0.0.0.0 is already in use; stop the other process or set PORT to a free port',
    });
  });

  it('exits 78 when a read model’s schema was written by another build', () => {
    const failure = startupFailureOf(
      new SchemaMismatchError('schema migration 1 (audit trail) differs'),
    );
    expect(failure).toEqual({ exitCode: 78, reason: 'schema migration 1 (audit trail) differs' });
  });

  it('exits 69 when a store stops answering while the service starts', () => {
    expect(
      startupFailureOf(new StoreUnavailableError('PostgreSQL is unavailable: connection refused'))
        .exitCode,
    ).toBe(69);
  });

  it('exits 70 (EX_SOFTWARE) on anything else, in one line', () => {
    expect(startupFailureOf(new TypeError('x is not\n  a function'))).toEqual({
      exitCode: 70,
      reason: 'unexpected error: x is not a function',
    });
    expect(startupFailureOf('a string')).toEqual({
      exitCode: 70,
      reason: 'unexpected error: a string',
    });
    expect(startupFailureOf(null).exitCode).toBe(70);
  });
});
