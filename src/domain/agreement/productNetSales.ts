import { convertNetSales } from '../royalties/fxConversion';
import { add, money, parseMoney, type Money } from '../money';
import type { ReportedNetSales } from './agreementState';
import type { AgreementTerms } from './terms';

/**
 * A product's net sales in a report, in the payment currency, each line converted and rounded as
 * its royalty is: what sales milestone thresholds are compared with.
 */
export function productNetSalesOf(
  terms: Pick<AgreementTerms, 'paymentCurrency' | 'rounding'>,
  report: Pick<ReportedNetSales, 'lines'>,
  productId: string,
): Money {
  return report.lines
    .filter((line) => line.productId === productId)
    .map(
      (line) =>
        convertNetSales({
          localNetSales: parseMoney(line.netSales),
          exchangeRate: line.exchangeRate.localUnitsPerPaymentUnit,
          paymentCurrency: terms.paymentCurrency,
          rounding: terms.rounding,
        }).netSales,
    )
    .reduce(add, money(0n, terms.paymentCurrency));
}
