import { z } from 'zod';
import { dateField, requireOnOrBefore } from './dateField';
import { percentField } from './decimalField';
import { defineEvent } from './eventDefinition';
import { eventIdField, obligationIdField } from './idFields';
import { nonNegativeMoneyField, positiveMoneyField, requireCurrency } from './moneyField';
import { obligationFields } from './obligationFields';

const interestRateField = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('fixed'),
      ratePercent: percentField,
      per: z.enum(['month', 'year']).describe('the period the rate is quoted for'),
    }),
    z.strictObject({
      kind: z.literal('prime-plus'),
      primeRatePercent: percentField.describe('the prime rate that applied, per year'),
      marginPercent: percentField.describe('the margin over prime, per year'),
    }),
  ])
  .describe('the rate of the terms’ late interest clause, as applied');

export const lateInterestAccrued = defineEvent({
  type: 'LateInterestAccrued',
  streams: ['agreement'],
  meaning:
    'Interest for late payment accrued on an overdue obligation, per the terms’ late interest ' +
    'clause, for the days from `accruedFrom` to `accruedUntil` (the due date to the payment ' +
    'day: paid 6 days late, 6 days of interest), on the ' +
    'overdue principal (amounts disputed in good faith excluded). Itself an obligation.',
  schema: z
    .strictObject({
      ...obligationFields,
      causedByEventId: eventIdField.describe(
        'what closed the interest window: the payment applied, or the obligation the interest is on when accrued at a period end',
      ),
      obligationId: obligationIdField.describe('the overdue obligation the interest is charged on'),
      accruedFrom: dateField.describe(
        'the day interest runs from: the due date, or the end of the last accrual',
      ),
      accruedUntil: dateField.describe('the day it runs to: the payment day, or a period end'),
      days: z.number().int().min(1).describe('days counted under the day count convention'),
      dayCount: z
        .enum(['actual/365', 'actual/360', '30/360'])
        .describe('how days and the year are counted'),
      rate: interestRateField,
      principal: positiveMoneyField.describe('the overdue, undisputed balance'),
      interest: nonNegativeMoneyField.describe('the interest, rounded once'),
    })
    .superRefine((event, ctx) => {
      requireOnOrBefore(
        ctx,
        event.accruedFrom,
        event.accruedUntil,
        ['accruedUntil'],
        'interest stops after it starts',
      );
      requireCurrency(ctx, event.principal.currency, [[['interest'], event.interest]]);
    }),
});
