import express from 'express';
import request from 'supertest';
import { z } from 'zod';
import {
  decodeCursor,
  encodeCursor,
  keysetAfter,
  limitSchema,
  pageOf,
  pageQuerySchema,
  setNextLink,
} from '../../../src/http/api/pagination';
import { problemDetailsHandler } from '../../../src/http/problemDetails';
import { ValidationError } from '../../../src/http/validationError';

const position = z.object({ dueOn: z.string(), id: z.string() });

describe('cursors', () => {
  it('give back the position they were made from, as base64url', () => {
    const cursor = encodeCursor({ dueOn: '2025-03-31', id: 'o-7' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, position)).toEqual({ dueOn: '2025-03-31', id: 'o-7' });
  });

  const tampered: [string, string][] = [
    ['not base64url', 'abc+/='],
    ['not JSON', Buffer.from('{nope').toString('base64url')],
    [
      'another version',
      Buffer.from('{"v":2,"after":{"dueOn":"x","id":"y"}}').toString('base64url'),
    ],
    ['no version', Buffer.from('{"after":{"dueOn":"x","id":"y"}}').toString('base64url')],
    ['another shape', encodeCursor({ dueOn: 3, id: 'o-7' })],
    [
      'extra members',
      Buffer.from('{"v":1,"after":{"dueOn":"x","id":"y"},"x":1}').toString('base64url'),
    ],
  ];
  it.each(tampered)('refuses a cursor that is %s, pointing at /query/cursor', (_case, cursor) => {
    let thrown: unknown;
    try {
      decodeCursor(cursor, position);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).errors).toEqual([
      { detail: expect.any(String), pointer: '/query/cursor' },
    ]);
  });
});

describe('limitSchema', () => {
  it('is 50 when absent, takes 1 to 500 from the query string, and nothing else', () => {
    expect(limitSchema.parse(undefined)).toBe(50);
    expect(limitSchema.parse('1')).toBe(1);
    expect(limitSchema.parse('500')).toBe(500);
    for (const bad of ['0', '501', '2.5', 'ten', '-1']) {
      expect(limitSchema.safeParse(bad).success).toBe(false);
    }
  });
});

describe('keysetAfter', () => {
  it('starts at the beginning without a position', () => {
    expect(keysetAfter({ sortColumn: 'due_on', idColumn: 'obligation_id' }, undefined)).toEqual({
      where: '1 = 1',
      parameters: [],
      orderBy: 'due_on ASC, obligation_id ASC',
    });
  });

  it('continues after the position, the tie broken by id', () => {
    expect(
      keysetAfter({ sortColumn: 'o.due_on', idColumn: 'o.id' }, { sort: '2025-03-31', id: 'o-7' }),
    ).toEqual({
      where: '(o.due_on > ? OR (o.due_on = ? AND o.id > ?))',
      parameters: ['2025-03-31', '2025-03-31', 'o-7'],
      orderBy: 'o.due_on ASC, o.id ASC',
    });
  });

  it('goes the other way for a descending list', () => {
    expect(
      keysetAfter(
        { sortColumn: 'position', idColumn: 'id', direction: 'desc' },
        { sort: 9, id: 'e' },
      ),
    ).toMatchObject({
      where: '(position < ? OR (position = ? AND id < ?))',
      orderBy: 'position DESC, id DESC',
    });
  });

  it('refuses anything but a column name in the SQL text', () => {
    expect(() =>
      keysetAfter({ sortColumn: 'due_on; DROP TABLE x', idColumn: 'id' }, undefined),
    ).toThrow(/not a column name/);
  });
});

describe('pageOf', () => {
  const positionOf = (n: number) => ({ sort: n, id: String(n) });
  it('says where the next page starts when the extra row came back', () => {
    expect(pageOf([1, 2, 3], 2, positionOf)).toEqual({
      items: [1, 2],
      nextAfter: { sort: 2, id: '2' },
    });
  });
  it('has no next page otherwise', () => {
    expect(pageOf([1, 2], 2, positionOf)).toEqual({ items: [1, 2] });
    expect(pageOf([], 2, positionOf)).toEqual({ items: [] });
  });
});

describe('Link: rel="next"', () => {
  function app() {
    const server = express();
    const list = express.Router();
    list.get('/obligations', (req, res) => {
      const query = pageQuerySchema.extend({ status: z.string().optional() }).parse(req.query);
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, position);
      setNextLink(req, res, encodeCursor({ dueOn: '2025-06-30', id: 'o-9' }));
      res.json({ after: after ?? null, limit: query.limit });
    });
    list.get('/last', (req, res) => {
      setNextLink(req, res, undefined);
      res.json([]);
    });
    server.use('/v1', list);
    server.use(problemDetailsHandler());
    return server;
  }

  it('keeps the path, mount point and other parameters, and replaces the cursor', async () => {
    const old = encodeCursor({ dueOn: '2025-03-31', id: 'o-7' });
    const response = await request(app())
      .get(`/v1/obligations?status=open%20now&cursor=${old}&limit=2`)
      .expect(200);
    expect(response.body).toEqual({ after: { dueOn: '2025-03-31', id: 'o-7' }, limit: 2 });
    const next = encodeCursor({ dueOn: '2025-06-30', id: 'o-9' });
    expect(response.headers.link).toBe(
      `</v1/obligations?status=open+now&cursor=${next}&limit=2>; rel="next"`,
    );
  });

  it('adds the cursor to a first page', async () => {
    const response = await request(app()).get('/v1/obligations').expect(200);
    expect(response.headers.link).toMatch(
      /^<\/v1\/obligations\?cursor=[A-Za-z0-9_-]+>; rel="next"$/,
    );
  });

  it('sends no link from the last page', async () => {
    const response = await request(app()).get('/v1/last').expect(200);
    expect(response.headers.link).toBeUndefined();
  });

  it('answers a tampered cursor with 422 pointing at /query/cursor', async () => {
    const forged = encodeCursor({ dueOn: '2025-03-31' });
    const response = await request(app()).get(`/v1/obligations?cursor=${forged}`).expect(422);
    expect((response.body as { errors: unknown }).errors).toEqual([
      { detail: expect.any(String), pointer: '/query/cursor' },
    ]);
    const flipped = `${encodeCursor({ dueOn: '2025-03-31', id: 'o-7' }).slice(0, -3)}zzz`;
    await request(app()).get(`/v1/obligations?cursor=${flipped}`).expect(422);
  });
});
