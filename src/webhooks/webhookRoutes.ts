import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import { z } from 'zod';
import { DEFAULT_BODY_LIMIT, type RouteSpec } from '../http/api/route';
import type { OperationSpec } from '../http/openapi/openApiDocument';
import { integrationIdSchema } from '../integrations/integrationEvents';
import type { WebhookIngestion } from './webhookIngestion';
import { webhookEnvelopeSchema } from './webhookEnvelope';
import type { DeliveryAnswer } from './webhookInbox';

export const WEBHOOK_PATH = '/webhooks/:integrationId';
export const INBOX_ID_HEADER = 'Webhook-Inbox-Id';

export interface WebhookRouterOptions {
  readonly ingestion: WebhookIngestion;
  /** The largest body read; larger ones get 413 (and are recorded without their body). */
  readonly bodyLimit?: string;
}

/**
 * `POST /webhooks/:integrationId`, mounted beside the route table rather than in it: the
 * signature is over the body's bytes as sent, so it is read raw (whatever its Content-Type) and
 * never through the JSON parser, which would lose them. Every answer names the delivery's inbox
 * record in `Webhook-Inbox-Id`.
 */
export function webhookRouter({
  ingestion,
  bodyLimit = DEFAULT_BODY_LIMIT,
}: WebhookRouterOptions): Router {
  const router = Router();
  const raw = express.raw({ type: () => true, limit: bodyLimit });
  const isJson = (req: Request) =>
    req.is('application/json') !== false || req.is('application/*+json') !== false;
  const tooLarge: ErrorRequestHandler = async (error: unknown, req, res, next) => {
    const { type, length, limit } = (error ?? {}) as {
      type?: unknown;
      length?: unknown;
      limit?: unknown;
    };
    if (type !== 'entity.too.large') {
      next(error);
      return;
    }
    const answer = await ingestion.receive({
      integrationId: String(req.params.integrationId),
      headers: req.headers,
      body: Buffer.alloc(0),
      tooLarge: {
        bytes: typeof length === 'number' ? length : -1,
        limit: typeof limit === 'number' ? limit : 0,
      },
      isJson: isJson(req),
    });
    send(req, res, answer);
  };
  router.post(
    WEBHOOK_PATH,
    raw,
    async (req: Request, res: Response) => {
      const answer = await ingestion.receive({
        integrationId: String(req.params.integrationId),
        headers: req.headers,
        body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        isJson: isJson(req),
      });
      send(req, res, answer);
    },
    tooLarge,
  );
  return router;
}

function send(req: Request, res: Response, answer: DeliveryAnswer & { inboxId: string }): void {
  for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
  res.setHeader(INBOX_ID_HEADER, answer.inboxId);
  const body =
    answer.status >= 400
      ? { ...answer.body, instance: req.originalUrl, requestId: req.id }
      : answer.body;
  res.status(answer.status).send(JSON.stringify(body));
}

const SIGNATURE_HEADERS = [
  {
    name: 'webhook-id',
    required: true,
    description:
      'the message id: the same on every redelivery of a message, and a permanent idempotency key (a redelivery gets the first answer; another body under the same id gets 409)',
  },
  {
    name: 'webhook-timestamp',
    required: true,
    description:
      'seconds since 1970-01-01T00:00:00Z, digits only, within 5 minutes of the service’s clock either way',
  },
  {
    name: 'webhook-signature',
    required: true,
    description:
      'space-separated `v1,<base64 HMAC-SHA256>` signatures of `<webhook-id>.<webhook-timestamp>.<body>`, keyed with the base64-decoded part of a `whsec_` secret of the integration; other versions are ignored',
  },
];

const deliveryAnswerSchema = z.object({
  inboxId: z
    .string()
    .describe('the delivery’s record in the inbox (GET /admin/webhook-deliveries/{inboxId})'),
  webhookId: z.string(),
  outcome: z.literal('accepted'),
  alreadyRecorded: z
    .boolean()
    .describe('true when the events were there already: nothing new was written'),
  position: z
    .number()
    .int()
    .describe('the global position reached (also in X-Position): wait for it with ?waitFor='),
  events: z.array(z.object({ eventId: z.string(), type: z.string(), streamId: z.string() })),
});

const quarantinedSchema = z.object({
  inboxId: z.string(),
  outcome: z.literal('quarantined'),
  reason: z.string().describe('unknown-event-type, agreement-not-signed, unknown-obligation, ...'),
  detail: z.string(),
});

/** The description of the webhook in /openapi.json (the router above serves it). */
export const WEBHOOK_OPERATIONS: readonly OperationSpec[] = [
  operation({
    method: 'post',
    path: WEBHOOK_PATH,
    operationId: 'receiveWebhook',
    summary: 'Receive a fact from an integration (Standard Webhooks)',
    description:
      'Signed per Standard Webhooks with a secret of the integration (no API key). The body is `{type, timestamp, data}`, `data` being the fact as in docs/events.md. Every delivery, refused or not, is recorded in the inbox before it is answered; a 2xx means its events are committed. 202 keeps a fact that cannot be placed yet (or of an unknown type) in quarantine for an admin to replay. Refusals are `application/problem+json` with the `inboxId`; bodies of deliveries whose signature does not check out are kept only up to 64 KiB.',
    tags: ['Webhooks'],
    access: 'public',
    params: z.strictObject({ integrationId: integrationIdSchema }),
    body: webhookEnvelopeSchema,
    headers: SIGNATURE_HEADERS,
    responses: {
      200: {
        description: 'Recorded: its events are committed (or were already, for this webhook-id)',
        schema: deliveryAnswerSchema,
        headers: {
          'X-Position': 'the global position reached',
          [INBOX_ID_HEADER]: 'the delivery’s inbox record',
        },
      },
      202: {
        description:
          'Quarantined: an unknown event type, or a fact that cannot be placed yet (a payment for an agreement not yet recorded); an admin replays it',
        schema: quarantinedSchema,
        headers: { [INBOX_ID_HEADER]: 'the delivery’s inbox record' },
      },
      400: { description: 'The body is not valid JSON (malformed-json)' },
      401: {
        description:
          'A signature header is missing, the timestamp is not digits or more than 5 minutes off, or no v1 signature matches an active secret',
      },
      403: {
        description: 'The integration may not post this event type, or is disabled',
      },
      404: { description: 'There is no such integration' },
      409: {
        description:
          'This webhook-id was received before with another body, or its first delivery is still being processed (Retry-After)',
      },
      413: { description: 'The body is larger than 1 MiB' },
      415: { description: 'The Content-Type is not JSON' },
      422: {
        description:
          'The envelope or the fact is not valid, or breaks a rule of the agreement; `errors` point into the body (`/data/submittedOn`)',
      },
      503: { description: 'A store is unavailable: nothing was committed; retry' },
    },
  }),
];

/** Keeps the schemas' types checked, like defineRoute, for a route served elsewhere. */
function operation<Params, Body>(
  spec: Omit<RouteSpec<Params, unknown, Body>, 'handler'>,
): OperationSpec {
  return spec as unknown as OperationSpec;
}
