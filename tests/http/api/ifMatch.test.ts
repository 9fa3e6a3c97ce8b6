import express from 'express';
import request from 'supertest';
import { WrongExpectedVersionError } from '../../../src/eventstore/errors';
import {
  PreconditionFailedError,
  asPreconditionFailed,
  requiredIfMatchVersion,
  streamVersionETag,
} from '../../../src/http/api/ifMatch';
import { problemDetailsHandler } from '../../../src/http/problemDetails';

const CURRENT_VERSION = 4;

/** A command route as the lead will write one: If-Match names the version decided on. */
function app() {
  const server = express();
  server.post('/agreements/a-1/payments', async (req, res) => {
    const expected = requiredIfMatchVersion(req);
    // What the store's append answers when the expected version is not the stream's.
    const append = async (): Promise<void> => {
      if (expected !== CURRENT_VERSION) {
        throw new WrongExpectedVersionError('agreement-a-1', expected, CURRENT_VERSION);
      }
    };
    await append().catch(asPreconditionFailed);
    res.status(201).json({ version: expected + 1 });
  });
  server.use(problemDetailsHandler());
  return server;
}

describe('requiredIfMatchVersion', () => {
  it('answers 428 when If-Match is missing', async () => {
    const response = await request(app()).post('/agreements/a-1/payments').expect(428);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      type: '/problems/precondition-required',
      status: 428,
    });
  });

  it('answers 412 naming the current version, and sends its ETag', async () => {
    const response = await request(app())
      .post('/agreements/a-1/payments')
      .set('If-Match', '"3"')
      .expect(412);
    expect(response.headers.etag).toBe('"4"');
    expect(response.body).toMatchObject({
      type: '/problems/stale-version',
      status: 412,
      expectedVersion: 3,
      currentVersion: 4,
    });
  });

  it('takes the current version', async () => {
    await request(app())
      .post('/agreements/a-1/payments')
      .set('If-Match', streamVersionETag(CURRENT_VERSION))
      .expect(201, { version: 5 });
  });

  it.each([
    ['*'],
    ['"3", "4"'],
    ['W/"4"'],
    ['4'],
    ['"04"'],
    ['"-1"'],
    ['"4.0"'],
    ['"abc"'],
    ['"99999999999999999999"'],
  ])('answers 422 naming the header for If-Match: %s', async (header) => {
    const response = await request(app())
      .post('/agreements/a-1/payments')
      .set('If-Match', header)
      .expect(422);
    expect((response.body as { errors: unknown }).errors).toEqual([
      { detail: expect.any(String), pointer: '/headers/if-match' },
    ]);
  });

  it('reads version 0 (a stream with no events yet)', async () => {
    const req = { get: () => '"0"' } as unknown as express.Request;
    expect(requiredIfMatchVersion(req)).toBe(0);
  });
});

describe('asPreconditionFailed', () => {
  it('turns a wrong numeric expected version into 412 and leaves other errors alone', () => {
    expect(() => asPreconditionFailed(new WrongExpectedVersionError('s', 2, 3))).toThrow(
      PreconditionFailedError,
    );
    const noStream = new WrongExpectedVersionError('s', 'no-stream', 3);
    expect(() => asPreconditionFailed(noStream)).toThrow(noStream);
  });
});
