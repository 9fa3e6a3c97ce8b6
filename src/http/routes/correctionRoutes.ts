import { z } from 'zod';
import { domainEventOf } from '../../application/storedEvents';
import { correctionsOf } from '../../domain/agreement/correctionsOf';
import { streamIdOf } from '../../domain/events/streams';
import { formatMoney } from '../../domain/money';
import type { EventStore, RecordedEvent } from '../../eventstore/eventStore';
import { sendJsonWithETag } from '../api/etag';
import { defineRoute, type AnyRoute } from '../api/route';
import { HttpProblemError, httpProblem } from '../problemDetails';

const positionSchema = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * Corrections side by side: for each obligation of an agreement, the original entry, every
 * correction of it (adjustments, waivers, reversals: each naming what it corrects, with its
 * reason, who recorded it and when) and its effect on what is owed, and the resulting amount.
 * Read from the agreement's own stream, not from a read model, so it is exact at any position.
 */
export function correctionRoutes({ store }: { readonly store: EventStore }): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/agreements/:agreementId/corrections',
      operationId: 'listCorrections',
      summary:
        'Each obligation beside its corrections (who, when, why, effect) and the resulting amount',
      tags: ['Audit'],
      access: ['auditor', 'admin'],
      params: z.strictObject({ agreementId: z.string().min(1).max(200) }),
      query: z.strictObject({
        all: z
          .enum(['true', 'false'])
          .default('false')
          .describe(
            'true: every obligation; false (default): only those corrected or supplemented',
          ),
        recordedAt: positionSchema
          .optional()
          .describe('a global position: the corrections as recorded up to it'),
      }),
      responses: {
        200: { description: 'the obligations and their corrections, in the order recorded' },
        304: { description: 'unchanged since the ETag sent in If-None-Match' },
        404: { description: 'no such agreement (at that position)' },
      },
      handler: async ({ params, query, req, res }) => {
        const recorded = (
          await store.readStream(streamIdOf('agreement', params.agreementId))
        ).filter(
          (event) => query.recordedAt === undefined || event.globalPosition <= query.recordedAt,
        );
        if (recorded.length === 0)
          throw new HttpProblemError(
            httpProblem(404, `There is no agreement ${params.agreementId} (at that position).`),
          );
        const byId = new Map(recorded.map((event) => [event.eventId, event]));
        const entries = correctionsOf(recorded.map(domainEventOf)).filter(
          (entry) =>
            query.all === 'true' || entry.corrections.length > 0 || entry.supplementedBy.length > 0,
        );
        sendJsonWithETag(req, res, {
          agreementId: params.agreementId,
          position: recorded[recorded.length - 1]?.globalPosition ?? 0,
          entries: entries.map((entry) => ({
            original: {
              eventId: entry.originalEventId,
              type: entry.originalType,
              kind: entry.kind,
              amount: formatMoney(entry.original),
              ...recordOf(byId.get(entry.originalEventId)),
            },
            corrections: entry.corrections.map((correction) => ({
              eventId: correction.eventId,
              type: correction.type,
              correctsEventId: correction.correctsEventId,
              reason: correction.reason,
              effect: formatMoney(correction.effect),
              amountAfter: formatMoney(correction.amountAfter),
              ...recordOf(byId.get(correction.eventId)),
            })),
            resulting: formatMoney(entry.resulting),
            supplementedBy: entry.supplementedBy.map((supplement) => ({
              eventId: supplement.eventId,
              type: supplement.type,
              amount: formatMoney(supplement.amount),
              ...recordOf(byId.get(supplement.eventId)),
            })),
          })),
        });
      },
    }),
  ];
}

/** Who recorded an event, when, and when it took effect. */
function recordOf(event: RecordedEvent | undefined) {
  if (event === undefined) return {};
  return {
    position: event.globalPosition,
    actor: event.metadata.actor,
    recordedAt: event.metadata.recordedAt,
    occurredAt: event.metadata.occurredAt,
  };
}
