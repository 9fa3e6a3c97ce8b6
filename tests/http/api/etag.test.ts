import express from 'express';
import request from 'supertest';
import {
  etagOf,
  ifNoneMatchMatches,
  parseEntityTags,
  sendJsonWithETag,
} from '../../../src/http/api/etag';

const READ_MODEL = { agreementId: 'a-1', obligations: [{ id: 'o-1', amountMinor: '1250000' }] };

function app() {
  const server = express();
  server.get('/agreement', (req, res) => sendJsonWithETag(req, res, READ_MODEL));
  server.get('/versioned', (req, res) => sendJsonWithETag(req, res, READ_MODEL, { etag: '"7"' }));
  server.post('/agreement', (req, res) => sendJsonWithETag(req, res, READ_MODEL));
  return server;
}

describe('etagOf', () => {
  it('is a quoted base64url SHA-256, the same whatever the order of the members', () => {
    const etag = etagOf({ b: 1, a: [1, 2] });
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(etagOf({ a: [1, 2], b: 1 })).toBe(etag);
    expect(etagOf({ a: [2, 1], b: 1 })).not.toBe(etag);
  });

  it('marks a weak tag with W/ and ignores members that JSON drops', () => {
    expect(etagOf({ a: 1 }, { weak: true })).toBe(`W/${etagOf({ a: 1 })}`);
    expect(etagOf({ a: 1, gone: undefined })).toBe(etagOf({ a: 1 }));
  });
});

describe('parseEntityTags', () => {
  it('reads *, single tags, weak tags and lists with commas inside the quotes', () => {
    expect(parseEntityTags(' * ')).toBe('*');
    expect(parseEntityTags('"a"')).toEqual([{ weak: false, opaque: '"a"' }]);
    expect(parseEntityTags('W/"a", "b,c" ,, "d"')).toEqual([
      { weak: true, opaque: '"a"' },
      { weak: false, opaque: '"b,c"' },
      { weak: false, opaque: '"d"' },
    ]);
    expect(parseEntityTags('""')).toEqual([{ weak: false, opaque: '""' }]);
  });

  it('refuses bare tokens, open quotes and junk after a tag', () => {
    expect(parseEntityTags('abc')).toBeNull();
    expect(parseEntityTags('"abc')).toBeNull();
    expect(parseEntityTags('"a" "b"')).toBeNull();
    expect(parseEntityTags('w/"a"')).toBeNull();
    expect(parseEntityTags('"a b"')).toBeNull();
  });
});

describe('ifNoneMatchMatches', () => {
  it.each([
    ['*', true],
    ['"x"', true],
    ['W/"x"', true],
    ['"y", W/"x"', true],
    ['"y"', false],
    ['"X"', false],
    ['x', false],
    ['', false],
  ])('If-None-Match %s against "x" matches: %s', (header, matches) => {
    expect(ifNoneMatchMatches(header, '"x"')).toBe(matches);
  });

  it('compares weakly whichever side is weak', () => {
    expect(ifNoneMatchMatches('"x"', 'W/"x"')).toBe(true);
  });

  it('matches nothing without the header', () => {
    expect(ifNoneMatchMatches(undefined, '"x"')).toBe(false);
  });
});

describe('sendJsonWithETag', () => {
  it('sends the body with a strong ETag and no-cache', async () => {
    const response = await request(app()).get('/agreement').expect(200);
    expect(response.headers.etag).toBe(etagOf(READ_MODEL));
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.body).toEqual(READ_MODEL);
  });

  it('answers 304 without a body when If-None-Match names the current tag', async () => {
    const etag = etagOf(READ_MODEL);
    for (const header of [etag, `W/${etag}`, `"old", ${etag}`, '*']) {
      const response = await request(app()).get('/agreement').set('If-None-Match', header);
      expect(response.status).toBe(304);
      expect(response.text).toBeFalsy();
      expect(response.headers.etag).toBe(etag);
      expect(response.headers['cache-control']).toBe('no-cache');
    }
  });

  it('sends the body again when the client holds an older tag', async () => {
    const response = await request(app()).get('/agreement').set('If-None-Match', '"old"');
    expect(response.status).toBe(200);
    expect(response.body).toEqual(READ_MODEL);
  });

  it('uses the tag it is given, such as a stream version', async () => {
    await request(app()).get('/versioned').expect(200).expect('ETag', '"7"');
    await request(app()).get('/versioned').set('If-None-Match', '"7"').expect(304);
  });

  it('answers 304 only to safe methods', async () => {
    await request(app()).post('/agreement').set('If-None-Match', '*').expect(200);
  });
});
