import { z } from 'zod';
import { dateOf, endOfMonth } from '../dates';
import { DomainError } from '../domainError';
import { dateField } from './dateField';
import { positiveDecimalField } from './decimalField';
import { defineEvent, defineUpcaster } from './eventDefinition';
import { agreementIdField, productIdField } from './idFields';
import { currencyField, moneyField } from './moneyField';
import { checkNetSalesLines, netSalesReportFields } from './netSalesLines';
import { countryField } from './placeFields';

/**
 * Version 1, as the first integrations posted it: calendar quarters only, and one exchange rate
 * per local currency for the whole report, all of one date. Licensees with fiscal quarters, and
 * reports converting each country at its own rate date, did not fit: version 2 has a period of
 * dates and an exchange rate (with its date) on every line.
 */
export const netSalesReportedV1Schema = z.strictObject({
  agreementId: agreementIdField,
  year: z.number().int().min(1900).max(2200).describe('the calendar year'),
  quarter: z.number().int().min(1).max(4).describe('the calendar quarter, 1 to 4'),
  reportedOn: dateField.describe('when the licensee delivered the report'),
  paymentCurrency: currencyField.describe('the agreement’s payment currency'),
  rateDate: dateField.describe('the date of every rate of the report'),
  exchangeRates: z
    .record(z.string().regex(/^[A-Z]{3}$/), positiveDecimalField)
    .describe('units of each local currency per unit of the payment currency: {"EUR": "0.9215"}'),
  lines: z
    .array(
      z.strictObject({
        productId: productIdField,
        country: countryField,
        netSales: moneyField.describe('net sales in the local currency'),
      }),
    )
    .describe('one line per product and country'),
});

const upcastV1 = defineUpcaster({
  fromVersion: 1,
  schema: netSalesReportedV1Schema,
  upcast: (v1) => ({
    agreementId: v1.agreementId,
    period: {
      from: dateOf(v1.year, v1.quarter * 3 - 2, 1),
      to: endOfMonth(v1.year, v1.quarter * 3),
    },
    reportedOn: v1.reportedOn,
    paymentCurrency: v1.paymentCurrency,
    lines: v1.lines.map((line, index) => {
      const { currency } = line.netSales;
      const rate = currency === v1.paymentCurrency ? '1' : v1.exchangeRates[currency];
      if (rate === undefined) {
        throw new DomainError(
          'invalid-event-data',
          `the report has no exchange rate for ${currency}`,
          `/lines/${index}/netSales/currency`,
        );
      }
      return { ...line, exchangeRate: { localUnitsPerPaymentUnit: rate, rateDate: v1.rateDate } };
    }),
  }),
});

export const netSalesReported = defineEvent({
  type: 'NetSalesReported',
  schemaVersion: 2,
  upcasters: [upcastV1],
  streams: ['agreement'],
  meaning:
    'The licensee delivered its periodic royalty report: for one period, per product and ' +
    'country, net sales in the local currency and the exchange rate to the payment currency. ' +
    'The royalty decider accrues royalties from it line by line (convert and round, then apply ' +
    'the rate and round). Version 1 had calendar quarters and one rate per currency per report; ' +
    'it is upcast to version 2.',
  schema: z.strictObject(netSalesReportFields).superRefine(checkNetSalesLines),
});
