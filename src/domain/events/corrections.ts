import { z } from 'zod';
import { dateField } from './dateField';
import { defineEvent } from './eventDefinition';
import {
  agreementIdField,
  eventIdField,
  obligationIdField,
  productIdField,
  textField,
} from './idFields';
import { nonZeroMoneyField, positiveMoneyField } from './moneyField';

// Nothing is ever edited: a correction is a new entry that names what it corrects and says why.
// Who made it is the metadata's actor; when it was recorded, the metadata's recordedAt.

const correctionFields = {
  agreementId: agreementIdField,
  obligationId: obligationIdField.describe('the obligation corrected'),
  reason: textField.describe('why'),
};

export const obligationWaived = defineEvent({
  type: 'ObligationWaived',
  streams: ['agreement'],
  meaning:
    'The payee gave up (part of) an obligation’s open balance: the amount is no longer owed, ' +
    'and the record of it having been owed stays.',
  schema: z.strictObject({
    ...correctionFields,
    waivedOn: dateField.describe('from when it is no longer owed'),
    amount: positiveMoneyField.describe('the part of the open balance waived'),
  }),
});

export const obligationDisputed = defineEvent({
  type: 'ObligationDisputed',
  streams: ['agreement'],
  meaning:
    'A party disputed (part of) an obligation in good faith. The disputed amount bears no late ' +
    'interest until the dispute is resolved.',
  schema: z.strictObject({
    ...correctionFields,
    disputedOn: dateField.describe('when the dispute was raised'),
    disputedBy: z.enum(['licensor', 'licensee', 'payee']).describe('who raised it'),
    amount: positiveMoneyField.describe('the amount disputed'),
  }),
});

export const obligationDisputeResolved = defineEvent({
  type: 'ObligationDisputeResolved',
  streams: ['agreement'],
  meaning:
    'A dispute ended. The outcome says how; a changed amount is recorded by its own ' +
    'correction (ObligationAdjusted, ObligationWaived or EntryReversed) written with it.',
  schema: z.strictObject({
    ...correctionFields,
    disputeEventId: eventIdField.describe('the ObligationDisputed it resolves'),
    resolvedOn: dateField.describe('when it was resolved'),
    outcome: z
      .enum([
        'obligation-stands',
        'obligation-adjusted',
        'obligation-waived',
        'obligation-reversed',
      ])
      .describe('how it was resolved'),
  }),
});

export const obligationAdjusted = defineEvent({
  type: 'ObligationAdjusted',
  streams: ['agreement'],
  meaning:
    'An obligation’s amount changed by a signed difference (an audit finding, an amendment, a ' +
    'resolved dispute): never an overwrite, so the original and every change stay readable and ' +
    'an adjustment plus its reversal nets to zero.',
  schema: z.strictObject({
    ...correctionFields,
    difference: nonZeroMoneyField.describe('added to the amount owed; negative to reduce it'),
    adjustedOn: dateField.describe('from when the adjusted amount applies'),
    causedByEventId: eventIdField
      .optional()
      .describe('the fact behind it, e.g. the AgreementAmended or the ObligationDisputeResolved'),
  }),
});

export const entryReversed = defineEvent({
  type: 'EntryReversed',
  streams: ['agreement', 'product'],
  meaning:
    'An earlier event of the same stream is cancelled as if it had never taken effect, as an ' +
    'exact negative: a fact posted in error (an IND recorded for the wrong product), an ' +
    'obligation that should not exist, a payment application made by mistake. The reversed ' +
    'event stays in the log; reversing an obligation’s creating event reverses the obligation. ' +
    'A reversal is not itself reversed: record the fact again instead.',
  schema: z
    .strictObject({
      agreementId: agreementIdField.optional().describe('in an agreement stream'),
      productId: productIdField.optional().describe('in a product stream'),
      reversedEventId: eventIdField.describe('the event reversed'),
      reversedEventType: z.string().min(1).max(200).describe('its type, for readers'),
      reason: textField.describe('why'),
    })
    .superRefine((event, ctx) => {
      if ((event.agreementId === undefined) === (event.productId === undefined))
        ctx.addIssue({
          code: 'custom',
          message: 'names its stream: exactly one of agreementId and productId',
          path: [],
        });
      if (event.reversedEventType === 'EntryReversed')
        ctx.addIssue({
          code: 'custom',
          message: 'a reversal is not reversed: record the fact again',
          path: ['reversedEventType'],
        });
    }),
});
