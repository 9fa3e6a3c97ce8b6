import type { Request } from 'express';
import { z } from 'zod';
import { listIntegrationIds } from '../../projections/integrations';
import { actorOf, principalOf } from '../http/api/principal';
import { defineRoute, type AnyRoute } from '../http/api/route';
import { recordedPositionOf, recordPositionQuery } from '../http/routes/recordedPositionOf';
import { HttpProblemError, problemType } from '../http/problemDetails';
import type { SqlExecutor } from '../readstore/readStore';
import { describeIntegration, type Integration } from './integration';
import {
  integrationEventTypesSchema,
  integrationIdSchema,
  integrationNameSchema,
  reasonSchema,
  secretIdSchema,
} from './integrationEvents';
import {
  IntegrationError,
  type AddedSecret,
  type ChangeOrigin,
  type IntegrationRegistry,
} from './integrationRegistry';
import { webhookSecretSchema } from './webhookSecret';

export interface IntegrationRoutesOptions {
  readonly registry: IntegrationRegistry;
  /** Where the `integrations` projection keeps the list. */
  readonly readStore: SqlExecutor;
}

const TAGS = ['Integrations'];
const PATH = '/admin/integrations';
const ADMIN = ['admin'] as const;

const revocationSchema = z.object({
  reason: z.string(),
  revokedBy: z.string(),
  revokedAt: z.string(),
});

/** What the API shows of an integration: its secrets' ids and history, never a secret. */
export const integrationDescriptionSchema = z
  .object({
    integrationId: z
      .string()
      .describe(
        'its webhook is POST /webhooks/{integrationId}; its events’ actor is integration:{integrationId}',
      ),
    name: z.string(),
    eventTypes: z.array(z.string()).describe('the facts it may post'),
    enabled: z.boolean(),
    disabled: z.object({ reason: z.string(), by: z.string(), at: z.string() }).nullable(),
    secrets: z.array(
      z.object({
        secretId: z.string(),
        addedBy: z.string(),
        addedAt: z.string(),
        revoked: revocationSchema.nullable(),
      }),
    ),
    registeredBy: z.string(),
    registeredAt: z.string(),
  })
  .meta({ id: 'Integration' });

const addedSecretSchema = z
  .object({
    integration: integrationDescriptionSchema,
    secretId: z.string(),
    secret: z
      .string()
      .describe('`whsec_<base64>`: shown this once; give it to the integration’s sender'),
  })
  .meta({ id: 'AddedWebhookSecret' });

const secretBody = webhookSecretSchema
  .optional()
  .describe(
    'a secret the sender already has (`whsec_` and base64 of 24 to 64 bytes); omit it to have one generated',
  );

export const registerIntegrationBodySchema = z.strictObject({
  integrationId: integrationIdSchema,
  name: integrationNameSchema,
  eventTypes: integrationEventTypesSchema,
  secret: secretBody,
});

const integrationParams = z.strictObject({ integrationId: integrationIdSchema });
const listQuery = z.object({
  limit: z
    .string()
    .regex(/^\d+$/, { error: 'expected an integer from 1 to 500' })
    .transform(Number)
    .refine((limit) => limit >= 1 && limit <= 500, { error: 'expected an integer from 1 to 500' })
    .optional(),
  after: z
    .string()
    .regex(/^\d+$/, { error: 'expected the cursor of a Link: rel="next"' })
    .transform(Number)
    .optional(),
  ...recordPositionQuery,
});

const RESPONSES = {
  401: { description: 'No valid, unrevoked API key' },
  403: { description: 'The key is not an admin key' },
  404: { description: 'There is no such integration (or secret)' },
  409: {
    description:
      'The integration exists already; the last active secret cannot be revoked; at most 5 active secrets',
  },
  422: { description: 'A bad field (each with a JSON pointer)' },
};

const describe = (integration: Integration) => describeIntegration(integration);

/** The admin operations on integrations. */
export function integrationRoutes({ registry, readStore }: IntegrationRoutesOptions): AnyRoute[] {
  const shown = (added: AddedSecret) => ({
    integration: describe(added.integration),
    secretId: added.secretId,
    secret: added.secret,
  });
  return [
    defineRoute({
      method: 'post',
      path: PATH,
      operationId: 'registerIntegration',
      summary: 'Register an integration that posts facts by webhook',
      description:
        'Answers its first signing secret once, in `secret`. Unlike API keys the service must keep the secret itself (an HMAC cannot be checked against a hash), in the event store; no answer or audit trail ever shows it again.',
      tags: TAGS,
      access: ADMIN,
      body: registerIntegrationBodySchema,
      responses: {
        201: {
          description: 'Registered; Location names it',
          schema: addedSecretSchema,
          headers: { Location: 'the integration' },
        },
        ...RESPONSES,
      },
      handler: async ({ body, req, res }) => {
        const added = await mapped(() =>
          registry.register({
            integrationId: body.integrationId,
            name: body.name,
            eventTypes: body.eventTypes,
            ...(body.secret !== undefined && { secret: body.secret }),
            ...originOf(req),
          }),
        );
        res
          .status(201)
          .location(`${PATH}/${body.integrationId}`)
          .setHeader('Cache-Control', 'no-store')
          .json(shown(added));
      },
    }),
    defineRoute({
      method: 'get',
      path: PATH,
      operationId: 'listIntegrations',
      summary: 'List the integrations',
      description:
        'In the order registered (a read model: one registered a moment ago may take a moment to appear; its webhook works at once). `recordedAt` (a position or an instant) lists the integrations as they stood then: those registered by it, each with the secrets, event types and enabled state recorded by it (read from its stream). An integration’s valid time is its record time, so `asOf` takes an instant, or a date for the end of that day (UTC), and means the same; with both, the earlier.',
      tags: TAGS,
      access: ADMIN,
      query: listQuery,
      responses: {
        200: {
          description: 'A page of integrations; `Link: rel="next"` names the next one',
          schema: z.object({ items: z.array(integrationDescriptionSchema) }),
        },
        ...RESPONSES,
      },
      handler: async ({ query, res }) => {
        const limit = query.limit ?? 100;
        const position = await recordedPositionOf(readStore, query, 'integrations');
        const page = await listIntegrationIds(readStore, {
          after: query.after ?? 0,
          limit,
          registeredBy: position,
        });
        const at = position === undefined ? '' : `&recordedAt=${position}`;
        if (page.nextAfter !== null)
          res.setHeader(
            'Link',
            `<${PATH}?limit=${limit}&after=${page.nextAfter}${at}>; rel="next"`,
          );
        const items: unknown[] = [];
        for (const id of page.ids) {
          const integration = await registry.read(id, position);
          if (integration !== null) items.push(describe(integration));
        }
        res.json({ items });
      },
    }),
    defineRoute({
      method: 'get',
      path: `${PATH}/:integrationId`,
      operationId: 'getIntegration',
      summary: 'Show an integration (never its secrets)',
      tags: TAGS,
      access: ADMIN,
      params: integrationParams,
      responses: {
        200: {
          description: 'The integration, from its own stream',
          schema: integrationDescriptionSchema,
        },
        ...RESPONSES,
      },
      handler: async ({ params, res }) => {
        const integration = await registry.read(params.integrationId);
        if (integration === null) throw notFound(params.integrationId);
        res.json(describe(integration));
      },
    }),
    defineRoute({
      method: 'post',
      path: `${PATH}/:integrationId/secrets`,
      operationId: 'addIntegrationSecret',
      summary: 'Add a signing secret (rotation): the old ones stay valid until revoked',
      description:
        'Give the new secret to the sender; once it signs with it, revoke the old one. Answers the secret this once.',
      tags: TAGS,
      access: ADMIN,
      params: integrationParams,
      body: z.strictObject({ secret: secretBody }),
      responses: { 201: { description: 'Added', schema: addedSecretSchema }, ...RESPONSES },
      handler: async ({ params, body, req, res }) => {
        const added = await mapped(() =>
          registry.addSecret({
            integrationId: params.integrationId,
            ...(body.secret !== undefined && { secret: body.secret }),
            ...originOf(req),
          }),
        );
        res.status(201).setHeader('Cache-Control', 'no-store').json(shown(added));
      },
    }),
    defineRoute({
      method: 'post',
      path: `${PATH}/:integrationId/secrets/:secretId/revoke`,
      operationId: 'revokeIntegrationSecret',
      summary: 'Revoke a signing secret',
      description:
        'Deliveries signed only with it are refused at once on this instance and within 5 seconds on the others. The last active secret cannot be revoked (add one first, or disable the integration).',
      tags: TAGS,
      access: ADMIN,
      params: z.strictObject({ integrationId: integrationIdSchema, secretId: secretIdSchema }),
      body: z.strictObject({ reason: reasonSchema }),
      responses: {
        200: { description: 'The integration', schema: integrationDescriptionSchema },
        ...RESPONSES,
      },
      handler: async ({ params, body, req, res }) => {
        const integration = await mapped(() =>
          registry.revokeSecret({ ...params, reason: body.reason, ...originOf(req) }),
        );
        res.json(describe(integration));
      },
    }),
    defineRoute({
      method: 'put',
      path: `${PATH}/:integrationId/event-types`,
      operationId: 'changeIntegrationEventTypes',
      summary: 'Set the event types an integration may post',
      tags: TAGS,
      access: ADMIN,
      params: integrationParams,
      body: z.strictObject({ eventTypes: integrationEventTypesSchema }),
      responses: {
        200: { description: 'The integration', schema: integrationDescriptionSchema },
        ...RESPONSES,
      },
      handler: async ({ params, body, req, res }) => {
        const integration = await mapped(() =>
          registry.changeEventTypes({ ...params, eventTypes: body.eventTypes, ...originOf(req) }),
        );
        res.json(describe(integration));
      },
    }),
    defineRoute({
      method: 'post',
      path: `${PATH}/:integrationId/disable`,
      operationId: 'disableIntegration',
      summary: 'Disable an integration: its deliveries are refused (403) and recorded',
      tags: TAGS,
      access: ADMIN,
      params: integrationParams,
      body: z.strictObject({ reason: reasonSchema }),
      responses: {
        200: { description: 'The integration', schema: integrationDescriptionSchema },
        ...RESPONSES,
      },
      handler: async ({ params, body, req, res }) => {
        const integration = await mapped(() =>
          registry.disable({ ...params, reason: body.reason, ...originOf(req) }),
        );
        res.json(describe(integration));
      },
    }),
    defineRoute({
      method: 'post',
      path: `${PATH}/:integrationId/enable`,
      operationId: 'enableIntegration',
      summary: 'Enable a disabled integration again',
      tags: TAGS,
      access: ADMIN,
      params: integrationParams,
      responses: {
        200: { description: 'The integration', schema: integrationDescriptionSchema },
        ...RESPONSES,
      },
      handler: async ({ params, req, res }) => {
        const integration = await mapped(() => registry.enable({ ...params, ...originOf(req) }));
        res.json(describe(integration));
      },
    }),
  ];
}

const STATUS: Readonly<Record<IntegrationError['code'], number>> = {
  'integration-not-found': 404,
  'secret-not-found': 404,
  'integration-exists': 409,
  'last-active-secret': 409,
  'too-many-secrets': 409,
};

/** An IntegrationError as its problem. */
async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof IntegrationError)) throw error;
    throw new HttpProblemError({
      type: problemType(error.code),
      title: STATUS[error.code] === 404 ? 'Not found' : 'The integration’s state refuses it',
      status: STATUS[error.code],
      detail: error.message,
    });
  }
}

function notFound(integrationId: string): HttpProblemError {
  return new HttpProblemError({
    type: problemType('integration-not-found'),
    title: 'Not found',
    status: 404,
    detail: `there is no integration ${integrationId}`,
  });
}

function originOf(req: Request): ChangeOrigin {
  const actor = actorOf(principalOf(req));
  if (typeof req.id !== 'string') return { actor };
  return { actor, source: `request:${req.id}`, correlationId: req.id };
}
