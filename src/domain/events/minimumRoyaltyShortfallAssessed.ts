import { z } from 'zod';
import { formatMoney, parseMoney, zero } from '../money';
import { dateField, periodField } from './dateField';
import { defineEvent, defineUpcaster } from './eventDefinition';
import { eventIdField, obligationIdField } from './idFields';
import {
  minorUnits,
  nonNegativeMoneyField,
  positiveMoneyField,
  requireCurrency,
} from './moneyField';
import { obligationFields } from './obligationFields';

const yearField = z
  .number()
  .int()
  .min(1900)
  .max(2200)
  .describe('the royalty year, as the terms count it');

/** Version 1: one assessment per year, never trued up; the minimum never pro-rated. */
export const minimumRoyaltyShortfallAssessedV1Schema = z.strictObject({
  ...obligationFields,
  causedByEventId: eventIdField.nullable(),
  year: yearField,
  yearPeriod: periodField,
  minimum: positiveMoneyField,
  royaltiesAccrued: nonNegativeMoneyField,
  shortfall: positiveMoneyField,
  royaltyObligationIds: z.array(obligationIdField),
});

const upcastV1 = defineUpcaster({
  fromVersion: 1,
  schema: minimumRoyaltyShortfallAssessedV1Schema,
  upcast: (v1) => ({
    ...v1,
    assessedBefore: formatMoney(zero(parseMoney(v1.shortfall).currency)),
    amount: v1.shortfall,
    correctsEventIds: [],
  }),
});

export const minimumRoyaltyShortfallAssessed = defineEvent({
  type: 'MinimumRoyaltyShortfallAssessed',
  schemaVersion: 2,
  upcasters: [upcastV1],
  streams: ['agreement'],
  meaning:
    'A royalty year ended with royalties below the minimum annual royalty of the terms ' +
    '(`terms.minimumAnnualRoyalty`): the shortfall is an obligation, due N days after the year ' +
    'end, so that the year’s royalties and its shortfall add up to the minimum exactly. The ' +
    'minimum of the year the agreement was terminated in is pro-rated to the days it was in ' +
    'force (`proRata`); the signing year’s is not (the terms’ `firstYear` says from which year ' +
    'the minimum applies). Assessed again after the year’s royalties changed (a restatement, a ' +
    'late report), the shortfall is trued up: a higher shortfall is a new assessment for the ' +
    'difference naming the earlier ones (`correctsEventIds`); a lower one adjusts them down ' +
    '(ObligationAdjusted). It lists the royalty obligations it counted, so it can be checked. ' +
    'Version 1 had no true-up and no pro-rating; it is upcast as a first assessment.',
  schema: z
    .strictObject({
      ...obligationFields,
      causedByEventId: eventIdField
        .nullable()
        .describe(
          'what changed the year’s royalties (a restatement’s royalty), or null when the year end alone did',
        ),
      year: yearField,
      yearPeriod: periodField.describe('its first and last day'),
      minimum: positiveMoneyField.describe('the minimum annual royalty of the year, pro-rated'),
      proRata: z
        .strictObject({
          fullMinimum: positiveMoneyField.describe('the minimum of a whole year'),
          lastDayInForce: dateField.describe('the day the agreement was terminated'),
          daysInForce: z.number().int().min(1).describe('days of the year in force, both ends'),
          daysInYear: z.number().int().min(365).max(366).describe('days of the year'),
        })
        .optional()
        .describe(
          'present for the year of the termination: minimum = fullMinimum × daysInForce ÷ daysInYear, rounded with the terms’ rounding',
        ),
      royaltiesAccrued: nonNegativeMoneyField.describe(
        'the year’s royalties, net of corrections (a year of net credits counts as none)',
      ),
      shortfall: positiveMoneyField.describe(
        'minimum − royaltiesAccrued: the year’s whole shortfall',
      ),
      assessedBefore: nonNegativeMoneyField.describe(
        'the shortfall of the year the earlier assessments recorded, as adjusted since',
      ),
      amount: positiveMoneyField.describe('shortfall − assessedBefore: what is now due'),
      correctsEventIds: z
        .array(eventIdField)
        .describe('the earlier assessments of the year this one trues up (none the first time)'),
      royaltyObligationIds: z
        .array(obligationIdField)
        .describe('the RoyaltyAccrued obligations counted'),
    })
    .superRefine((event, ctx) => {
      requireCurrency(ctx, event.minimum.currency, [
        [['royaltiesAccrued'], event.royaltiesAccrued],
        [['shortfall'], event.shortfall],
        [['assessedBefore'], event.assessedBefore],
        [['amount'], event.amount],
      ]);
      const minimum = minorUnits(event.minimum);
      const accrued = minorUnits(event.royaltiesAccrued);
      const shortfall = minorUnits(event.shortfall);
      const before = minorUnits(event.assessedBefore);
      const amount = minorUnits(event.amount);
      if (minimum !== undefined && accrued !== undefined && shortfall !== undefined) {
        if (shortfall !== minimum - accrued)
          ctx.addIssue({
            code: 'custom',
            message: 'the shortfall is the minimum less the royalties accrued',
            path: ['shortfall'],
          });
      }
      if (shortfall !== undefined && before !== undefined && amount !== undefined) {
        if (amount !== shortfall - before)
          ctx.addIssue({
            code: 'custom',
            message: 'the amount is the shortfall less what was assessed before',
            path: ['amount'],
          });
      }
      if (event.correctsEventIds.length === 0 && before !== undefined && before !== 0n)
        ctx.addIssue({
          code: 'custom',
          message: 'a shortfall assessed before names the assessments it corrects',
          path: ['correctsEventIds'],
        });
    }),
});
