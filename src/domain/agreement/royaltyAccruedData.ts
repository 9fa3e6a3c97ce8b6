import type { CurrencyCode } from '../currency';
import { minorUnitsOf } from '../currency';
import type { EventDataInput } from '../events/catalogue';
import { formatMoney, fromMajorUnits, money, type Money } from '../money';
import { divide, isZero, multiply, ratio, type Ratio } from '../ratio';
import type { RoundingMode } from '../rounding';
import type { ExactAmount } from '../royalties/exactAmount';
import type { AppliedReduction } from '../royalties/royaltyReductions';
import type { SalesPeriod } from '../royalties/salesPeriod';
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
  /** The ThirdPartyRoyaltiesReported of a period, which a stacking reduction names. */
  readonly thirdPartyReportIdOf: (period: SalesPeriod) => string | undefined;
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
        // An earlier period's sales, repriced at the change of rate with that period's reductions.
        const { truedUp } = slice;
        return {
          kind: 'true-up' as const,
          ...bands,
          rateChangePercent: percentOf(slice.rate),
          netSalesExact: exactDecimal(
            isZero(slice.rate) ? ratio(0n) : divide(majorOf(slice.royalty), slice.rate),
          ),
          royaltyExact,
          repricedPeriod: truedUp?.period ?? null,
          reductions: reductionsOf(truedUp?.reductions ?? [], truedUp?.period),
          royaltyAfterReductionsExact: truedUp ? exactDecimal(majorOf(truedUp.royalty)) : null,
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
    reductions: reductionsOf(line.reductions, line.period),
    roundingMode: rounding,
    yearToDate: {
      royaltyExactBefore: exactDecimal(majorOf(line.royaltyYearToDateBefore)),
      royaltyExactAfter: exactDecimal(majorOf(line.royaltyYearToDateAfter)),
      productRoyaltyExactBefore: exactDecimal(majorOf(line.productRoyaltyYearToDateBefore)),
      productRoyaltyExactAfter: exactDecimal(majorOf(line.productRoyaltyYearToDateAfter)),
      royaltyRoundedBefore: formatMoney(line.royaltyYearToDateRoundedBefore),
      royaltyRoundedAfter: formatMoney(line.royaltyYearToDateRoundedAfter),
    },
  };

  function reductionsOf(
    applied: readonly AppliedReduction[],
    period: SalesPeriod | undefined,
  ): Computation['reductions'] {
    return applied.flatMap((reduction): Computation['reductions'] => {
      const amountExact = exactDecimal(majorOf(reduction.amount));
      const term = clause.reductions.find((r) => r.kind === reduction.kind);
      if (term === undefined) return [];
      switch (term.kind) {
        case 'generic-entry':
        case 'no-valid-claim':
          return [{ kind: term.kind, reductionPercent: percentOf(term.reduction), amountExact }];
        case 'third-party-stacking':
          return [
            {
              kind: term.kind,
              offsetPercent: percentOf(term.offset),
              floorPercent: percentOf(term.floor),
              thirdPartyRoyalties: formatMoney(reduction.thirdPartyRoyalties ?? nothing),
              thirdPartyReportEventId: (period && input.thirdPartyReportIdOf(period)) ?? '',
              amountExact,
            },
          ];
        default: {
          const _exhaustive: never = term;
          return _exhaustive;
        }
      }
    });
  }
}
