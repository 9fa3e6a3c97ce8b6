import { add, money, sum, type Money } from '../money';
import { addExact, exactZero, isZeroExact, sumExact } from './exactAmount';
import { lineCircumstances } from './lineCircumstances';
import { royaltyBaseOfLine, type LineRoyaltyBase } from './lineRoyaltyBase';
import { lineTierRoyalty } from './lineTierRoyalty';
import type { PricedSales } from './pricedSales';
import { applyReductions } from './royaltyReductions';
import {
  lineKey,
  type RoyaltyCountryFacts,
  type RoyaltyReport,
  type RoyaltyStatementTerms,
} from './royaltyReport';
import {
  checkClauseCurrency,
  checkReportLines,
  factsByLine,
  thirdPartyRoyaltiesByLine,
} from './royaltyReportChecks';
import type { RoyaltyStatement } from './royaltyStatementLine';
import { roundStatementLines, type UnroundedStatementLine } from './royaltyStatementRounding';
import {
  advanceYearToDate,
  productNetSalesYearToDate,
  yearToDateForPeriod,
  type RoyaltyYearToDate,
  type YearToDateLine,
} from './royaltyYearToDate';
import { tierYearOfPeriod } from './tierYear';
import { wholeSalesTrueUps } from './wholeSalesTrueUp';

export interface RoyaltyStatementInput {
  readonly terms: RoyaltyStatementTerms;
  readonly report: RoyaltyReport;
  /** The clause's year to date before the period: the previous statement's `yearToDateAfter`. */
  readonly yearToDate?: RoyaltyYearToDate;
  /** First commercial sales, Valid Claims and generic entries per product and country. */
  readonly facts: readonly RoyaltyCountryFacts[];
}

/**
 * A period's royalties under one clause, line by line (product x country), with DOMAIN.md's
 * rules: convert each line and round; then tier and reduce exactly, and round once per line with
 * the cumulative method applied to the product: the product's exact royalty of the year to date
 * is rounded and shared out to its countries (`roundStatementLines`), and a line accrues its
 * share after the period less its share before. So a product's periods add up to its year
 * computed at once, totals are sums of rounded lines, and nothing depends on the order of the
 * report's lines. See `lineTierRoyalty` for how a product's tiers are shared out to its
 * countries, `wholeSalesTrueUps` for how a band change reprices the year's earlier sales.
 */
export function computeRoyaltyStatement(input: RoyaltyStatementInput): RoyaltyStatement {
  const { terms, report } = input;
  const { clause, paymentCurrency } = terms;
  checkClauseCurrency(terms);
  checkReportLines(terms, report.lines);
  const tierYear = tierYearOfPeriod(clause.tierYear, report.period);
  const before = yearToDateForPeriod(input.yearToDate, tierYear, report.period);
  const facts = factsByLine(input.facts);
  const thirdPartyRoyalties = thirdPartyRoyaltiesByLine(terms, report);

  const reported = report.lines.map((line, index) => ({
    productId: line.productId,
    country: line.country,
    base: royaltyBaseOfLine({
      line,
      pointer: `/lines/${index}`,
      terms,
      period: report.period,
      facts: facts.get(lineKey(line)),
    }),
  }));
  const productSales = new Map<string, { before: Money; after: Money }>();
  for (const { productId } of reported) {
    const productBefore = productNetSalesYearToDate(before, productId, paymentCurrency);
    const ofPeriod = reported
      .filter((line) => line.productId === productId)
      .map((line) => line.base.royaltyBearingNetSales);
    productSales.set(productId, {
      before: productBefore,
      after: add(productBefore, sum(ofPeriod, paymentCurrency)),
    });
  }
  // Under whole-sales bands a band change reprices the year's earlier sales of every country,
  // including those with nothing reported this period, with the reductions they bore then.
  const reportedKeys = new Set(reported.map(lineKey));
  const repricedOnly =
    clause.tierModel === 'whole-sales'
      ? before.lines
          .filter((line) => productSales.has(line.productId) && !reportedKeys.has(lineKey(line)))
          .map((line) => ({ productId: line.productId, country: line.country, base: undefined }))
      : [];
  const yearToDate = new Map(before.lines.map((line) => [lineKey(line), line]));

  const unrounded = [...reported, ...repricedOnly].map((entry) => {
    const key = lineKey(entry);
    return statementLine({
      ...entry,
      terms,
      report,
      productSales: productSales.get(entry.productId) ?? {
        before: money(0n, paymentCurrency),
        after: money(0n, paymentCurrency),
      },
      earlier: yearToDate.get(key),
      facts: facts.get(key),
      thirdPartyRoyalties: thirdPartyRoyalties.get(key) ?? money(0n, paymentCurrency),
    });
  });
  const lines = roundStatementLines({
    terms,
    period: report.period,
    before,
    lines: unrounded,
  }).filter(
    (line) =>
      line.conversion !== undefined ||
      !isZeroExact(line.royaltyExact) ||
      line.royalty.amountMinor !== 0n,
  );

  return {
    clauseId: clause.clauseId,
    period: report.period,
    tierYear,
    lines,
    total: sum(
      lines.map((line) => line.royalty),
      paymentCurrency,
    ),
    yearToDateAfter: advanceYearToDate(
      before,
      lines.map((line) => ({
        ...line,
        ...(line.pricedSales && { priced: line.pricedSales }),
      })),
      report.period.to,
    ),
  };
}

function statementLine(input: {
  readonly productId: string;
  readonly country: string;
  /** Absent on a line only repriced by a whole-sales band change. */
  readonly base: LineRoyaltyBase | undefined;
  readonly terms: RoyaltyStatementTerms;
  readonly report: RoyaltyReport;
  readonly productSales: { readonly before: Money; readonly after: Money };
  readonly earlier: YearToDateLine | undefined;
  readonly facts: RoyaltyCountryFacts | undefined;
  readonly thirdPartyRoyalties: Money;
}): UnroundedStatementLine {
  const { base, terms, productSales, earlier } = input;
  const { clause, paymentCurrency } = terms;
  const period = input.report.period;
  const own = base && ownSales({ ...input, base });
  const trueUps =
    clause.tierModel === 'whole-sales'
      ? wholeSalesTrueUps({
          clause,
          earlierSales: earlier?.sales ?? [],
          productNetSalesBefore: productSales.before,
          productNetSalesAfter: productSales.after,
        })
      : [];
  const nothing = exactZero(paymentCurrency);
  const royaltyExact = sumExact(
    [own?.reduced.royalty ?? nothing, ...trueUps.map((slice) => slice.truedUp?.royalty ?? nothing)],
    paymentCurrency,
  );
  const lastPriced = earlier?.sales[earlier.sales.length - 1];
  const yearToDateBefore = earlier?.royalty ?? nothing;
  return {
    productId: input.productId,
    country: input.country,
    period,
    ...(base && {
      conversion: base.conversion,
      ...(base.royaltyTerm && { royaltyTerm: base.royaltyTerm }),
      royaltyTermStatus: base.royaltyTermStatus,
      ...(base.withinTermConversion && { withinTermConversion: base.withinTermConversion }),
    }),
    ...(own && { pricedSales: own.priced }),
    royaltyBearingNetSales: base?.royaltyBearingNetSales ?? money(0n, paymentCurrency),
    coveredByValidClaim:
      own?.priced.circumstances.coveredByValidClaim ??
      lastPriced?.circumstances.coveredByValidClaim ??
      false,
    tierSchedule: own?.priced.tierSchedule ?? lastPriced?.tierSchedule ?? 'tiers',
    productNetSalesBefore: productSales.before,
    productNetSalesAfter: productSales.after,
    tierSlices: [...(own?.tiered.slices ?? []), ...trueUps],
    royaltyBeforeReductions: sumExact(
      [own?.tiered.royalty ?? nothing, ...trueUps.map((slice) => slice.royalty)],
      paymentCurrency,
    ),
    reductions: own?.reduced.applied ?? [],
    royaltyExact,
    royaltyYearToDateBefore: yearToDateBefore,
    royaltyYearToDateAfter: addExact(yearToDateBefore, royaltyExact),
  };
}

/** A reported line's own sales of the period: tiered, then reduced with the period's reductions. */
function ownSales(input: Parameters<typeof statementLine>[0] & { readonly base: LineRoyaltyBase }) {
  const { base, terms, productSales } = input;
  const circumstances = lineCircumstances({
    terms,
    period: input.report.period,
    facts: input.facts,
    thirdPartyRoyalties: input.thirdPartyRoyalties,
  });
  const tiered = lineTierRoyalty({
    clause: terms.clause,
    tierSchedule: circumstances.tierSchedule,
    productNetSalesBefore: productSales.before,
    productNetSalesAfter: productSales.after,
    netSales: base.royaltyBearingNetSales,
  });
  const { tierSchedule, ...reductionCircumstances } = circumstances;
  const priced: PricedSales = {
    period: input.report.period,
    netSales: base.royaltyBearingNetSales,
    tierSchedule,
    circumstances: reductionCircumstances,
  };
  return {
    priced,
    tiered,
    reduced: applyReductions(tiered.royalty, terms.clause.reductions, reductionCircumstances),
  };
}
