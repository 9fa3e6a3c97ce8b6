import {
  EventIdConflictError,
  StoreStartupError,
  StoreUnavailableError,
} from '../../../src/eventstore/errors';
import {
  ReadTimeoutError,
  actualVersionOf,
  isUnavailable,
  startupError,
  toStoreError,
} from '../../../src/eventstore/kurrentdb/kurrentDbErrors';

/** Shaped like the client's errors, which carry a `type` and, from gRPC, a status `code`. */
function clientError(type: string, message = `${type} happened`, code?: number): Error {
  return Object.assign(new Error(message), { type, ...(code !== undefined && { code }) });
}

describe('KurrentDB errors', () => {
  describe('while the store runs', () => {
    it.each([
      ['no connection', clientError('unavailable', '14 UNAVAILABLE: No connection established')],
      ['a missed deadline', clientError('deadline-exceeded')],
      ['a write the server timed out', clientError('timeout')],
      ['a call the server cancelled while shutting down', clientError('cancelled')],
      ['a change of leader', clientError('not-leader')],
      ['a call cancelled under it by the client', clientError('unknown', 'Cancelled on client', 1)],
      ['a read that took too long', new ReadTimeoutError(30_000)],
      ['no gossip seed answering', new Error('Failed to discover after 10 attempts.')],
    ])('answers "unavailable, try again" to %s', (_what, error) => {
      expect(isUnavailable(error)).toBe(true);
      const mapped = toStoreError(error, 'db:2113');
      expect(mapped).toBeInstanceOf(StoreUnavailableError);
      expect(mapped).toMatchObject({ message: expect.stringContaining('KurrentDB at db:2113') });
      expect((mapped as Error).cause).toBe(error);
    });

    it.each([
      ['a wrong expected version', clientError('wrong-expected-version')],
      ['a refused access', clientError('access-denied')],
      ['a deleted stream', clientError('stream-deleted')],
      ['a bug', new TypeError('x is not a function')],
    ])('passes %s through unchanged', (_what, error) => {
      expect(isUnavailable(error)).toBe(false);
      expect(toStoreError(error, 'db:2113')).toBe(error);
    });

    it("never wraps the port's own errors", () => {
      const conflict = new EventIdConflictError('e1', 'with different content');
      expect(toStoreError(conflict, 'db:2113')).toBe(conflict);
    });
  });

  describe('when the store cannot open', () => {
    it('calls a server that does not answer unreachable, naming it', () => {
      const error = startupError(
        clientError(
          'unavailable',
          '14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 10.0.0.5:2113. Resolution note: ',
        ),
        '10.0.0.5:2113',
      );
      expect(error).toBeInstanceOf(StoreStartupError);
      expect(error.reason).toBe('unreachable');
      expect(error.message).toBe(
        'cannot reach KurrentDB at 10.0.0.5:2113: 14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 10.0.0.5:2113.',
      );
    });

    it('suggests checking tls= when the handshake fails', () => {
      const error = startupError(
        clientError('unavailable', '14 UNAVAILABLE: SSL routines::wrong version number'),
        'db:2113',
      );
      expect(error.message).toMatch(/tls=true\/false/);
    });

    it('calls refused credentials rejected and says what to check', () => {
      const error = startupError(clientError('access-denied', 'Access denied'), 'db:2113');
      expect(error.reason).toBe('rejected');
      expect(error.message).toMatch(/credentials in EVENT_STORE_URL.*read \$all/);
    });

    it('calls anything else rejected', () => {
      expect(startupError(new Error('strange'), 'db:2113').reason).toBe('rejected');
    });
  });

  describe('the actual version a wrong-expected-version error reports', () => {
    it('counts the events of the stream', () => {
      expect(actualVersionOf({ actualVersion: 'no_stream' })).toBe(0);
      expect(actualVersionOf({ actualVersion: 4n })).toBe(5);
    });

    it('is unknown when the error does not say', () => {
      expect(actualVersionOf({})).toBe(-1);
      expect(actualVersionOf(null)).toBe(-1);
    });
  });
});
