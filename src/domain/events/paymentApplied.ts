import { z } from 'zod';
import { dateField } from './dateField';
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
    'available. Applying a credit later is another PaymentApplied: of the same payment (the ' +
    'credit left from it), or of a negative obligation (a credit note, e.g. a downward ' +
    'restatement), dated the day it was applied: never before the credit was held (the ' +
    "payment's value date; the day the credit note arose, and for an obligation overpaid " +
    'after a correction no earlier than its last payment).',
  schema: z
    .strictObject({
      agreementId: agreementIdField,
      paymentEventId: eventIdField
        .optional()
        .describe('the PaymentReceived whose cash or credit is applied (absent for a credit note)'),
      creditObligationId: obligationIdField
        .optional()
        .describe('the negative obligation (a credit note) whose credit is applied'),
      appliedOn: dateField
        .optional()
        .describe(
          'the day a credit was applied, from which it reduces what bears late interest ' +
            '(absent: the payment’s value date)',
        ),
      available: positiveMoneyField.describe(
        'what was there to apply: the payment, or the credit still left of it or of the credit note',
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
      if ((event.paymentEventId === undefined) === (event.creditObligationId === undefined))
        ctx.addIssue({
          code: 'custom',
          message: 'a payment or a credit note is applied: exactly one of the two',
          path: ['creditObligationId'],
        });
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
