import express from 'express';
import request from 'supertest';
import { z } from 'zod';
import { apiRouter, defineRoute } from '../../../src/http/api/route';
import { problemDetailsHandler } from '../../../src/http/problemDetails';

/** Two routes of the table, one taking a JSON body, one a path parameter and a filter. */
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
  const item = defineRoute({
    method: 'get',
    path: '/items/:itemId',
    operationId: 'item',
    summary: 'Echoes its id and filter',
    tags: ['Test'],
    access: 'public',
    params: z.object({ itemId: z.string() }),
    query: z.object({ actor: z.string().optional() }),
    responses: { 200: { description: 'the id and filter' } },
    handler: ({ params, query, res }) => {
      res.json({ ...params, ...query });
    },
  });
  const server = express();
  server.use(apiRouter({ routes: [echo, item], authenticate: () => Promise.resolve(null) }));
  server.use(problemDetailsHandler());
  return server;
}

const post = (text: string) =>
  request(app()).post('/echo').set('Content-Type', 'application/json').send(text);

const LONE_SURROGATE = 'a string with an unpaired surrogate is not Unicode text';
const NUL = 'U+0000 (NUL) is not allowed in text';

describe('a request string that is not text', () => {
  it.each([
    ['a member', '{"reason": "\\ud800", "lines": []}', '/reason', LONE_SURROGATE],
    [
      'an item',
      '{"reason": "ok", "lines": [{"a": "b"}, {"c": "\\udfff x"}]}',
      '/lines/1/c',
      LONE_SURROGATE,
    ],
    [
      'a member name',
      '{"reason": "ok", "lines": [{"\\ud800": "b"}]}',
      '/lines/0/\ud800',
      LONE_SURROGATE,
    ],
    ['a member holding NUL', '{"reason": "a\\u0000b", "lines": []}', '/reason', NUL],
  ])('is refused with 422 naming %s', async (_case, body, pointer, detail) => {
    const response = await post(body).expect(422);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 422, errors: [{ pointer, detail }] });
  });

  it('is refused in a path parameter or a filter, which PostgreSQL could not compare', async () => {
    const inPath = await request(app()).get('/items/a%00b').expect(422);
    expect(inPath.body).toMatchObject({ errors: [{ pointer: '/params/itemId', detail: NUL }] });
    const inQuery = await request(app()).get('/items/a?actor=%00').expect(422);
    expect(inQuery.body).toMatchObject({ errors: [{ pointer: '/query/actor', detail: NUL }] });
  });

  it('is accepted when its surrogates come in pairs (an emoji)', async () => {
    const response = await post('{"reason": "\\ud83d\\ude00 ok", "lines": []}').expect(200);
    expect(response.body).toEqual({ reason: '😀 ok', lines: [] });
    await request(app())
      .get('/items/%F0%9F%98%80?actor=%C3%A9')
      .expect(200, { itemId: '😀', actor: 'é' });
  });
});
