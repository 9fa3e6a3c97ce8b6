import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { z } from 'zod';
import {
  AgreementCommands,
  type CommandBody,
  type CommandOrigin,
  type CommandOutcome,
} from '../../application/agreementCommands';
import { agreementFactCommand, type AgreementFactType } from '../../application/agreementFacts';
import { isProductFactType, ProductFacts } from '../../application/productFacts';
import type { AgreementEvent } from '../../domain/agreement/agreementEvent';
import type { AgreementTermsJson } from '../../domain/agreement/termsSchema';
import {
  agreementSigned,
  agreementAmended,
  agreementTerminated,
  payeeAssigned,
} from '../../domain/events/agreementLife';
import {
  entryReversed,
  obligationAdjusted,
  obligationDisputed,
  obligationDisputeResolved,
  obligationWaived,
} from '../../domain/events/corrections';
import { periodField } from '../../domain/events/dateField';
import { clauseIdField, productIdField, referenceField } from '../../domain/events/idFields';
import { invoiceIssued, paymentReceived } from '../../domain/events/moneyMovement';
import { moneyField } from '../../domain/events/moneyField';
import { countryField } from '../../domain/events/placeFields';
import { netSalesReported } from '../../domain/events/netSalesReported';
import { netSalesRestated } from '../../domain/events/netSalesRestated';
import { paymentNoticeGiven } from '../../domain/events/payability';
import { thirdPartyRoyaltiesReported } from '../../domain/events/thirdPartyRoyaltiesReported';
import type { EventDefinition } from '../../domain/events/eventDefinition';
import { WrongExpectedVersionError } from '../../eventstore/errors';
import type { EventStore } from '../../eventstore/eventStore';
import { mayPost } from '../../auth/mayPost';
import type { IdempotencyStore } from '../api/idempotency';
import { idempotencyKeyOf, respondIdempotently } from '../api/idempotency';
import { asPreconditionFailed, requiredIfMatchVersion, streamVersionETag } from '../api/ifMatch';
import { actorOf, principalOf, type Role } from '../api/principal';
import { defineRoute, type AnyRoute, type HeaderSpec } from '../api/route';
import { HttpProblemError, problemType } from '../problemDetails';
import { withDomainProblems } from './domainProblem';
import { POSITION_HEADER } from './readYourWrites';

const ADMIN = ['admin'] as const;
const idSchema = z.string().min(1).max(200);
const agreementParams = z.strictObject({ agreementId: idSchema });
const obligationParams = z.strictObject({ agreementId: idSchema, obligationId: idSchema });

/** An event's fields as a request body: its own schema's members, less those the route supplies. */
function bodyOf(definition: EventDefinition, omit: readonly string[]) {
  const { shape } = definition.schema as unknown as z.ZodObject;
  return z.strictObject(
    Object.fromEntries(Object.entries(shape).filter(([key]) => !omit.includes(key))),
  );
}

const IF_MATCH: HeaderSpec = {
  name: 'If-Match',
  required: true,
  description:
    'the agreement’s version as read (its ETag, e.g. "7"): 428 without it, 412 when the agreement has changed since',
};
const IDEMPOTENCY_KEY: HeaderSpec = {
  name: 'Idempotency-Key',
  description:
    'a unique key per intended write: a retry with the same key and body replays the first answer; another body is 422; a retry while the first runs is 409',
};

const COMMAND_RESPONSES = {
  200: {
    description: 'recorded: the events, the new version (ETag) and the position (X-Position)',
  },
  401: { description: 'no valid API key' },
  403: { description: 'the key’s role may not' },
  404: { description: 'no such agreement or obligation' },
  409: { description: 'a conflicting state, or the same Idempotency-Key still running' },
  412: { description: 'the agreement changed since the version in If-Match' },
  413: { description: 'the body is too large' },
  415: { description: 'the body is not JSON' },
  422: { description: 'a field or a rule of the agreement refuses it; each error names its field' },
  428: { description: 'If-Match is missing' },
  503: { description: 'a store is unavailable; retry after Retry-After' },
};

const presentEvent = (event: AgreementEvent) => ({
  eventId: event.eventId,
  type: event.type,
  data: event.data,
});

export interface CommandRoutesDeps {
  readonly store: EventStore;
  readonly idempotency: IdempotencyStore;
  readonly clock?: () => Date;
}

/** The writes finance and admins make over REST: each a command on one agreement's stream. */
export function commandRoutes({ store, idempotency, clock }: CommandRoutesDeps): AnyRoute[] {
  const agreements = new AgreementCommands(store, clock);
  const products = new ProductFacts(store, clock);

  const originOf = (req: Request): CommandOrigin => {
    const principal = principalOf(req);
    const key = idempotencyKeyOf(req);
    return {
      actor: actorOf(principal),
      source: `http:${req.method} ${req.path}`,
      correlationId: typeof req.id === 'string' ? req.id : randomUUID(),
      idSeed: key === undefined ? randomUUID() : `${principal.keyId}:${key}`,
    };
  };

  const answerOf = (outcome: CommandOutcome, status = 200, location?: string) => ({
    status,
    headers: {
      ETag: streamVersionETag(outcome.version),
      [POSITION_HEADER]: String(outcome.position),
      ...(location !== undefined && { Location: location }),
    },
    body: {
      agreementId: outcome.agreementId,
      version: outcome.version,
      position: outcome.position,
      alreadyRecorded: outcome.alreadyRecorded,
      events: outcome.events.map(presentEvent),
    },
  });

  /** A command on an existing agreement, guarded by If-Match and made idempotent by its key. */
  function agreementCommand<Body, Params extends { agreementId: string }>(spec: {
    path: string;
    operationId: string;
    summary: string;
    tags?: readonly string[];
    params?: z.ZodType<Params>;
    body: z.ZodType<Body>;
    /** The command; its fields are checked by the decider, which names each bad one. */
    toCommand: (body: Body, params: Params) => Promise<object> | object;
  }): AnyRoute {
    return defineRoute({
      method: 'post',
      path: spec.path,
      operationId: spec.operationId,
      summary: spec.summary,
      tags: spec.tags ?? ['Agreements'],
      access: ADMIN,
      params: (spec.params ?? agreementParams) as z.ZodType<Params>,
      body: spec.body,
      headers: [IF_MATCH, IDEMPOTENCY_KEY],
      responses: COMMAND_RESPONSES,
      handler: async ({ params, body, req, res }) => {
        const origin = originOf(req);
        await respondIdempotently(
          idempotency,
          { req, res, principalKeyId: principalOf(req).keyId, body },
          async () => {
            const expectedVersion = requiredIfMatchVersion(req);
            const command = (await withDomainProblems('', async () =>
              spec.toCommand(body, params),
            )) as CommandBody;
            const outcome = await withDomainProblems('', () =>
              agreements.execute(params.agreementId, command, origin, expectedVersion),
            ).catch((error: unknown) => {
              if (error instanceof WrongExpectedVersionError) asPreconditionFailed(error);
              throw error;
            });
            return answerOf(outcome);
          },
        );
      },
    });
  }

  // The facts integrations also post by webhook: mapped to their commands in one place.
  const factCommand = (type: AgreementFactType, params: { agreementId: string }, body: unknown) =>
    agreementFactCommand(type, params.agreementId, body as object, { products, agreements });

  return [
    defineRoute({
      method: 'post',
      path: '/agreements',
      operationId: 'signAgreement',
      summary: 'Record a signed agreement with its full terms',
      description:
        'The terms are checked as a whole; an impossible clause is refused with a pointer to it. The upfront fee (if any) becomes due at once.',
      tags: ['Agreements'],
      access: ADMIN,
      body: bodyOf(agreementSigned, ['agreementId']),
      headers: [IDEMPOTENCY_KEY],
      responses: { ...COMMAND_RESPONSES, 201: { description: 'signed; Location names it' } },
      handler: async ({ body, req, res }) => {
        const origin = originOf(req);
        await respondIdempotently(
          idempotency,
          { req, res, principalKeyId: principalOf(req).keyId, body },
          async () => {
            const terms = (body as { terms: AgreementTermsJson }).terms;
            const agreementId = String((terms as { agreementId?: unknown }).agreementId);
            const outcome = await withDomainProblems('', () =>
              agreements.execute(agreementId, { type: 'SignAgreement', terms }, origin, 0),
            ).catch((error: unknown) => {
              if (error instanceof WrongExpectedVersionError)
                throw new HttpProblemError({
                  type: problemType('already-signed'),
                  title: 'The agreement exists already',
                  status: 409,
                  detail: `agreement ${agreementId} was signed before; amend it instead`,
                  errors: [{ detail: 'already signed', pointer: '/terms/agreementId' }],
                });
              throw error;
            });
            return answerOf(outcome, 201, `/agreements/${agreementId}`);
          },
        );
      },
    }),
    agreementCommand({
      path: '/agreements/:agreementId/amendments',
      operationId: 'amendAgreement',
      summary: 'Record an amendment: the complete terms as amended, effective from a date',
      body: bodyOf(agreementAmended, ['agreementId']),
      toCommand: (body) => ({ type: 'AmendAgreement', ...(body as object) }),
    }),
    agreementCommand({
      path: '/agreements/:agreementId/termination',
      operationId: 'terminateAgreement',
      summary: 'Record the termination of the agreement',
      body: bodyOf(agreementTerminated, ['agreementId']),
      toCommand: (body) => ({ type: 'TerminateAgreement', ...(body as object) }),
    }),
    agreementCommand({
      path: '/agreements/:agreementId/payee-assignments',
      operationId: 'assignPayee',
      summary: 'Assign the payee of (some kinds of) obligations from a date',
      body: bodyOf(payeeAssigned, ['agreementId']),
      toCommand: (body) => ({ type: 'AssignPayee', ...(body as object) }),
    }),
    agreementCommand({
      path: '/agreements/:agreementId/invoices',
      operationId: 'issueInvoice',
      summary: 'Issue an invoice for obligations (their payment terms may count from it)',
      tags: ['Payments'],
      body: bodyOf(invoiceIssued, ['agreementId', 'amount']),
      toCommand: (body, params) => factCommand('InvoiceIssued', params, body),
    }),
    agreementCommand({
      path: '/agreements/:agreementId/payment-notices',
      operationId: 'givePaymentNotice',
      summary: 'Give notice of an achievement (payment terms may count from it)',
      tags: ['Payments'],
      body: bodyOf(paymentNoticeGiven, ['agreementId']),
      toCommand: (body) => ({ type: 'GivePaymentNotice', ...(body as object) }),
    }),
    agreementCommand({
      path: '/agreements/:agreementId/payments',
      operationId: 'recordPayment',
      summary: 'Record a payment received: applied to the named obligations or oldest due first',
      tags: ['Payments'],
      body: bodyOf(paymentReceived, ['agreementId']),
      toCommand: (body, params) => factCommand('PaymentReceived', params, body),
    }),
    agreementCommand({
      path: '/agreements/:agreementId/credit-applications',
      operationId: 'applyCredit',
      summary: 'Apply the payer’s credits (unapplied payments, credit notes) to open obligations',
      tags: ['Payments'],
      body: z.strictObject({
        appliedOn: z.iso.date(),
        obligationIds: z.array(idSchema).optional(),
      }),
      toCommand: (body) => ({ type: 'ApplyCredit', ...(body as object) }),
    }),
    agreementCommand({
      path: '/agreements/:agreementId/obligations/:obligationId/waivers',
      operationId: 'waiveObligation',
      summary: 'Waive (part of) an obligation, with a reason',
      tags: ['Corrections'],
      params: obligationParams,
      body: bodyOf(obligationWaived, ['agreementId', 'obligationId']),
      toCommand: (body, params) => ({
        type: 'WaiveObligation',
        obligationId: params.obligationId,
        ...(body as object),
      }),
    }),
    agreementCommand({
      path: '/agreements/:agreementId/obligations/:obligationId/disputes',
      operationId: 'disputeObligation',
      summary: 'Dispute (part of) an obligation in good faith: no late interest on it meanwhile',
      tags: ['Corrections'],
      params: obligationParams,
      body: bodyOf(obligationDisputed, ['agreementId', 'obligationId']),
      toCommand: (body, params) => ({
        type: 'DisputeObligation',
        obligationId: params.obligationId,
        ...(body as object),
      }),
    }),
    agreementCommand({
      path: '/agreements/:agreementId/disputes/:disputeEventId/resolution',
      operationId: 'resolveDispute',
      summary: 'Resolve a dispute',
      tags: ['Corrections'],
      params: z.strictObject({ agreementId: idSchema, disputeEventId: idSchema }),
      body: bodyOf(obligationDisputeResolved, ['agreementId', 'obligationId', 'disputeEventId']),
      toCommand: (body, params) => ({
        type: 'ResolveDispute',
        disputeEventId: params.disputeEventId,
        ...(body as object),
      }),
    }),
    agreementCommand({
      path: '/agreements/:agreementId/obligations/:obligationId/adjustments',
      operationId: 'adjustObligation',
      summary: 'Adjust an obligation by a signed difference, with a reason',
      tags: ['Corrections'],
      params: obligationParams,
      body: bodyOf(obligationAdjusted, ['agreementId', 'obligationId']),
      toCommand: (body, params) => ({
        type: 'AdjustObligation',
        obligationId: params.obligationId,
        ...(body as object),
      }),
    }),
    agreementCommand({
      path: '/agreements/:agreementId/reversals',
      operationId: 'reverseEntry',
      summary: 'Reverse an entry of the agreement (it stays in the log), with a reason',
      tags: ['Corrections'],
      body: z.strictObject({
        reversedEventId: entryReversed.schema.shape.reversedEventId,
        reason: entryReversed.schema.shape.reason,
      }),
      toCommand: (body) => ({ type: 'ReverseEntry', ...body }),
    }),
    agreementCommand({
      path: '/agreements/:agreementId/net-sales-reports',
      operationId: 'reportNetSales',
      summary: 'Record a period’s net sales report: royalties accrue line by line',
      tags: ['Royalties'],
      body: bodyOf(netSalesReported, ['agreementId', 'paymentCurrency']),
      toCommand: (body, params) => factCommand('NetSalesReported', params, body),
    }),
    agreementCommand({
      path: '/agreements/:agreementId/net-sales-restatements',
      operationId: 'restateNetSales',
      summary: 'Restate a period’s net sales: the exact difference accrues',
      tags: ['Royalties'],
      body: bodyOf(netSalesRestated, ['agreementId', 'paymentCurrency']),
      toCommand: (body, params) => factCommand('NetSalesRestated', params, body),
    }),
    agreementCommand({
      path: '/agreements/:agreementId/third-party-royalty-reports',
      operationId: 'reportThirdPartyRoyalties',
      summary: 'Record the royalties the licensee paid third parties (stacking offsets)',
      tags: ['Royalties'],
      body: bodyOf(thirdPartyRoyaltiesReported, ['agreementId', 'paymentCurrency']),
      toCommand: (body, params) => factCommand('ThirdPartyRoyaltiesReported', params, body),
    }),
    agreementCommand({
      path: '/agreements/:agreementId/year-end-assessments',
      operationId: 'assessYearEnd',
      summary: 'Assess a tier year’s minimum annual royalty shortfall',
      tags: ['Royalties'],
      body: z.strictObject({ year: z.number().int().min(1900).max(9999), asOf: z.iso.date() }),
      toCommand: (body) => ({ type: 'AssessYearEnd', ...(body as object) }),
    }),
    agreementCommand({
      path: '/agreements/:agreementId/late-interest-accruals',
      operationId: 'accrueLateInterest',
      summary: 'Accrue late payment interest on overdue obligations through a date',
      tags: ['Payments'],
      body: z.strictObject({
        asOf: z.iso.date(),
        primeRates: z
          .array(z.strictObject({ from: z.iso.date(), ratePercent: z.string() }))
          .optional(),
      }),
      toCommand: (body) => ({ type: 'AccrueLateInterest', ...(body as object) }),
    }),
    agreementCommand({
      path: '/agreements/:agreementId/audit-findings',
      operationId: 'recordAuditFindings',
      summary:
        'Record the findings of the licensor’s audit of the royalty reports: the shortfall with interest, and the audit’s cost when the underpayment exceeds the threshold',
      tags: ['Royalties'],
      body: z.strictObject({
        auditReference: referenceField,
        conductedOn: z.iso.date(),
        auditedPeriod: periodField,
        auditCost: moneyField,
        findings: z
          .array(
            z.strictObject({
              clauseId: clauseIdField,
              period: periodField,
              productId: productIdField,
              country: countryField,
              royaltyDue: moneyField,
            }),
          )
          .min(1)
          .max(10_000),
        primeRates: z
          .array(z.strictObject({ from: z.iso.date(), ratePercent: z.string() }))
          .optional(),
      }),
      toCommand: (body) => ({ type: 'RecordAuditFindings', ...body }),
    }),
    defineRoute({
      method: 'post',
      path: '/products/:productId/facts',
      operationId: 'recordProductFact',
      summary:
        'Record a development, regulatory, market or patent fact of a product (IND submitted, approval, first sale, ...)',
      description:
        'Every agreement licensing the product reacts: the milestone policy triggers what the fact achieves. Integrations may post only the event types their key allows.',
      tags: ['Facts'],
      access: ['admin', 'integration'] satisfies readonly Role[],
      params: z.strictObject({ productId: idSchema }),
      body: z.strictObject({
        type: z.string().min(1).max(200).describe('the event type, e.g. INDSubmitted'),
        data: z.record(z.string(), z.unknown()).describe('the fact, per docs/events.md'),
      }),
      headers: [IDEMPOTENCY_KEY],
      responses: {
        ...COMMAND_RESPONSES,
        201: { description: 'recorded; X-Position is where to wait for its effects' },
      },
      handler: async ({ params, body, req, res }) => {
        const principal = principalOf(req);
        if (!mayPost(principal, body.type)) {
          throw new HttpProblemError({
            type: problemType('event-type-not-allowed'),
            title: 'This key may not post that event type',
            status: 403,
            detail: `${body.type} is not among the event types of this integration key`,
          });
        }
        if (!isProductFactType(body.type)) {
          throw new HttpProblemError({
            type: problemType('not-a-product-fact'),
            title: 'Not a product fact',
            status: 422,
            detail: `${body.type} is not a development, regulatory, market or patent fact`,
            errors: [{ detail: 'not a product fact type', pointer: '/type' }],
          });
        }
        const data = { productId: params.productId, ...body.data };
        if (data.productId !== params.productId) {
          throw new HttpProblemError({
            type: problemType('validation-failed'),
            title: 'The request is not valid',
            status: 422,
            detail: 'data.productId must be the product of the path',
            errors: [{ detail: `must be ${params.productId}`, pointer: '/data/productId' }],
          });
        }
        const origin = originOf(req);
        await respondIdempotently(
          idempotency,
          { req, res, principalKeyId: principal.keyId, body },
          async () => {
            const fact = await withDomainProblems('/data', () =>
              products.record(body.type, data, origin),
            );
            return {
              status: 201,
              headers: { [POSITION_HEADER]: String(fact.position) },
              body: {
                productId: fact.productId,
                position: fact.position,
                alreadyRecorded: fact.alreadyRecorded,
                event: presentEvent(fact.event),
              },
            };
          },
        );
      },
    }),
  ];
}
