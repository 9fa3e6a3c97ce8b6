import type { CurrencyCode } from '../currency';
import { minorUnitsOf } from '../currency';
import type { EventDataInput } from '../events/catalogue';
import { formatMoney, fromMajorUnits, money, type Money } from '../money';
import { divide, isZero, multiply, ratio, type Ratio } from '../ratio';
import type { RoundingMode } from '../rounding';
import type { ExactAmount } from '../royalties/exactAmount';
import type { RoyaltyStatement, RoyaltyStatementLine } from '../royalties/royaltyStatementLine';
import type { RoyaltyClause } from './terms';
import { exactDecimal } from './exactDecimal';

type Computation = EventDataInput<'RoyaltyAccrued'>['computation'];

const majorOf = (amount: ExactAmount): Ratio =>
  ratio(
    amount.amountMinor.numerator,
    amount.amountMinor.denominator * 10n ** BigInt(minorUnitsOf(amount.currency)),
  );

const percentOf = (rate: Ratio): string => exactDecimal(multiply(rate, ratio(100n)));

/** How a statement line was computed, for the RoyaltyAccrued auditors read. */
export function computationOf(input: {
  readonly statement: RoyaltyStatement;
  readonly line: RoyaltyStatementLine;
  readonly clause: RoyaltyClause;
  readonly rounding: RoundingMode;
  readonly paymentCurrency: CurrencyCode;
  readonly rateDate: string;
  readonly thirdPartyReportEventId?: string;
}): Computation {
  const { statement, line, clause, rounding, paymentCurrency } = input;
  const nothing = money(0n, paymentCurrency);
  const round = (amount: ExactAmount): Money =>
    fromMajorUnits(majorOf(amount), paymentCurrency, rounding);
  const productSales =
    line.productNetSalesAfter.amountMinor - line.productNetSalesBefore.amountMinor;
  return {
    netSalesLocal: formatMoney(line.conversion?.localNetSales ?? nothing),
    exchangeRate: {
      localUnitsPerPaymentUnit: line.conversion?.exchangeRate ?? '1',
      rateDate: input.rateDate,
    },
    netSales: formatMoney(line.conversion?.netSales ?? nothing),
    validClaim: line.coveredByValidClaim,
    tierModel: clause.tierModel,
    tierYear: { from: statement.tierYear.startsOn, to: statement.tierYear.endsOn },
    yearToDateNetSalesBefore: formatMoney(line.productNetSalesBefore),
    yearToDateNetSalesAfter: formatMoney(line.productNetSalesAfter),
    tierSlices: line.tierSlices.map((slice) => {
      const width = slice.to.amountMinor - slice.from.amountMinor;
      const sliceSales =
        slice.kind === 'sales'
          ? productSales === 0n
            ? line.royaltyBearingNetSales
            : money(
                ratio(line.royaltyBearingNetSales.amountMinor * width, productSales).numerator ===
                  0n
                  ? 0n
                  : roundedShare(line.royaltyBearingNetSales.amountMinor * width, productSales),
                paymentCurrency,
              )
          : isZero(slice.rate)
            ? nothing
            : fromMajorUnits(divide(majorOf(slice.royalty), slice.rate), paymentCurrency, rounding);
      return {
        fromAmount: formatMoney(slice.from),
        toAmount: formatMoney(slice.to),
        ratePercent: percentOf(slice.rate),
        netSales: formatMoney(sliceSales),
        royaltyExact: exactDecimal(majorOf(slice.royalty)),
      };
    }),
    royaltyBeforeReductions: formatMoney(round(line.royaltyBeforeReductions)),
    reductions: line.reductions.flatMap((applied): Computation['reductions'] => {
      const amountExact = exactDecimal(majorOf(applied.amount));
      const reduction = clause.reductions.find((r) => r.kind === applied.kind);
      if (reduction === undefined) return [];
      switch (reduction.kind) {
        case 'generic-entry':
        case 'no-valid-claim':
          return [
            { kind: reduction.kind, reductionPercent: percentOf(reduction.reduction), amountExact },
          ];
        case 'third-party-stacking':
          return [
            {
              kind: reduction.kind,
              offsetPercent: percentOf(reduction.offset),
              floorPercent: percentOf(reduction.floor),
              thirdPartyRoyalties: formatMoney(applied.thirdPartyRoyalties ?? nothing),
              thirdPartyReportEventId: input.thirdPartyReportEventId ?? '',
              amountExact,
            },
          ];
        default: {
          const _exhaustive: never = reduction;
          return _exhaustive;
        }
      }
    }),
    roundingMode: rounding,
  };
}

/** a / b to the nearest integer, halves away from zero (for display only). */
function roundedShare(a: bigint, b: bigint): bigint {
  const negative = a < 0n !== b < 0n;
  const [x, y] = [a < 0n ? -a : a, b < 0n ? -b : b];
  const quotient = (2n * x + y) / (2n * y);
  return negative ? -quotient : quotient;
}
