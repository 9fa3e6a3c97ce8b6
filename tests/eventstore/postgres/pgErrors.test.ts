import { StoreUnavailableError } from '../../../src/eventstore/errors';
import { isConnectionError, unavailableOr } from '../../../src/eventstore/postgres/pgErrors';

describe('PostgreSQL errors', () => {
  it('takes a pooled connection the server closed a moment ago for a lost server, not a bug', () => {
    // What node-postgres throws, without a code, when such a connection is used.
    const notQueryable = new Error(
      'Client has encountered a connection error and is not queryable',
    );
    expect(isConnectionError(notQueryable)).toBe(true);
    expect(unavailableOr(notQueryable)).toBeInstanceOf(StoreUnavailableError);
  });

  it('takes a shutdown of the server (57P01) and a refused connection for a lost server', () => {
    const shutdown = Object.assign(
      new Error('terminating connection due to administrator command'),
      {
        code: '57P01',
      },
    );
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    expect([shutdown, refused].map(isConnectionError)).toEqual([true, true]);
  });

  it('leaves an error of the statement as it is', () => {
    const syntax = Object.assign(new Error('syntax error at or near "SELEC"'), { code: '42601' });
    expect(isConnectionError(syntax)).toBe(false);
    expect(unavailableOr(syntax)).toBe(syntax);
    const closed = new Error('Client was closed and is not queryable');
    expect(isConnectionError(closed)).toBe(false);
  });
});
