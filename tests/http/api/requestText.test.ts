import express from 'express';
import request from 'supertest';
import { z } from 'zod';
import { apiRouter, defineRoute } from '../../../src/http/api/route';
import { problemDetailsHandler } from '../../../src/http/problemDetails';

/** One route of the table taking a JSON body, as the service mounts them. */
function app() {
  const echo = defineRoute({
    method: 'post',
    path: '/echo',
    operationId: 'echo',
    summary: 'Echoes its body',
    tags: ['Test'],
    access: 'public',
    body: z.object({ reason: z.string(), lines: z.array(z.record(z.string(), z.string())) }),
    responses: { 200: { description: 'the body' } },
    handler: ({ body, res }) => {
      res.json(body);
    },
  });
  const server = express();
  server.use(apiRouter({ routes: [echo], authenticate: () => Promise.resolve(null) }));
  server.use(problemDetailsHandler());
  return server;
}

const post = (text: string) =>
  request(app()).post('/echo').set('Content-Type', 'application/json').send(text);

describe('a body with a string that is not Unicode text', () => {
  it.each([
    ['a member', '{"reason": "\\ud800", "lines": []}', '/reason'],
    ['an item', '{"reason": "ok", "lines": [{"a": "b"}, {"c": "\\udfff x"}]}', '/lines/1/c'],
    ['a member name', '{"reason": "ok", "lines": [{"\\ud800": "b"}]}', '/lines/0/\ud800'],
  ])('is refused with 422 naming %s that holds a lone surrogate', async (_case, body, pointer) => {
    const response = await post(body).expect(422);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      status: 422,
      errors: [{ pointer, detail: 'a string with an unpaired surrogate is not Unicode text' }],
    });
  });

  it('is accepted when its surrogates come in pairs (an emoji)', async () => {
    const response = await post('{"reason": "\\ud83d\\ude00 ok", "lines": []}').expect(200);
    expect(response.body).toEqual({ reason: '😀 ok', lines: [] });
  });
});
