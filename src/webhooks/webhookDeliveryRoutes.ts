import { z } from 'zod';
import { actorOf, principalOf } from '../http/api/principal';
import { defineRoute, type AnyRoute } from '../http/api/route';
import { HttpProblemError, problemType } from '../http/problemDetails';
import { integrationIdSchema } from '../integrations/integrationEvents';
import type { WebhookIngestion } from './webhookIngestion';
import { DELIVERY_OUTCOMES, type DeliveryCursor, type WebhookInbox } from './webhookInbox';

export interface WebhookDeliveryRoutesOptions {
  readonly inbox: WebhookInbox;
  readonly ingestion: WebhookIngestion;
}

const TAGS = ['Webhooks'];
const PATH = '/admin/webhook-deliveries';
const ADMIN = ['admin'] as const;
const MAX_PAGE = 500;

const summarySchema = z
  .object({
    inboxId: z.string(),
    integrationId: z.string(),
    webhookId: z.string().nullable(),
    receivedAt: z.string(),
    eventType: z.string().nullable(),
    outcome: z.enum(DELIVERY_OUTCOMES),
    status: z.number().int().nullable().describe('the HTTP status answered'),
    reason: z
      .string()
      .nullable()
      .describe(
        'why: no-valid-signature, timestamp-too-old, unknown-event-type, agreement-not-signed, validation-failed, redelivery, ...',
      ),
    detail: z.string().nullable(),
    authenticated: z.boolean().describe('whether its signature checked out'),
    bodyBytes: z.number().int(),
    bodyTruncated: z
      .boolean()
      .describe('true when only the first 64 KiB were kept (unauthenticated) or none (too large)'),
    eventIds: z.array(z.string()),
    positions: z.array(z.number()),
    replayOf: z.string().nullable().describe('for a replay: the quarantined delivery it replays'),
    replayedAs: z.string().nullable().describe('for a replayed delivery: its replay'),
    replayedBy: z.string().nullable().describe('for a replay: the admin who asked for it'),
    completedAt: z.string().nullable(),
  })
  .meta({ id: 'WebhookDeliverySummary' });

const deliverySchema = summarySchema
  .extend({
    headers: z.record(z.string(), z.string()),
    body: z.string(),
    bodyEncoding: z.enum(['utf8', 'base64']),
    bodySha256: z.string().nullable(),
    answer: z
      .object({
        status: z.number().int(),
        body: z.record(z.string(), z.unknown()),
        headers: z.record(z.string(), z.string()).optional(),
      })
      .nullable(),
  })
  .meta({ id: 'WebhookDelivery' });

const listQuery = z.object({
  outcome: z.enum(DELIVERY_OUTCOMES).optional(),
  integrationId: integrationIdSchema.optional(),
  webhookId: z.string().min(1).max(1_000).optional(),
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
});

const inboxParams = z.strictObject({ inboxId: z.uuid() });

const RESPONSES = {
  401: { description: 'No valid, unrevoked API key' },
  403: { description: 'The key is not an admin key' },
  404: { description: 'There is no such delivery' },
  422: { description: 'A bad parameter (each with a JSON pointer)' },
};

/** The inbox for admins: what arrived, what became of it, and replays of quarantined facts. */
export function webhookDeliveryRoutes({
  inbox,
  ingestion,
}: WebhookDeliveryRoutesOptions): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: PATH,
      operationId: 'listWebhookDeliveries',
      summary: 'List webhook deliveries, newest first',
      description:
        'Filter by outcome (`?outcome=quarantined` for what waits for a replay), integration or webhook id. Bodies are in the single delivery.',
      tags: TAGS,
      access: ADMIN,
      query: listQuery,
      responses: {
        200: {
          description: 'A page of deliveries; `Link: rel="next"` names the next one',
          schema: z.object({ items: z.array(summarySchema) }),
        },
        ...RESPONSES,
      },
      handler: async ({ query, req, res }) => {
        const limit = query.limit ?? 100;
        const page = await inbox.list(
          {
            ...(query.outcome !== undefined && { outcome: query.outcome }),
            ...(query.integrationId !== undefined && { integrationId: query.integrationId }),
            ...(query.webhookId !== undefined && { webhookId: query.webhookId }),
          },
          { limit, ...(query.cursor !== undefined && { after: query.cursor }) },
        );
        if (page.next !== null) {
          const next = new URLSearchParams(req.query as Record<string, string>);
          next.set('limit', String(limit));
          next.set('cursor', encodeCursor(page.next));
          res.setHeader('Link', `<${PATH}?${next.toString()}>; rel="next"`);
        }
        res.json({ items: page.deliveries });
      },
    }),
    defineRoute({
      method: 'get',
      path: `${PATH}/:inboxId`,
      operationId: 'getWebhookDelivery',
      summary: 'Show a webhook delivery: headers, body, outcome and answer',
      tags: TAGS,
      access: ADMIN,
      params: inboxParams,
      responses: { 200: { description: 'The delivery', schema: deliverySchema }, ...RESPONSES },
      handler: async ({ params, res }) => {
        const delivery = await inbox.get(params.inboxId);
        if (delivery === null) throw notFound(params.inboxId);
        res.json(delivery);
      },
    }),
    defineRoute({
      method: 'post',
      path: `${PATH}/:inboxId/replay`,
      operationId: 'replayWebhookDelivery',
      summary: 'Replay a quarantined delivery once its cause is fixed',
      description:
        'Runs the delivery again as it was received, with the same webhook id and so the same event ids (a fact that got in meanwhile is not recorded twice). The replay is a delivery of its own in the inbox; the original becomes `replayed`. A replay that still cannot place the fact is quarantined again.',
      tags: TAGS,
      access: ADMIN,
      params: inboxParams,
      responses: {
        200: {
          description: 'The replay, as recorded in the inbox (its outcome, status and answer)',
          schema: deliverySchema,
        },
        409: { description: 'The delivery is not in quarantine (any more)' },
        ...RESPONSES,
      },
      handler: async ({ params, req, res }) => {
        const replayed = await ingestion.replay(params.inboxId, actorOf(principalOf(req)));
        if (replayed === 'not-found') throw notFound(params.inboxId);
        if (replayed === 'not-quarantined')
          throw new HttpProblemError({
            type: problemType('not-quarantined'),
            title: 'The delivery is not in quarantine',
            status: 409,
            detail: `${params.inboxId} is not a quarantined delivery (see its outcome and replayedAs)`,
          });
        const replay = await inbox.get(replayed.replayInboxId);
        res.json(replay);
      },
    }),
  ];
}

function notFound(inboxId: string): HttpProblemError {
  return new HttpProblemError({
    type: problemType('webhook-delivery-not-found'),
    title: 'Not found',
    status: 404,
    detail: `there is no webhook delivery ${inboxId}`,
  });
}

function encodeCursor(cursor: DeliveryCursor): string {
  return Buffer.from(JSON.stringify([cursor.receivedAtMs, cursor.inboxId]), 'utf8').toString(
    'base64url',
  );
}

function decodeCursor(cursor: string): DeliveryCursor | null {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [receivedAtMs, inboxId] = value as unknown[];
    if (!Number.isSafeInteger(receivedAtMs) || typeof inboxId !== 'string') return null;
    return { receivedAtMs: receivedAtMs as number, inboxId };
  } catch {
    return null;
  }
}
