import { parseTerms, type RoyaltyClause, type Tier } from '../../../../src/domain/agreement/terms';
import { currencyCode } from '../../../../src/domain/currency';
import { businessDate, type BusinessDate } from '../../../../src/domain/dates';
import { parseMoney, type Money } from '../../../../src/domain/money';
import { parseDecimal, ratio, type Ratio } from '../../../../src/domain/ratio';
import type { RoundingMode } from '../../../../src/domain/rounding';
import { calendarQuarter } from '../../../../src/domain/royalties/calendarQuarter';
import type { ExactAmount } from '../../../../src/domain/royalties/exactAmount';
import type {
  RoyaltyCountryFacts,
  RoyaltyReport,
  RoyaltyReportLine,
  RoyaltyStatementTerms,
} from '../../../../src/domain/royalties/royaltyReport';
import { computeRoyaltyStatement } from '../../../../src/domain/royalties/royaltyStatement';
import type {
  RoyaltyStatement,
  RoyaltyStatementLine,
} from '../../../../src/domain/royalties/royaltyStatementLine';
import type { RoyaltyYearToDate } from '../../../../src/domain/royalties/royaltyYearToDate';
import { foundingDeal } from '../../fixtures/foundingDeal';

export const USD = currencyCode('USD');
export const d = (text: string): BusinessDate => businessDate(text);
export const usd = (amount: string): Money => parseMoney({ amount, currency: 'USD' });
export const jpy = (amount: string): Money => parseMoney({ amount, currency: 'JPY' });
export const eur = (amount: string): Money => parseMoney({ amount, currency: 'EUR' });
/** "3.5" → 7/200. */
export const percent = (text: string): Ratio => {
  const value = parseDecimal(text);
  return ratio(value.numerator, value.denominator * 100n);
};
/** An exact amount in cents, e.g. `cents('243703703.67')` for $2,437,037.0367. */
export const exactUsd = (centsText: string): ExactAmount => ({
  amountMinor: parseDecimal(centsText),
  currency: USD,
});

/** The founding deal's royalty clause 6.1, as parseTerms reads it: 3% to $250M, 3.5% to $400M, 4% above. */
export const foundingRoyaltyClause: RoyaltyClause = parseTerms(foundingDeal).royalties[0]!;
export const foundingTiers: readonly Tier[] = foundingRoyaltyClause.tiers;

/** A royalty clause for tests: the founding deal's, with the changes given. */
export function royaltyClause(changes: Partial<RoyaltyClause> = {}): RoyaltyClause {
  return { ...foundingRoyaltyClause, reductions: [], ...changes };
}

export const tiers = (...bands: readonly [string, string][]): Tier[] =>
  bands.map(([from, ratePercent]) => ({ from: usd(from), rate: percent(ratePercent) }));

/** The facts of a product in a country: sold since 2011, a Valid Claim with no end recorded. */
export function countryFacts(
  country: string,
  changes: Partial<RoyaltyCountryFacts> = {},
): RoyaltyCountryFacts {
  return {
    productId: 'biib015',
    country,
    firstCommercialSaleOn: d('2011-06-01'),
    validClaims: [{ coveredFrom: d('2008-05-06') }],
    ...changes,
  };
}

export const sale = (
  country: string,
  localNetSales: Money,
  changes: Partial<RoyaltyReportLine> = {},
): RoyaltyReportLine => ({ productId: 'biib015', country, localNetSales, ...changes });

export const termsOf = (
  clause: RoyaltyClause,
  rounding: RoundingMode = 'half-up',
): RoyaltyStatementTerms => ({ clause, rounding, paymentCurrency: USD });

/**
 * Given a clause and the facts, when the licensee reports these periods one after the other,
 * then these statements: each starts from the year to date the previous one left.
 */
export function accrue(
  terms: RoyaltyStatementTerms,
  facts: readonly RoyaltyCountryFacts[],
  reports: readonly RoyaltyReport[],
  yearToDate?: RoyaltyYearToDate,
): RoyaltyStatement[] {
  const statements: RoyaltyStatement[] = [];
  let current = yearToDate;
  for (const report of reports) {
    const statement = computeRoyaltyStatement({
      terms,
      report,
      facts,
      ...(current && { yearToDate: current }),
    });
    statements.push(statement);
    current = statement.yearToDateAfter;
  }
  return statements;
}

export const quarter = (
  year: number,
  number: number,
  lines: readonly RoyaltyReportLine[],
  thirdPartyRoyalties: RoyaltyReport['thirdPartyRoyalties'] = [],
): RoyaltyReport => ({ period: calendarQuarter(year, number), lines, thirdPartyRoyalties });

/** The line of a statement for a country. */
export function lineFor(statement: RoyaltyStatement, country: string): RoyaltyStatementLine {
  const line = statement.lines.find((candidate) => candidate.country === country);
  if (line === undefined) throw new Error(`no line for ${country} in the statement`);
  return line;
}

export const royaltiesOf = (statements: readonly RoyaltyStatement[]): Money[] =>
  statements.map((statement) => statement.total);
