import { z } from 'zod';
import { dateField, periodField } from './dateField';
import { defineEvent } from './eventDefinition';
import { agreementIdField, productIdField, referenceField, textField } from './idFields';
import { currencyField, nonNegativeMoneyField, requireCurrency } from './moneyField';
import { countryField } from './placeFields';

export const thirdPartyRoyaltiesReported = defineEvent({
  type: 'ThirdPartyRoyaltiesReported',
  streams: ['agreement'],
  meaning:
    'The licensee reported the royalties it paid third parties for the same product and ' +
    'period (licences it needed to sell the product). Royalty clauses with third-party ' +
    'stacking deduct a share of them, down to a floor. Amounts are in the payment currency, ' +
    'converted by the licensee as its net sales are, because the offset is taken from a ' +
    'royalty in that currency. Reported after the period’s net sales, the period’s royalties ' +
    '(and those of the later periods of its tier year that rest on them) are recomputed with ' +
    'them and the exact differences accrued, caused by this event, as for a restatement.',
  schema: z
    .strictObject({
      agreementId: agreementIdField,
      reportReference: referenceField.optional().describe('the licensee’s statement number'),
      period: periodField.describe('the royalty period the payments relate to'),
      reportedOn: dateField.describe('when the licensee delivered the report'),
      paymentCurrency: currencyField.describe('the agreement’s payment currency'),
      lines: z
        .array(
          z.strictObject({
            productId: productIdField,
            country: countryField,
            thirdParty: textField.describe('who was paid'),
            amount: nonNegativeMoneyField.describe('royalties paid, in the payment currency'),
          }),
        )
        .describe('what was paid to whom, per product and country'),
    })
    .superRefine((report, ctx) =>
      requireCurrency(
        ctx,
        report.paymentCurrency,
        report.lines.map((line, index) => [['lines', index, 'amount'], line.amount]),
      ),
    ),
});
