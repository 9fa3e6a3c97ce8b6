import type { Request, Response } from 'express';
import { z } from 'zod';
import { listApiKeys } from '../../projections/apiKeys';
import { defineRoute, type AnyRoute } from '../http/api/route';
import { recordedPositionOf, recordPositionQuery } from '../http/routes/recordedPositionOf';
import { actorOf, principalOf } from '../http/api/principal';
import { problemType, sendProblem } from '../http/problemDetails';
import type { SqlExecutor } from '../readstore/readStore';
import { describeApiKey } from './apiKey';
import {
  eventTypesMatchRole,
  eventTypesSchema,
  keyIdSchema,
  keyNameSchema,
  reasonSchema,
  roleSchema,
} from './apiKeyEvents';
import { ApiKeyNotFoundError, type ApiKeyRegistry, type ChangeOrigin } from './apiKeyRegistry';

export interface ApiKeyRoutesOptions {
  readonly registry: ApiKeyRegistry;
  /** Where the `api-keys` projection keeps the list. */
  readonly readStore: SqlExecutor;
}

const TAGS = ['API keys'];
const PATH = '/admin/api-keys';

const revocationSchema = z.object({
  reason: z.string(),
  revokedBy: z.string(),
  revokedAt: z.string().describe('When the store recorded the revocation (RFC 3339).'),
});

/** What the API shows of a key: never its secret, never its hash. */
export const apiKeyDescriptionSchema = z
  .object({
    keyId: z.string().describe('The public part of the key; `apikey:<keyId>` is its actor.'),
    name: z.string(),
    role: roleSchema,
    eventTypes: z.array(z.string()).optional().describe('Integration keys: what they may post.'),
    createdBy: z.string().describe('The actor that created the key.'),
    createdAt: z.string().describe('When the store recorded the creation (RFC 3339).'),
    revoked: revocationSchema.nullable(),
  })
  .meta({ id: 'ApiKey' });

const createdApiKeySchema = apiKeyDescriptionSchema
  .extend({
    apiKey: z
      .string()
      .describe('The whole key, `obl_<keyId>_<secret>`. Shown this once: only its hash is kept.'),
  })
  .meta({ id: 'CreatedApiKey' });

export const createApiKeyBodySchema = z
  .strictObject({
    name: keyNameSchema,
    role: roleSchema,
    eventTypes: eventTypesSchema
      .optional()
      .describe('Required for, and only for, the integration role: the event types it may post.'),
  })
  .superRefine(eventTypesMatchRole);

const revokeBodySchema = z.strictObject({ reason: reasonSchema });
const keyParamsSchema = z.object({ keyId: keyIdSchema });

const MAX_PAGE = 500;
const listQuerySchema = z.object({
  limit: z
    .string()
    .regex(/^\d+$/, { error: `expected an integer from 1 to ${MAX_PAGE}` })
    .transform(Number)
    .refine((limit) => limit >= 1 && limit <= MAX_PAGE, {
      error: `expected an integer from 1 to ${MAX_PAGE}`,
    })
    .optional(),
  cursor: z
    .string()
    .transform((cursor, context) => {
      const after = decodeCursor(cursor);
      if (after === null) {
        context.addIssue({ code: 'custom', message: 'not a cursor this service gave out' });
        return z.NEVER;
      }
      return after;
    })
    .optional(),
  ...recordPositionQuery,
});

const listSchema = z.object({ items: z.array(apiKeyDescriptionSchema) });

const UNAUTHENTICATED = { description: 'No valid, unrevoked API key' };
const FORBIDDEN = { description: 'The key is not an admin key' };
const NOT_FOUND = { description: 'There is no key with this id' };
const INVALID = { description: 'The request names a bad field (each with a JSON pointer)' };

/** The admin operations on API keys. Only admin keys may call them. */
export function apiKeyRoutes({ registry, readStore }: ApiKeyRoutesOptions): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: PATH,
      operationId: 'createApiKey',
      summary: 'Create an API key',
      description:
        'Answers the whole key once, in `apiKey`; the service keeps only a SHA-256 of its secret, so a lost key cannot be shown again: revoke it and create another.',
      tags: TAGS,
      access: ['admin'],
      body: createApiKeyBodySchema,
      responses: {
        201: {
          description: 'Created; `Location` names the key',
          schema: createdApiKeySchema,
          headers: { Location: 'The key: /admin/api-keys/{keyId}' },
        },
        401: UNAUTHENTICATED,
        403: FORBIDDEN,
        422: INVALID,
      },
      handler: async ({ body, req, res }) => {
        const created = await registry.create({
          name: body.name,
          role: body.role,
          ...(body.eventTypes !== undefined && { eventTypes: body.eventTypes }),
          ...originOf(req),
        });
        res
          .status(201)
          .location(`${PATH}/${created.key.keyId}`)
          .setHeader('Cache-Control', 'no-store')
          .json({ ...describeApiKey(created.key), apiKey: created.apiKey });
      },
    }),
    defineRoute({
      method: 'get',
      path: PATH,
      operationId: 'listApiKeys',
      summary: 'List the API keys',
      description:
        'Every key, revoked ones too, in the order they were created, without secrets or hashes. The list is a read model: a key created a moment ago may take a moment to appear (it authenticates at once). `recordedAt` (a position or an instant) lists the keys as they stood then: those created by it, each revoked only if revoked by it (read from its stream). A key’s valid time is its record time (it exists from when its creation was recorded), so `asOf` takes an instant, or a date for the end of that day (UTC), and means the same; with both, the earlier.',
      tags: TAGS,
      access: ['admin'],
      query: listQuerySchema,
      responses: {
        200: {
          description: 'A page of keys; `Link: rel="next"` names the next one',
          schema: listSchema,
          headers: { Link: 'The next page, `<...>; rel="next"`, when there is one' },
        },
        401: UNAUTHENTICATED,
        403: FORBIDDEN,
        422: INVALID,
      },
      handler: async ({ query, res }) => {
        const limit = query.limit ?? 100;
        const position = await recordedPositionOf(readStore, query, 'api-keys');
        const page = await listApiKeys(readStore, {
          after: query.cursor ?? 0,
          limit,
          createdBy: position,
        });
        if (page.nextAfter !== null) {
          const at = position === undefined ? '' : `&recordedAt=${position}`;
          const next = `${PATH}?limit=${limit}&cursor=${encodeCursor(page.nextAfter)}${at}`;
          res.setHeader('Link', `<${next}>; rel="next"`);
        }
        if (position === undefined) {
          res.json({ items: page.keys });
          return;
        }
        const items: unknown[] = [];
        for (const listed of page.keys) {
          const key = await registry.read(listed.keyId, position);
          if (key !== null) items.push(describeApiKey(key));
        }
        res.json({ items });
      },
    }),
    defineRoute({
      method: 'get',
      path: `${PATH}/:keyId`,
      operationId: 'getApiKey',
      summary: 'Show an API key',
      description: 'Read from the key’s own stream: always current.',
      tags: TAGS,
      access: ['admin'],
      params: keyParamsSchema,
      responses: {
        200: {
          description: 'The key, without its secret or hash',
          schema: apiKeyDescriptionSchema,
        },
        401: UNAUTHENTICATED,
        403: FORBIDDEN,
        404: NOT_FOUND,
        422: INVALID,
      },
      handler: async ({ params, req, res }) => {
        const key = await registry.read(params.keyId);
        if (key === null) {
          sendNotFound(req, res, params.keyId);
          return;
        }
        res.json(describeApiKey(key));
      },
    }),
    defineRoute({
      method: 'post',
      path: `${PATH}/:keyId/revoke`,
      operationId: 'revokeApiKey',
      summary: 'Revoke an API key',
      description:
        'The key stops authenticating at once on this instance and within 5 seconds on the others. Revoking a revoked key changes nothing and answers its first revocation.',
      tags: TAGS,
      access: ['admin'],
      params: keyParamsSchema,
      body: revokeBodySchema,
      responses: {
        200: { description: 'The revoked key', schema: apiKeyDescriptionSchema },
        401: UNAUTHENTICATED,
        403: FORBIDDEN,
        404: NOT_FOUND,
        422: INVALID,
      },
      handler: async ({ params, body, req, res }) => {
        try {
          const { key } = await registry.revoke({
            keyId: params.keyId,
            reason: body.reason,
            ...originOf(req),
          });
          res.json(describeApiKey(key));
        } catch (error) {
          if (!(error instanceof ApiKeyNotFoundError)) throw error;
          sendNotFound(req, res, params.keyId);
        }
      },
    }),
  ];
}

function originOf(req: Request): ChangeOrigin {
  const actor = actorOf(principalOf(req));
  // requestLogging assigns every request a string id (src/http/requestId.ts).
  if (typeof req.id !== 'string') return { actor };
  return { actor, source: `request:${req.id}`, correlationId: req.id };
}

function sendNotFound(req: Request, res: Response, keyId: string): void {
  sendProblem(req, res, {
    type: problemType('api-key-not-found'),
    title: 'There is no such API key',
    status: 404,
    detail: `There is no API key ${keyId}.`,
  });
}

function encodeCursor(after: number): string {
  return Buffer.from(JSON.stringify({ after }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): number | null {
  try {
    const { after } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      after?: unknown;
    };
    return Number.isSafeInteger(after) && (after as number) >= 0 ? (after as number) : null;
  } catch {
    return null;
  }
}
