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
      const bands = { fromAmount: formatMoney(slice.from), toAmount: formatMoney(slice.to) };
      const royaltyExact = exactDecimal(majorOf(slice.royalty));
      if (slice.kind === 'true-up') {
        // The year's earlier sales, repriced at the change of rate.
        return {
          kind: 'true-up' as const,
          ...bands,
          rateChangePercent: percentOf(slice.rate),
          netSalesExact: exactDecimal(
            isZero(slice.rate) ? ratio(0n) : divide(majorOf(slice.royalty), slice.rate),
          ),
          royaltyExact,
        };
      }
      // The line's share of the slice: its sales x the slice's width / the product's sales.
      const width = slice.to.amountMinor - slice.from.amountMinor;
      const sharedMinor =
        productSales === 0n
          ? ratio(line.royaltyBearingNetSales.amountMinor)
          : ratio(line.royaltyBearingNetSales.amountMinor * width, productSales);
      return {
        kind: 'sales' as const,
        ...bands,
        ratePercent: percentOf(slice.rate),
        netSalesExact: exactDecimal(
          majorOf({ amountMinor: sharedMinor, currency: paymentCurrency }),
        ),
        royaltyExact,
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
