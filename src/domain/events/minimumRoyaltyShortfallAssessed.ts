import { z } from 'zod';
import { periodField } from './dateField';
import { defineEvent } from './eventDefinition';
import { eventIdField, obligationIdField } from './idFields';
import {
  minorUnits,
  nonNegativeMoneyField,
  positiveMoneyField,
  requireCurrency,
} from './moneyField';
import { obligationFields } from './obligationFields';

export const minimumRoyaltyShortfallAssessed = defineEvent({
  type: 'MinimumRoyaltyShortfallAssessed',
  streams: ['agreement'],
  meaning:
    'A royalty year ended with royalties below the minimum annual royalty of the terms ' +
    '(`terms.minimumAnnualRoyalty`): the shortfall is an obligation, due N days after the year ' +
    'end. It lists the royalty obligations it counted, so the assessment can be checked.',
  schema: z
    .strictObject({
      ...obligationFields,
      causedByEventId: eventIdField
        .nullable()
        .describe('the report that completed the year, or null when the year end alone did'),
      year: z
        .number()
        .int()
        .min(1900)
        .max(2200)
        .describe('the royalty year, as the terms count it'),
      yearPeriod: periodField.describe('its first and last day'),
      minimum: positiveMoneyField.describe('the minimum annual royalty'),
      royaltiesAccrued: nonNegativeMoneyField.describe('the year’s royalties, net of corrections'),
      shortfall: positiveMoneyField.describe('minimum − royaltiesAccrued: what is now due'),
      royaltyObligationIds: z
        .array(obligationIdField)
        .describe('the RoyaltyAccrued obligations counted'),
    })
    .superRefine((event, ctx) => {
      requireCurrency(ctx, event.minimum.currency, [
        [['royaltiesAccrued'], event.royaltiesAccrued],
        [['shortfall'], event.shortfall],
      ]);
      const minimum = minorUnits(event.minimum);
      const accrued = minorUnits(event.royaltiesAccrued);
      const shortfall = minorUnits(event.shortfall);
      if (minimum !== undefined && accrued !== undefined && shortfall !== undefined) {
        if (shortfall !== minimum - accrued)
          ctx.addIssue({
            code: 'custom',
            message: 'the shortfall is the minimum less the royalties accrued',
            path: ['shortfall'],
          });
      }
    }),
});
