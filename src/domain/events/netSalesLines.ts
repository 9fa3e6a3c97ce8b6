import { z } from 'zod';
import { compare, ONE, parseDecimal } from '../ratio';
import { dateField, periodField } from './dateField';
import { positiveDecimalField } from './decimalField';
import { agreementIdField, productIdField, referenceField } from './idFields';
import { currencyField, moneyField, requireCurrency } from './moneyField';
import { countryField } from './placeFields';

// The licensee's royalty report: per product and country, net sales in local currency and the
// exchange rate used. Net Sales are always reported, never derived; they go to the agreement
// stream because they are a term of that agreement (its deductions, its FX rule) and the
// royalties accrued from them, and any restatement, must be decided against the same stream.

export const exchangeRateField = z
  .strictObject({
    localUnitsPerPaymentUnit: positiveDecimalField.describe(
      'units of the local currency per one unit of the payment currency, e.g. "0.9215" (EUR per USD); "1" when they are the same',
    ),
    rateDate: dateField.describe('the date of the rate, per the agreement’s FX rule'),
  })
  .describe('the exchange rate the line is converted at');

export const netSalesLineField = z.strictObject({
  productId: productIdField,
  country: countryField,
  netSales: moneyField.describe(
    'net sales in the local currency; may be negative when returns exceed sales',
  ),
  exchangeRate: exchangeRateField,
  netSalesWithinRoyaltyTerm: moneyField
    .optional()
    .describe(
      'only in the period in which the country’s royalty term ends: the part of netSales made on or before its last day (the rest bears no royalty), in the local currency',
    ),
  royaltyReported: moneyField
    .optional()
    .describe('the licensee’s own royalty for the line, in the payment currency, to reconcile'),
});

export type NetSalesLine = z.output<typeof netSalesLineField>;

export const netSalesReportFields = {
  agreementId: agreementIdField,
  reportReference: referenceField.optional().describe('the licensee’s statement number'),
  period: periodField,
  reportedOn: dateField.describe('when the licensee delivered the report'),
  paymentCurrency: currencyField.describe('the agreement’s payment currency'),
  lines: z
    .array(netSalesLineField)
    .describe('one line per product and country; none for a period without sales'),
};

/**
 * A report's rules across lines: one line per product and country, a rate of exactly 1 where the
 * local currency is the payment currency, and the licensee's royalties in the payment currency.
 */
export function checkNetSalesLines(
  report: { readonly paymentCurrency: string; readonly lines: readonly NetSalesLine[] },
  ctx: z.RefinementCtx,
): void {
  const seen = new Map<string, number>();
  report.lines.forEach((line, index) => {
    const key = `${line.productId}|${line.country}`;
    const first = seen.get(key);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `a second line for ${line.productId} in ${line.country} (first: /lines/${first})`,
        path: ['lines', index],
      });
    }
    seen.set(key, index);
    if (
      line.netSales.currency === report.paymentCurrency &&
      isDecimal(line.exchangeRate.localUnitsPerPaymentUnit) &&
      compare(parseDecimal(line.exchangeRate.localUnitsPerPaymentUnit), ONE) !== 0
    ) {
      ctx.addIssue({
        code: 'custom',
        message: `sales in the payment currency ${report.paymentCurrency} convert at exactly 1`,
        path: ['lines', index, 'exchangeRate', 'localUnitsPerPaymentUnit'],
      });
    }
    requireCurrency(ctx, report.paymentCurrency, [
      [['lines', index, 'royaltyReported'], line.royaltyReported],
    ]);
    requireCurrency(ctx, line.netSales.currency, [
      [['lines', index, 'netSalesWithinRoyaltyTerm'], line.netSalesWithinRoyaltyTerm],
    ]);
  });
}

function isDecimal(text: string): boolean {
  return positiveDecimalField.safeParse(text).success;
}
