import {
  EventIdConflictError,
  InvalidAppendError,
  StoreClosedError,
  StoreUnavailableError,
  WrongExpectedVersionError,
} from '../../src/eventstore/errors';
import { problemFor } from '../../src/http/problemDetails';
import { ValidationError } from '../../src/http/validationError';

describe('problemFor', () => {
  it('answers 409 when the stream moved on, saying where it is now', () => {
    expect(problemFor(new WrongExpectedVersionError('agreement-1', 3, 5))).toEqual({
      type: '/problems/wrong-expected-version',
      title: 'The stream has changed since it was read',
      status: 409,
      detail: 'stream agreement-1 is at version 5, expected 3',
      streamId: 'agreement-1',
      expectedVersion: 3,
      actualVersion: 5,
    });
  });

  it('answers 409 when an event id was used for other content', () => {
    expect(problemFor(new EventIdConflictError('e-1', 'with different content'))).toMatchObject({
      type: '/problems/event-id-conflict',
      status: 409,
      detail: 'event e-1 was already appended with different content',
    });
  });

  it('answers 422 with a pointer at the invalid part of an append', () => {
    expect(problemFor(new InvalidAppendError('/events/0/eventId', 'Invalid UUID'))).toEqual({
      type: '/problems/invalid-append',
      title: 'The events are not valid',
      status: 422,
      detail: 'Invalid UUID',
      errors: [{ detail: 'Invalid UUID', pointer: '/events/0/eventId' }],
    });
  });

  it('answers 503 when the store is unavailable, without its internals', () => {
    const problem = problemFor(
      new StoreUnavailableError('PostgreSQL is unavailable: connect ECONNREFUSED 10.1.2.3:5432'),
    );
    expect(problem).toMatchObject({ type: '/problems/store-unavailable', status: 503 });
    expect(JSON.stringify(problem)).not.toContain('10.1.2.3');
  });

  it('answers 503 when the store is closed for shutdown', () => {
    expect(problemFor(new StoreClosedError())).toMatchObject({
      type: '/problems/store-closed',
      status: 503,
      title: 'The service is shutting down',
    });
  });

  it('answers 422 with every field error of a validation error', () => {
    const errors = [
      { detail: 'must be a date', pointer: '/dueOn' },
      { detail: 'required', pointer: '/amountMinor' },
    ];
    expect(problemFor(new ValidationError(errors))).toEqual({
      type: '/problems/validation-failed',
      title: 'The request is not valid',
      status: 422,
      detail: 'the request is not valid',
      errors,
    });
  });

  it('passes on a client error whose message was written for the client', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), {
      status: 413,
      expose: true,
      type: 'entity.too.large',
    });
    expect(problemFor(tooLarge)).toEqual({
      type: 'about:blank',
      title: 'Payload Too Large',
      status: 413,
      detail: 'request entity too large',
    });
  });

  it('answers 500 for anything else and tells nothing of it', () => {
    const internal = Object.assign(new Error('password authentication failed for "app"'), {
      status: 500,
      expose: false,
    });
    for (const error of [new Error('secret internals'), internal, 'thrown string', undefined]) {
      const problem = problemFor(error);
      expect(problem).toMatchObject({ type: 'about:blank', title: 'Internal Server Error' });
      expect(problem.status).toBe(500);
      expect(problem.detail).not.toMatch(/secret|password|thrown/);
    }
  });
});
