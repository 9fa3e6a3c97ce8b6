import { z } from 'zod';
import { dateField, requireOnOrBefore } from './dateField';
import { exactAmountField, percentField } from './decimalField';
import { defineEvent, defineUpcaster } from './eventDefinition';
import { eventIdField, obligationIdField } from './idFields';
import {
  minorUnits,
  moneyField,
  nonNegativeMoneyField,
  nonZeroMoneyField,
  positiveMoneyField,
  requireCurrency,
} from './moneyField';
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

const dayCountField = z
  .enum(['actual/365', 'actual/360', '30/360'])
  .describe('how days and the year are counted');

/** Version 1: one stretch of days, its own interest rounded, never revisited. */
export const lateInterestAccruedV1Schema = z.strictObject({
  ...obligationFields,
  causedByEventId: eventIdField,
  obligationId: obligationIdField,
  accruedFrom: dateField,
  accruedUntil: dateField,
  days: z.number().int().min(1),
  dayCount: dayCountField,
  rate: interestRateField,
  principal: positiveMoneyField,
  interest: nonNegativeMoneyField,
});

const stretchField = z
  .strictObject({
    accruedFrom: dateField.describe('interest runs from the day after this one'),
    accruedUntil: dateField.describe('through this day'),
    days: z.number().int().min(1).describe('days counted under the day count convention'),
    dayCount: dayCountField,
    rate: interestRateField,
    principal: positiveMoneyField.describe(
      'what bore interest: owed, less paid before the stretch, less disputed during it',
    ),
    interestExact: exactAmountField
      .optional()
      .describe('principal × annual rate × days ÷ year basis, unrounded, in major units'),
  })
  .superRefine((stretch, ctx) =>
    requireOnOrBefore(
      ctx,
      stretch.accruedFrom,
      stretch.accruedUntil,
      ['accruedUntil'],
      'interest stops after it starts',
    ),
  );

const upcastV1 = defineUpcaster({
  fromVersion: 1,
  schema: lateInterestAccruedV1Schema,
  upcast: (v1) => {
    const { days, dayCount, rate, principal, ...rest } = v1;
    return {
      ...rest,
      stretches: [
        {
          accruedFrom: v1.accruedFrom,
          accruedUntil: v1.accruedUntil,
          days,
          dayCount,
          rate,
          principal,
        },
      ],
    };
  },
});

export const lateInterestAccrued = defineEvent({
  type: 'LateInterestAccrued',
  schemaVersion: 2,
  upcasters: [upcastV1],
  streams: ['agreement'],
  meaning:
    'Interest for late payment on an overdue obligation, per the terms’ late interest clause: ' +
    'simple interest from the day after its due date, none on amounts disputed in good faith ' +
    'while disputed, a payment reducing the principal from the day after it was paid. Accrued ' +
    'cumulatively: each accrual recomputes the exact interest owed on the obligation from its ' +
    'due date through `accruedUntil` from the whole history as it now stands (`stretches`, ' +
    'summed unrounded and rounded once to `interestThrough`) and records the difference from ' +
    'what earlier accruals on it recorded, as adjusted (`accruedBefore`). So the total never ' +
    'depends on how often or on which days interest was accrued, and a payment, dispute or ' +
    'adjustment recorded after days were accrued is reflected: `corrects` names the accruals ' +
    'whose days it revises. When less is owed than was accrued, no LateInterestAccrued is ' +
    'written: ObligationAdjusted reduces the latest accruals (its cause the obligation the ' +
    'interest is on). Itself an obligation, payable on demand ' +
    '(`dueOn` is `accruedUntil`). Version 1 accrued one stretch at a time, each rounded and ' +
    'never revisited; it is upcast to version 2 with its one stretch and without the totals.',
  schema: z
    .strictObject({
      ...obligationFields,
      causedByEventId: eventIdField.describe('the obligation the interest is on'),
      obligationId: obligationIdField.describe('the overdue obligation the interest is charged on'),
      accruedFrom: dateField.describe(
        'the new days run from the day after this one: the last day accrued before, or the due date',
      ),
      accruedUntil: dateField.describe('the last day of interest counted'),
      stretches: z
        .array(stretchField)
        .describe(
          'the days that bear interest from the due date through accruedUntil, split wherever the principal, the terms or the rate changes (version 1: its own days only)',
        ),
      interestThrough: nonNegativeMoneyField
        .optional()
        .describe('the interest owed through accruedUntil: the stretches summed, rounded once'),
      accruedBefore: moneyField
        .optional()
        .describe('what the earlier accruals on the obligation recorded, as adjusted since'),
      interest: nonNegativeMoneyField.describe(
        'interestThrough − accruedBefore: this accrual, an obligation (zero only in version 1)',
      ),
      corrects: z
        .strictObject({
          accrualEventIds: z
            .array(eventIdField)
            .min(1)
            .describe('the earlier LateInterestAccrued on the obligation whose days it revises'),
          amount: nonZeroMoneyField.describe(
            'the part of `interest` that revises days already accrued: the history behind them changed',
          ),
        })
        .optional()
        .describe('present when days already accrued are recomputed to another amount'),
    })
    .superRefine((event, ctx) => {
      requireOnOrBefore(
        ctx,
        event.accruedFrom,
        event.accruedUntil,
        ['accruedUntil'],
        'interest stops after it starts',
      );
      const { currency } = event.interest;
      requireCurrency(ctx, currency, [
        [['interestThrough'], event.interestThrough],
        [['accruedBefore'], event.accruedBefore],
        [['corrects', 'amount'], event.corrects?.amount],
        ...event.stretches.map(
          (stretch, index) => [['stretches', index, 'principal'], stretch.principal] as const,
        ),
      ]);
      if (event.interestThrough === undefined || event.accruedBefore === undefined) return;
      const through = minorUnits(event.interestThrough);
      const before = minorUnits(event.accruedBefore);
      const interest = minorUnits(event.interest);
      if (through !== undefined && before !== undefined && interest !== undefined) {
        if (interest !== through - before)
          ctx.addIssue({
            code: 'custom',
            message: 'the interest is interestThrough less accruedBefore',
            path: ['interest'],
          });
      }
    }),
});
