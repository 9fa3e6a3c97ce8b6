import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../eventstore/json';

/** An entity tag (RFC 9110 §8.8.3): the opaque tag with its quotes, and whether it is weak. */
export interface EntityTag {
  readonly weak: boolean;
  /** With its double quotes: `"abc"`. */
  readonly opaque: string;
}

/**
 * The ETag of a JSON body: SHA-256 of its canonical JSON (RFC 8785), base64url, quoted. The same
 * data gives the same tag on every instance, whatever order its members were built in.
 */
export function etagOf(body: unknown, options: { weak?: boolean } = {}): string {
  return tagOf(canonicalJson(asSentJson(body)), options.weak ?? false);
}

/**
 * Parses an `If-Match` or `If-None-Match` value: `*`, or a list of entity tags. Null when it is
 * not well formed (a bare token, a missing quote); empty list elements are allowed, as in any
 * HTTP list.
 */
export function parseEntityTags(header: string): '*' | EntityTag[] | null {
  const value = header.trim();
  if (value === '*') return '*';
  const tags: EntityTag[] = [];
  let at = 0;
  while (at < value.length) {
    const character = value[at];
    if (character === ',' || character === ' ' || character === '\t') {
      at += 1;
      continue;
    }
    const weak = value.startsWith('W/', at);
    const open = weak ? at + 2 : at;
    if (value[open] !== '"') return null;
    const close = value.indexOf('"', open + 1);
    if (close === -1) return null;
    const opaque = value.slice(open, close + 1);
    if (!ETAGC.test(opaque.slice(1, -1))) return null;
    tags.push({ weak, opaque });
    at = close + 1;
    // After a tag: only whitespace, then a comma or the end.
    while (value[at] === ' ' || value[at] === '\t') at += 1;
    if (at < value.length && value[at] !== ',') return null;
  }
  return tags;
}

// etagc = %x21 / %x23-7E / obs-text: visible characters but the double quote (commas included).
const ETAGC = /^[\x21\x23-\x7e\x80-\xff]*$/;

/**
 * Whether `If-None-Match` names the current representation: `*` always does (one exists), a list
 * does when one of its tags equals `etag` by the weak comparison (RFC 9110 §8.8.3.2: `W/"x"`
 * matches `"x"`). An absent or malformed header matches nothing.
 */
export function ifNoneMatchMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const tags = parseEntityTags(header);
  if (tags === null) return false;
  if (tags === '*') return true;
  const current = parseEntityTags(etag);
  if (current === null || current === '*' || current.length !== 1) {
    throw new Error(`not an entity tag: ${etag}`);
  }
  const opaque = current[0]!.opaque;
  return tags.some((tag) => tag.opaque === opaque);
}

export interface SendJsonWithETagOptions {
  /** The representation's tag, e.g. `"<streamVersion>"`; defaults to a strong tag of the body. */
  readonly etag?: string;
  readonly status?: number;
}

/**
 * Answers a read (GET or HEAD) with its ETag and `Cache-Control: no-cache` (caches keep it but
 * must revalidate every time), or 304 without a body when `If-None-Match` names it. The body is
 * sent as its canonical JSON, so the default strong tag names exactly the bytes sent.
 */
export function sendJsonWithETag(
  req: Request,
  res: Response,
  body: unknown,
  options: SendJsonWithETagOptions = {},
): void {
  const json = canonicalJson(asSentJson(body));
  const etag = options.etag ?? tagOf(json, false);
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', 'no-cache');
  // Only safe methods answer 304 (RFC 9110 §13.1.2); this helper serves reads.
  if (
    (req.method === 'GET' || req.method === 'HEAD') &&
    ifNoneMatchMatches(req.get('If-None-Match'), etag)
  ) {
    res.status(304).end();
    return;
  }
  res
    .status(options.status ?? 200)
    .setHeader('Content-Type', 'application/json; charset=utf-8')
    .send(json);
}

function tagOf(json: string, weak: boolean): string {
  const digest = createHash('sha256').update(json, 'utf8').digest('base64url');
  return weak ? `W/"${digest}"` : `"${digest}"`;
}

// What res.json would send: undefined members dropped, dates and toJSON applied.
function asSentJson(body: unknown): unknown {
  const text = JSON.stringify(body);
  return text === undefined ? null : (JSON.parse(text) as unknown);
}
