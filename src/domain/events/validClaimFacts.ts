import { z } from 'zod';
import { dateField, requireOnOrBefore } from './dateField';
import { defineEvent } from './eventDefinition';
import { productIdField, referenceField, textField } from './idFields';
import { countryField } from './placeFields';

// Whether a Valid Claim (a live patent claim) covers the product in a country decides the royalty
// rate there and how long the royalty term lasts. Two past-tense facts rather than a
// "ValidClaimStatusChanged": STYLE.md asks for what happened in the business, and the two carry
// different details (a scheduled expiry, a cause).

const claimFields = {
  productId: productIdField,
  country: countryField,
  claimReference: referenceField.describe(
    'the patent and claim, e.g. "US 7,374,762 claim 1"; one claim per event',
  ),
};

export const validClaimCoverageStarted = defineEvent({
  type: 'ValidClaimCoverageStarted',
  streams: ['product'],
  meaning:
    'A Valid Claim covers the product in a country from `coveredFrom`: a patent was granted, a ' +
    'claim was reinstated, or (at signing) an existing claim is recorded.',
  schema: z
    .strictObject({
      ...claimFields,
      coveredFrom: dateField.describe('from when the claim covers the product'),
      basis: z
        .enum(['existing-at-signing', 'granted', 'reinstated'])
        .describe('why the claim covers the product from that day'),
      scheduledExpiryOn: dateField
        .optional()
        .describe('when the patent is due to expire, if known (it bounds the royalty term)'),
    })
    .superRefine((event, ctx) =>
      requireOnOrBefore(
        ctx,
        event.coveredFrom,
        event.scheduledExpiryOn,
        ['scheduledExpiryOn'],
        'a claim expires after it starts covering',
      ),
    ),
});

export const validClaimCoverageEnded = defineEvent({
  type: 'ValidClaimCoverageEnded',
  streams: ['product'],
  meaning:
    'A Valid Claim stopped covering the product in a country on `endedOn`: the patent ' +
    'expired, or the claim was invalidated, held unenforceable, abandoned or lapsed. When no ' +
    'other claim covers the product there, the no-valid-claim rate applies and the royalty term ' +
    'may end.',
  schema: z.strictObject({
    ...claimFields,
    endedOn: dateField.describe('the first day the claim no longer covers the product'),
    cause: z
      .enum(['expired', 'invalidated', 'held-unenforceable', 'abandoned', 'lapsed', 'other'])
      .describe('why the claim stopped covering the product'),
    description: textField.optional().describe('e.g. the court or patent office decision'),
  }),
});
