import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { SENT_AT, type FuzzRequest, type PathValue, type QueryValue } from './fuzzRequests';

/** The keys the fuzzer calls with: one per role, and one revoked. */
export interface FuzzKeys {
  readonly admin: string;
  readonly auditor: string;
  readonly integration: string;
  readonly revoked: string;
}

/**
 * What the fuzzer knows of the service while it runs: ids it can put in paths (grown from every
 * answer), the cursors it was given, the webhook secret. Path parameters name a kind of id.
 */
export class FuzzWorld {
  private readonly ids = new Map<string, string[]>();
  /** Ids the fuzzer never puts in a path: revoking them would end what it can reach. */
  private readonly protectedIds = new Set<string>();
  readonly cursors: string[] = [];
  head = 0;

  constructor(
    readonly baseUrl: string,
    readonly keys: FuzzKeys,
    readonly webhookSecret: string,
  ) {}

  protect(id: string): void {
    this.protectedIds.add(id);
  }

  remember(kind: string, id: unknown): void {
    if (typeof id !== 'string' || id === '' || this.protectedIds.has(id)) return;
    const known = this.ids.get(kind) ?? [];
    if (!known.includes(id) && known.length < 100) known.push(id);
    this.ids.set(kind, known);
  }

  rememberCursor(cursor: string): void {
    if (!this.cursors.includes(cursor) && this.cursors.length < 100) this.cursors.push(cursor);
  }

  known(kind: string): readonly string[] {
    return this.ids.get(kind) ?? [];
  }
}

/** The kind of id each path parameter takes. Api keys: only those the fuzzer made, never its own. */
const KIND_OF_PARAMETER: Readonly<Record<string, string>> = {
  agreementId: 'agreement',
  obligationId: 'obligation',
  disputeEventId: 'event',
  paymentEventId: 'event',
  keyId: 'sacrificial-key',
  integrationId: 'integration',
  secretId: 'secret',
  inboxId: 'inbox',
  id: 'job',
  file: 'asset',
  productId: 'product',
};

/** Members of answers that hold ids, and the kind each is. */
const KIND_OF_MEMBER: Readonly<Record<string, string>> = {
  agreementId: 'agreement',
  obligationId: 'obligation',
  eventId: 'event',
  paymentEventId: 'event',
  disputeEventId: 'event',
  entryId: 'event',
  integrationId: 'integration',
  secretId: 'secret',
  inboxId: 'inbox',
  productId: 'product',
};

export interface SentRequest {
  readonly method: string;
  readonly url: string;
  readonly requestId: string;
  readonly headers: Record<string, string>;
}

export interface FuzzAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body when it is JSON; undefined otherwise. */
  readonly json: unknown;
}

const TOO_LARGE = `{"padding":"${'x'.repeat(1_100_000)}"}`;

export async function send(
  world: FuzzWorld,
  request: FuzzRequest,
): Promise<{ sent: SentRequest; answer: FuzzAnswer }> {
  const path = pathOf(world, request);
  const query = request.query.map(
    ([name, value]) => `${percentEncoded(name)}=${queryText(world, value)}`,
  );
  const url = `${world.baseUrl}${path}${query.length === 0 ? '' : `?${query.join('&')}`}`;
  const body = bodyText(request);
  // Ours, so that the log can be searched for what this very request wrote.
  const requestId = `fuzz-${randomUUID()}`;
  const headers: Record<string, string> = { 'X-Request-Id': requestId };
  const authorization = authorizationOf(world, request);
  if (authorization !== null) headers.Authorization = authorization;
  if (body !== undefined && request.contentType !== null)
    headers['Content-Type'] = request.contentType;
  if (request.accept !== undefined) headers.Accept = request.accept;
  if (request.idempotencyKey !== undefined) headers['Idempotency-Key'] = request.idempotencyKey;
  if (request.ifNoneMatch !== undefined)
    headers['If-None-Match'] =
      request.ifNoneMatch === 'current'
        ? await currentETag(world, request)
        : request.ifNoneMatch.raw;
  if (request.ifMatch !== undefined)
    headers['If-Match'] =
      request.ifMatch === 'current' ? await currentETag(world, request) : request.ifMatch.raw;
  if (request.webhook !== undefined)
    Object.assign(headers, webhookHeaders(world, request, body ?? ''));
  const answer = await exchange(request.method, url, headers, body);
  return {
    sent: { method: request.method, url, requestId, headers },
    answer: { ...answer, json: jsonOf(answer.headers, answer.text) },
  };
}

/**
 * One HTTP exchange with node:http rather than fetch: a GET may carry a body, and no header is
 * added that the fuzzer did not choose (but Host and Content-Length).
 */
function exchange(
  method: string,
  url: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<Omit<FuzzAnswer, 'json'>> {
  return new Promise((resolve, reject) => {
    const bytes = body === undefined ? undefined : Buffer.from(body, 'utf8');
    const outgoing = request(
      url,
      { method, headers: { ...headers, ...(bytes && { 'Content-Length': String(bytes.length) }) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const answerHeaders = new Headers();
          for (const [name, value] of Object.entries(response.headers))
            if (value !== undefined)
              answerHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
          resolve({
            status: response.statusCode ?? 0,
            headers: answerHeaders,
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(bytes);
  });
}

function jsonOf(headers: Headers, text: string): unknown {
  if (!/json/.test(headers.get('content-type') ?? '') || text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function pathOf(world: FuzzWorld, request: FuzzRequest): string {
  let path = request.path;
  for (const [name, value] of Object.entries(request.pathParams))
    path = path.replace(`{${name}}`, pathSegment(world, name, value));
  return path;
}

function pathSegment(world: FuzzWorld, name: string, value: PathValue): string {
  if ('raw' in value) return value.raw;
  if ('garbage' in value) return percentEncoded(value.garbage) || '%20';
  const known = world.known(KIND_OF_PARAMETER[name] ?? name);
  return known.length === 0 ? 'unknown' : encodeURIComponent(known[value.existing % known.length]!);
}

/** encodeURIComponent of the UTF-8 bytes: a lone surrogate becomes U+FFFD instead of throwing. */
const percentEncoded = (value: string): string =>
  [...Buffer.from(value, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9\-_.!~*'()]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');

function queryText(world: FuzzWorld, value: QueryValue): string {
  if (typeof value === 'string') return percentEncoded(value);
  if ('position' in value)
    return String(value.position === 'head' ? world.head : value.pick % (world.head + 1));
  const issued =
    world.cursors.length === 0 ? 'none' : world.cursors[value.pick % world.cursors.length]!;
  switch (value.cursor) {
    case 'issued':
      return issued;
    case 'truncated':
      return issued.slice(0, Math.max(1, value.pick % issued.length));
    case 'tampered':
      return tamperedCursor(issued, value.after);
  }
}

/** The cursor's envelope kept, its position replaced: it decodes, and must still be refused cleanly. */
function tamperedCursor(cursor: string, after: unknown): string {
  let envelope: unknown;
  try {
    envelope = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    envelope = {};
  }
  const position =
    envelope !== null && typeof envelope === 'object' && 'after' in envelope
      ? mergeInto(envelope.after, after)
      : after;
  return Buffer.from(JSON.stringify({ ...(envelope as object), after: position }), 'utf8').toString(
    'base64url',
  );
}

/** Replaces the position's first member with the fuzzed value, so the rest of it stays plausible. */
function mergeInto(position: unknown, value: unknown): unknown {
  if (position === null || typeof position !== 'object' || Array.isArray(position)) return value;
  const [first] = Object.keys(position);
  return first === undefined ? value : { ...position, [first]: value };
}

function authorizationOf(world: FuzzWorld, request: FuzzRequest): string | null {
  const { auth } = request;
  if (auth === 'none') return null;
  if (typeof auth === 'string') return `Bearer ${world.keys[auth]}`;
  if ('raw' in auth) return auth.raw;
  const key = world.keys.admin;
  const at = auth.tamperedAt % key.length;
  const flipped = key[at] === 'A' ? 'B' : 'A';
  return `Bearer ${key.slice(0, at)}${flipped}${key.slice(at + 1)}`;
}

/** The agreement's ETag as the client would read it just before its command. */
async function currentETag(world: FuzzWorld, request: FuzzRequest): Promise<string> {
  const agreement = request.pathParams.agreementId;
  const agreements = world.known('agreement');
  const id =
    agreement !== undefined && 'existing' in agreement && agreements.length > 0
      ? agreements[agreement.existing % agreements.length]!
      : agreements[0];
  if (id === undefined) return '"1"';
  const response = await fetch(`${world.baseUrl}/agreements/${encodeURIComponent(id)}`, {
    headers: { Authorization: `Bearer ${world.keys.admin}` },
  });
  await response.arrayBuffer();
  return response.headers.get('etag') ?? '"1"';
}

function bodyText(request: FuzzRequest): string | undefined {
  const { body } = request;
  if ('none' in body) return undefined;
  if ('raw' in body) return body.raw;
  if ('tooLarge' in body) return TOO_LARGE;
  return (JSON.stringify(body.json) ?? 'null').replaceAll(
    JSON.stringify(SENT_AT),
    JSON.stringify(new Date().toISOString()),
  );
}

function webhookHeaders(
  world: FuzzWorld,
  request: FuzzRequest,
  body: string,
): Record<string, string> {
  const { id, timestamp, signature } = request.webhook!;
  const now = Math.floor(Date.now() / 1000);
  const seconds =
    typeof timestamp !== 'string'
      ? null
      : { now, stale: now - 3_600, future: now + 3_600 }[timestamp];
  const signedAt = seconds ?? now;
  const sign = (secret: string): string =>
    new Webhook(secret).sign(id, new Date(signedAt * 1000), body);
  const valid = sign(world.webhookSecret);
  const signatures = {
    valid,
    tampered: `${valid.slice(0, -4)}AAA=`,
    'other-secret': sign(`whsec_${Buffer.from('another secret, not this one').toString('base64')}`),
    'among-others': `v1,AAAA ${valid} v2,zzz`,
  };
  return {
    'webhook-id': id,
    'webhook-timestamp': typeof timestamp === 'string' ? String(signedAt) : timestamp.raw,
    'webhook-signature': typeof signature === 'string' ? signatures[signature] : signature.raw,
  };
}

/** Learns ids from an accepted answer, and the cursor of its next page. */
export function harvest(world: FuzzWorld, sent: SentRequest, answer: FuzzAnswer): void {
  const next = /<[^>]*[?&]cursor=([^&>]+)[^>]*>;\s*rel="next"/.exec(
    answer.headers.get('link') ?? '',
  );
  if (next) world.rememberCursor(decodeURIComponent(next[1]!));
  const location = answer.headers.get('location') ?? '';
  const job = /^\/(?:audit\/verifications|admin\/rebuilds)\/([^/?]+)$/.exec(location);
  if (job) world.remember('job', job[1]);
  if (sent.method === 'POST' && new URL(sent.url).pathname === '/admin/api-keys')
    world.remember('sacrificial-key', (answer.json as { keyId?: unknown } | undefined)?.keyId);
  collectIds(world, answer.json, 0);
}

function collectIds(world: FuzzWorld, value: unknown, depth: number): void {
  if (depth > 6 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value.slice(0, 20)) collectIds(world, item, depth + 1);
    return;
  }
  for (const [name, member] of Object.entries(value)) {
    const kind = KIND_OF_MEMBER[name];
    if (kind !== undefined) world.remember(kind, member);
    collectIds(world, member, depth + 1);
  }
}

/** A request as a person replays it with curl: method, URL, headers (keys shortened), body. */
export function describeSent(sent: SentRequest, body: FuzzRequest['body']): string {
  const headers = Object.entries(sent.headers)
    .map(
      ([name, value]) => `  ${name}: ${value.length > 200 ? `${value.slice(0, 200)}...` : value}`,
    )
    .join('\n');
  const text =
    'json' in body
      ? JSON.stringify(body.json)
      : 'raw' in body
        ? body.raw
        : 'tooLarge' in body
          ? '<1.1 MB>'
          : '<none>';
  return `${sent.method} ${sent.url}\n${headers}\n  body: ${(text ?? '').slice(0, 2_000)}`;
}
