import { z } from 'zod';
import { defineEvent } from './eventDefinition';
import { agreementIdField, eventIdField, obligationIdField } from './idFields';
import {
  minorUnits,
  nonNegativeMoneyField,
  positiveMoneyField,
  requireCurrency,
} from './moneyField';

export const paymentApplied = defineEvent({
  type: 'PaymentApplied',
  streams: ['agreement'],
  meaning:
    'A payment (or the credit left from it) was applied to open obligations: the allocations ' +
    'and the unapplied remainder, which stays a credit of the payer for later obligations. ' +
    'Money is conserved by construction: the allocations plus the remainder equal what was ' +
    'available. Applying a credit later is another PaymentApplied of the same payment.',
  schema: z
    .strictObject({
      agreementId: agreementIdField,
      paymentEventId: eventIdField.describe('the PaymentReceived'),
      available: positiveMoneyField.describe(
        'what was there to apply: the payment, or the credit still left of it',
      ),
      allocations: z
        .array(
          z.strictObject({
            obligationId: obligationIdField,
            amount: positiveMoneyField.describe('the amount applied to it'),
          }),
        )
        .describe('in the order applied'),
      unapplied: nonNegativeMoneyField.describe('the remainder, kept as a credit'),
    })
    .superRefine((event, ctx) => {
      const { currency } = event.available;
      requireCurrency(ctx, currency, [
        [['unapplied'], event.unapplied],
        ...event.allocations.map(
          (allocation, index) => [['allocations', index, 'amount'], allocation.amount] as const,
        ),
      ]);
      const seen = new Set<string>();
      event.allocations.forEach((allocation, index) => {
        if (seen.has(allocation.obligationId))
          ctx.addIssue({
            code: 'custom',
            message: `obligation ${allocation.obligationId} is allocated twice`,
            path: ['allocations', index, 'obligationId'],
          });
        seen.add(allocation.obligationId);
      });
      const amounts = [...event.allocations.map((a) => a.amount), event.unapplied];
      if (amounts.some((amount) => amount.currency !== currency)) return;
      const parts = amounts.map(minorUnits);
      const available = minorUnits(event.available);
      if (available === undefined || parts.some((part) => part === undefined)) return;
      const total = parts.reduce((sum: bigint, part) => sum + (part ?? 0n), 0n);
      if (total !== available)
        ctx.addIssue({
          code: 'custom',
          message: 'the allocations and the unapplied remainder add up to what was available',
          path: ['unapplied'],
        });
    }),
});
