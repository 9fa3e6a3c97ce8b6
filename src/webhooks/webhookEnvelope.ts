import { z } from 'zod';

/**
 * The Standard Webhooks payload: the event type, when the sender says it happened (RFC 3339),
 * and the fact itself, shaped as the event's data in docs/events.md. Other top-level members are
 * ignored, so a sender may add its own.
 */
export const webhookEnvelopeSchema = z
  .object({
    type: z.string().min(1).max(200).describe('the event type, e.g. INDSubmitted (docs/events.md)'),
    timestamp: z.iso
      .datetime({ offset: true })
      .describe('when the sender produced the event (RFC 3339)'),
    data: z
      .record(z.string(), z.unknown())
      .describe(
        'the fact: the event’s data as in docs/events.md, with its productId or agreementId, less what the service derives (paymentCurrency of royalty reports, an invoice’s amount)',
      ),
  })
  .meta({ id: 'WebhookEnvelope' });

export type WebhookEnvelope = z.output<typeof webhookEnvelopeSchema>;
