import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { AgreementCommands, type CommandOrigin } from '../application/agreementCommands';
import {
  agreementFactCommand,
  agreementFactSchema,
  isAgreementFactType,
} from '../application/agreementFacts';
import { isProductFactType, ProductFacts } from '../application/productFacts';
import { DomainError } from '../domain/domainError';
import { isEventType } from '../domain/events/catalogue';
import { streamIdOf } from '../domain/events/streams';
import type { EventStore } from '../eventstore/eventStore';
import { PROBLEM_CONTENT_TYPE, problemFor, problemType } from '../http/problemDetails';
import type { FieldError } from '../http/validationError';
import { ValidationError } from '../http/validationError';
import { domainProblem } from '../http/routes/domainProblem';
import { activeSecrets, type Integration } from '../integrations/integration';
import { INTEGRATION_ID_PATTERN } from '../integrations/integrationEvents';
import type { IntegrationRegistry } from '../integrations/integrationRegistry';
import { webhookSecretKey } from '../integrations/webhookSecret';
import { verifySignature, WEBHOOK_TOLERANCE_SECONDS } from './verifySignature';
import { webhookEnvelopeSchema } from './webhookEnvelope';
import {
  bodyBytesOf,
  newInboxId,
  type Delivery,
  type DeliveryAnswer,
  type DeliveryResult,
  type NewDelivery,
  type WebhookInbox,
} from './webhookInbox';

/** What an unauthenticated delivery may leave in the inbox: enough to see what was sent. */
export const UNAUTHENTICATED_BODY_LIMIT = 64 * 1024;
/** How long a redelivery waits for the first delivery of its id to finish before a 409. */
const IN_FLIGHT_WAIT_MS = 10_000;
const IN_FLIGHT_POLL_MS = 20;
const MAX_WEBHOOK_ID_LENGTH = 255;
// Credentials of other schemes are never worth keeping; webhook-signature is (it is checked).
const UNKEPT_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);
/** Rules that say what the fact names does not exist yet: the fact waits in quarantine. */
const NOT_YET_PLACEABLE = new Set(['agreement-not-signed', 'unknown-obligation', 'unknown-entry']);

/** A delivery as the HTTP edge received it. */
export interface ReceivedDelivery {
  readonly integrationId: string;
  readonly headers: IncomingHttpHeaders;
  /** The raw body; empty when it was too large to read. */
  readonly body: Buffer;
  /** Set when the body was over the limit and not read: its announced size. */
  readonly tooLarge?: { readonly bytes: number; readonly limit: number };
  readonly isJson: boolean;
}

export interface WebhookIngestionOptions {
  readonly store: EventStore;
  readonly inbox: WebhookInbox;
  readonly integrations: IntegrationRegistry;
  readonly logger?: Logger;
  readonly clock?: () => Date;
  readonly toleranceSeconds?: number;
}

interface Attempt {
  readonly delivery: NewDelivery & { readonly webhookId: string };
  readonly integration: Integration;
}

/**
 * Webhook deliveries, from the raw request to committed events: verify (Standard Webhooks),
 * record in the inbox, claim the webhook id, parse the envelope, record the fact with event ids
 * derived from the integration and the webhook id, record the outcome, answer. Every delivery is
 * in the inbox before it is answered, and a 2xx means its events are committed.
 */
export class WebhookIngestion {
  private readonly store: EventStore;
  private readonly inbox: WebhookInbox;
  private readonly integrations: IntegrationRegistry;
  private readonly logger: Logger | undefined;
  private readonly clock: () => Date;
  private readonly toleranceSeconds: number;
  private readonly agreements: AgreementCommands;
  private readonly products: ProductFacts;

  constructor(options: WebhookIngestionOptions) {
    this.store = options.store;
    this.inbox = options.inbox;
    this.integrations = options.integrations;
    this.logger = options.logger;
    this.clock = options.clock ?? (() => new Date());
    this.toleranceSeconds = options.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS;
    this.agreements = new AgreementCommands(this.store, this.clock);
    this.products = new ProductFacts(this.store, this.clock);
  }

  async receive(received: ReceivedDelivery): Promise<DeliveryAnswer & { inboxId: string }> {
    const receivedAt = this.clock();
    const webhookId = headerOf(received.headers, 'webhook-id');
    const base = {
      inboxId: newInboxId(),
      integrationId: received.integrationId.slice(0, 200),
      webhookId: webhookId === undefined ? null : webhookId.slice(0, MAX_WEBHOOK_ID_LENGTH * 4),
      receivedAt,
      headers: keptHeaders(received.headers),
    };
    // Until the signature checks out, the body is anyone's: only its first 64 KiB are kept.
    const unverified: NewDelivery = {
      ...base,
      body: received.body.subarray(0, UNAUTHENTICATED_BODY_LIMIT),
      bodyBytes: received.tooLarge?.bytes ?? received.body.length,
      bodyTruncated:
        received.tooLarge !== undefined || received.body.length > UNAUTHENTICATED_BODY_LIMIT,
      bodySha256: received.tooLarge === undefined ? sha256(received.body) : null,
      authenticated: false,
    };
    const reject = async (result: DeliveryResult, delivery: NewDelivery = unverified) => {
      await this.inbox.record(delivery, result);
      return { ...result.answer, inboxId: delivery.inboxId };
    };
    if (received.tooLarge !== undefined)
      return reject(
        rejection(
          base.inboxId,
          413,
          'body-too-large',
          `the body is larger than ${received.tooLarge.limit} bytes`,
        ),
      );
    const integration = INTEGRATION_ID_PATTERN.test(received.integrationId)
      ? await this.integrations.find(received.integrationId)
      : null;
    if (integration === null)
      return reject(
        rejection(
          base.inboxId,
          404,
          'unknown-integration',
          `there is no integration ${received.integrationId}`,
        ),
      );
    const check = verifySignature({
      headers: {
        id: webhookId,
        timestamp: headerOf(received.headers, 'webhook-timestamp'),
        signature: headerOf(received.headers, 'webhook-signature'),
      },
      body: received.body,
      secrets: activeSecrets(integration).flatMap((secret) => {
        const key = webhookSecretKey(secret.secret);
        return key === null ? [] : [{ secretId: secret.secretId, key }];
      }),
      now: receivedAt,
      toleranceSeconds: this.toleranceSeconds,
    });
    if (!check.ok)
      return reject(rejection(base.inboxId, 401, check.reason, check.detail), unverified);
    const verified = {
      ...unverified,
      body: received.body,
      bodyTruncated: false,
      authenticated: true,
      webhookId: webhookId!,
    };
    if (!integration.enabled)
      return reject(
        rejection(
          base.inboxId,
          403,
          'integration-disabled',
          `the integration ${integration.integrationId} is disabled`,
        ),
        verified,
      );
    if (!received.isJson)
      return reject(
        rejection(
          base.inboxId,
          415,
          'not-json',
          `the body must be JSON (Content-Type: application/json), not ${headerOf(received.headers, 'content-type') ?? 'untyped'}`,
        ),
        verified,
      );
    if (
      verified.webhookId.length > MAX_WEBHOOK_ID_LENGTH ||
      [...verified.webhookId].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)
    )
      return reject(
        rejection(
          base.inboxId,
          422,
          'invalid-webhook-id',
          `webhook-id must be at most ${MAX_WEBHOOK_ID_LENGTH} characters, none of them control characters`,
          [{ detail: 'too long or holds control characters', pointer: '/headers/webhook-id' }],
        ),
        verified,
      );
    return this.claimAndProcess({ delivery: verified, integration });
  }

  /**
   * Runs a quarantined delivery again, with the same webhook id and so the same event ids: a
   * fact that got in meanwhile (a redelivery processed, a replay before) is not appended twice.
   * The replay is a delivery of its own in the inbox (`replayOf`), and the original is marked
   * `replayed` (`replayedAs`). Null when there is no such delivery; `not-quarantined` when it is
   * not in quarantine (any more).
   */
  async replay(
    inboxId: string,
    replayedBy: string,
  ): Promise<
    | { original: Delivery; replayInboxId: string; answer: DeliveryAnswer }
    | 'not-found'
    | 'not-quarantined'
  > {
    const original = await this.inbox.get(inboxId);
    if (original === null) return 'not-found';
    if (original.outcome !== 'quarantined' || original.webhookId === null) return 'not-quarantined';
    const body = bodyBytesOf(original);
    const replay: NewDelivery & { webhookId: string } = {
      inboxId: newInboxId(),
      integrationId: original.integrationId,
      webhookId: original.webhookId,
      receivedAt: this.clock(),
      headers: original.headers,
      body,
      bodyBytes: body.length,
      bodyTruncated: false,
      bodySha256: sha256(body),
      authenticated: true,
      replayOf: original.inboxId,
      replayedBy,
    };
    if (!(await this.inbox.startReplay(original, replay))) return 'not-quarantined';
    const integration = await this.integrations.read(original.integrationId);
    let result: DeliveryResult;
    if (integration === null || !integration.enabled) {
      result = rejection(
        replay.inboxId,
        403,
        'integration-disabled',
        `the integration ${original.integrationId} is disabled`,
      );
    } else {
      result = await this.processOrFail({ delivery: replay, integration });
    }
    await this.inbox.finish(replay.inboxId, result);
    return { original, replayInboxId: replay.inboxId, answer: result.answer };
  }

  private async claimAndProcess(attempt: Attempt): Promise<DeliveryAnswer & { inboxId: string }> {
    const { delivery } = attempt;
    const deadline = Date.now() + IN_FLIGHT_WAIT_MS;
    let claim = await this.inbox.receive(delivery);
    // A redelivery racing the first: wait for its answer rather than answer 409 at once.
    while (claim.kind === 'in-flight' && Date.now() < deadline) {
      await sleep(IN_FLIGHT_POLL_MS);
      claim = await this.inbox.claimAgain(delivery);
    }
    const settle = async (result: DeliveryResult) => {
      await this.inbox.finish(delivery.inboxId, result);
      return { ...result.answer, inboxId: delivery.inboxId };
    };
    switch (claim.kind) {
      case 'completed':
        return settle({
          outcome: 'duplicate',
          status: claim.answer.status,
          reason: 'redelivery',
          detail: `a redelivery of ${delivery.webhookId}, first received as ${claim.inboxId}: answered as then, nothing appended`,
          eventType: null,
          answer: {
            ...claim.answer,
            headers: { ...claim.answer.headers, 'Webhook-Duplicate-Of': claim.inboxId },
          },
        });
      case 'reused':
        return settle(
          rejection(
            delivery.inboxId,
            409,
            'webhook-id-reused',
            `webhook-id ${delivery.webhookId} was first received as ${claim.inboxId} with another body; a new message needs a new id`,
          ),
        );
      case 'in-flight': {
        const refused = rejection(
          delivery.inboxId,
          409,
          'webhook-id-in-flight',
          `the first delivery of ${delivery.webhookId} is still being processed; retry later`,
        );
        return settle({
          ...refused,
          answer: {
            ...refused.answer,
            headers: { ...refused.answer.headers, 'Retry-After': '1' },
          },
        });
      }
      case 'claimed':
        break;
      default: {
        const _exhaustive: never = claim;
        return _exhaustive;
      }
    }
    let result: DeliveryResult;
    try {
      result = await this.process(attempt);
    } catch (error) {
      await this.inbox
        .finish(delivery.inboxId, failure(delivery.inboxId, error), {
          integrationId: delivery.integrationId,
          webhookId: delivery.webhookId,
          token: claim.token,
          keep: false,
        })
        .catch((recordError: unknown) =>
          this.logger?.warn(
            { err: recordError, inboxId: delivery.inboxId },
            'cannot record a failed webhook delivery',
          ),
        );
      throw error;
    }
    // Only an answer that records something is kept for the id: a refusal (not allowed yet, not
    // valid) lets a corrected redelivery through.
    const keep = result.outcome === 'accepted' || result.outcome === 'quarantined';
    await this.inbox.finish(delivery.inboxId, result, {
      integrationId: delivery.integrationId,
      webhookId: delivery.webhookId,
      token: claim.token,
      keep,
    });
    return { ...result.answer, inboxId: delivery.inboxId };
  }

  private async processOrFail(attempt: Attempt): Promise<DeliveryResult> {
    try {
      return await this.process(attempt);
    } catch (error) {
      this.logger?.warn(
        { err: error, inboxId: attempt.delivery.inboxId },
        'a webhook replay failed',
      );
      return failure(attempt.delivery.inboxId, error);
    }
  }

  /** Parses the envelope and records its fact: the outcome, or a throw for a 5xx. */
  private async process({ delivery, integration }: Attempt): Promise<DeliveryResult> {
    const { inboxId } = delivery;
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(delivery.body));
    } catch (error) {
      return rejection(
        inboxId,
        400,
        'malformed-json',
        `the body is not valid JSON: ${(error as Error).message}`,
      );
    }
    const envelope = webhookEnvelopeSchema.safeParse(json);
    if (!envelope.success)
      return invalid(inboxId, null, ValidationError.fromZod(envelope.error).errors);
    const { type, data } = envelope.data;
    if (!isEventType(type))
      return quarantine(
        inboxId,
        type,
        'unknown-event-type',
        `${type} is not an event type this service knows (docs/events.md); an admin can replay it once it does`,
      );
    if (!integration.eventTypes.includes(type))
      return rejection(
        inboxId,
        403,
        'event-type-not-allowed',
        `the integration ${integration.integrationId} may not post ${type}; it may post ${integration.eventTypes.join(', ')}`,
        [{ detail: 'not an event type of this integration', pointer: '/type' }],
        type,
      );
    const origin: CommandOrigin = {
      actor: `integration:${integration.integrationId}`,
      source: `webhook:${delivery.webhookId}`,
      // Deterministic, like the ids: a replay's events must be the first attempt's to the byte.
      correlationId: `webhook:${integration.integrationId}:${delivery.webhookId}`,
      idSeed: `webhook:${integration.integrationId}:${delivery.webhookId}`,
    };
    try {
      if (isProductFactType(type)) {
        const fact = await this.products.record(type, data, origin);
        return accepted(inboxId, delivery.webhookId, type, fact.alreadyRecorded, [
          {
            eventId: fact.event.eventId,
            type: fact.event.type,
            streamId: streamIdOf('product', fact.productId),
            position: fact.position,
          },
        ]);
      }
      if (!isAgreementFactType(type))
        return rejection(
          inboxId,
          403,
          'event-type-not-allowed',
          `${String(type)} is not a fact integrations post`,
          [{ detail: 'not a postable fact', pointer: '/type' }],
          type,
        );
      const parsed = agreementFactSchema(type).safeParse(data);
      if (!parsed.success)
        return invalid(inboxId, type, ValidationError.fromZod(parsed.error, '/data').errors);
      const { agreementId, ...fields } = parsed.data as { agreementId: string };
      const streamId = streamIdOf('agreement', agreementId);
      // Recorded before by this very webhook id (a replay after a redelivery got in, a process
      // that died after its append): those events are the answer.
      const before = (await this.store.readStream(streamId)).filter(
        (event) => event.metadata.source === origin.source && event.metadata.actor === origin.actor,
      );
      if (before.length > 0)
        return accepted(
          inboxId,
          delivery.webhookId,
          type,
          true,
          before.map((event) => ({
            eventId: event.eventId,
            type: event.type,
            streamId,
            position: event.globalPosition,
          })),
        );
      const command = await agreementFactCommand(type, agreementId, fields, {
        products: this.products,
        agreements: this.agreements,
      });
      const outcome = await this.agreements.execute(agreementId, command, origin);
      return accepted(
        inboxId,
        delivery.webhookId,
        type,
        outcome.alreadyRecorded,
        outcome.events.map((event) => ({
          eventId: event.eventId,
          type: event.type,
          streamId,
          position: outcome.position,
        })),
      );
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (NOT_YET_PLACEABLE.has(error.code))
        return quarantine(
          inboxId,
          type,
          error.code,
          `${error.message}; an admin can replay it once it can be placed`,
        );
      // Pointers into the envelope: `/data/submittedOn`.
      const { status, errors } = domainProblem(error, '/data').problem;
      return rejection(inboxId, status, error.code, error.message, errors, type);
    }
  }
}

interface AcceptedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly streamId: string;
  readonly position: number;
}

function accepted(
  inboxId: string,
  webhookId: string,
  eventType: string,
  alreadyRecorded: boolean,
  events: readonly AcceptedEvent[],
): DeliveryResult {
  const position = Math.max(0, ...events.map((event) => event.position));
  return {
    outcome: 'accepted',
    status: 200,
    reason: alreadyRecorded ? 'already-recorded' : null,
    detail: null,
    eventType,
    eventIds: events.map((event) => event.eventId),
    positions: [...new Set(events.map((event) => event.position))],
    answer: {
      status: 200,
      headers: { 'X-Position': String(position) },
      body: {
        inboxId,
        webhookId,
        outcome: 'accepted',
        alreadyRecorded,
        position,
        events: events.map(({ eventId, type, streamId }) => ({ eventId, type, streamId })),
      },
    },
  };
}

function quarantine(
  inboxId: string,
  eventType: string,
  reason: string,
  detail: string,
): DeliveryResult {
  return {
    outcome: 'quarantined',
    status: 202,
    reason,
    detail,
    eventType,
    answer: { status: 202, body: { inboxId, outcome: 'quarantined', reason, detail } },
  };
}

function rejection(
  inboxId: string,
  status: number,
  reason: string,
  detail: string,
  errors?: readonly FieldError[],
  eventType: string | null = null,
): DeliveryResult {
  return {
    outcome: 'rejected',
    status,
    reason,
    detail,
    eventType,
    answer: problemAnswer(inboxId, status, reason, detail, errors),
  };
}

function invalid(
  inboxId: string,
  eventType: string | null,
  errors: readonly FieldError[],
): DeliveryResult {
  return rejection(
    inboxId,
    422,
    'validation-failed',
    errors.map((error) => `${error.pointer || '/'}: ${error.detail}`).join('; '),
    errors,
    eventType,
  );
}

function failure(inboxId: string, error: unknown): DeliveryResult {
  const code = (error as { code?: unknown } | null)?.code;
  const reason = typeof code === 'string' ? code : 'internal-error';
  // What the problem handler answers for this error (503 for a store outage, 409 for a conflict).
  const { status, detail } = problemFor(error);
  return {
    outcome: 'failed',
    status,
    reason,
    detail,
    eventType: null,
    answer: problemAnswer(inboxId, status, reason, detail),
  };
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'The body is not valid JSON',
  401: 'The webhook signature does not check out',
  403: 'This integration may not post that',
  404: 'There is no such integration',
  409: 'This webhook-id is taken',
  413: 'The body is too large',
  415: 'The body is not JSON',
  422: 'The delivery is not valid',
  503: 'The delivery could not be recorded',
};

function problemAnswer(
  inboxId: string,
  status: number,
  reason: string,
  detail: string,
  errors?: readonly FieldError[],
): DeliveryAnswer {
  return {
    status,
    headers: { 'Content-Type': PROBLEM_CONTENT_TYPE },
    body: {
      type: problemType(reason),
      title: TITLES[status] ?? 'The delivery was refused',
      status,
      detail,
      inboxId,
      ...(errors !== undefined && errors.length > 0 && { errors }),
    },
  };
}

function headerOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function keptHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers)
      .filter(([name, value]) => !UNKEPT_HEADERS.has(name) && value !== undefined)
      .map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value)]),
  );
}

function sha256(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}
