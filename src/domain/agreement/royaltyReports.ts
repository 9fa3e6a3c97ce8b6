import { DomainError } from '../domainError';
import { isBefore } from '../dates';
import { parseMoney } from '../money';
import type {
  RoyaltyCountryFacts,
  RoyaltyReport,
  RoyaltyStatementTerms,
} from '../royalties/royaltyReport';
import { computeRoyaltyStatement } from '../royalties/royaltyStatement';
import type { RoyaltyStatement } from '../royalties/royaltyStatementLine';
import type { RoyaltyYearToDate } from '../royalties/royaltyYearToDate';
import { periodLabel, type SalesPeriod } from '../royalties/salesPeriod';
import { sameTierYear, tierYearOfPeriod } from '../royalties/tierYear';
import type { AgreementState, ReportedNetSales, TermsVersion } from './agreementState';
import type { AgreementTerms, RoyaltyClause } from './terms';
import { termsAt } from './termsAt';

/** A royalty clause as the terms in force at a period's start price it. */
export interface ClauseInForce {
  readonly version: TermsVersion;
  readonly clause: RoyaltyClause;
  readonly statementTerms: RoyaltyStatementTerms;
}

/**
 * The clause `clause.clauseId` of the terms in force at the period's start: each period is priced
 * with its own terms, so an amendment reprices only the periods after its effective date. When
 * those terms have no such clause, the clause and terms given price it.
 */
export function clauseInForce(
  state: AgreementState,
  clause: RoyaltyClause,
  given: TermsVersion,
  period: SalesPeriod,
): ClauseInForce {
  const inForce = termsAt(state, period.from);
  const found = inForce.terms.royalties.find((c) => c.clauseId === clause.clauseId);
  const version = found === undefined ? given : inForce;
  const priced = found ?? clause;
  return {
    version,
    clause: priced,
    statementTerms: {
      clause: priced,
      rounding: version.terms.rounding,
      paymentCurrency: version.terms.paymentCurrency,
    },
  };
}

/** The lines of a report one royalty clause covers, as the royalty engine reads them. */
export function royaltyReportFor(
  state: AgreementState,
  clause: RoyaltyClause,
  reported: Pick<ReportedNetSales, 'period' | 'lines'>,
): RoyaltyReport {
  const covers = (line: { productId: string; country: string }) =>
    clause.productIds.includes(line.productId) &&
    (clause.countries.includes('*') || clause.countries.includes(line.country));
  const thirdParty = state.thirdPartyRoyalties.get(periodLabel(reported.period));
  return {
    period: reported.period,
    lines: reported.lines.filter(covers).map((line) => ({
      productId: line.productId,
      country: line.country,
      localNetSales: parseMoney(line.netSales),
      exchangeRate: line.exchangeRate.localUnitsPerPaymentUnit,
      ...(line.netSalesWithinRoyaltyTerm !== undefined && {
        localNetSalesWithinRoyaltyTerm: parseMoney(line.netSalesWithinRoyaltyTerm),
      }),
    })),
    thirdPartyRoyalties: (thirdParty?.lines ?? []).filter(covers).map((line) => ({
      productId: line.productId,
      country: line.country,
      royaltiesPaid: parseMoney(line.amount),
    })),
  };
}

/**
 * The clause's statements of the tier year before `period`, recomputed from the reports recorded
 * (latest version of each), each priced with the terms in force then, with the facts given: the year to date the cumulative method starts
 * from. The facts that price a line (first sales, Valid Claims, generic entries) live in product
 * streams, so they come with the command rather than from this state.
 */
export function statementsBefore(
  state: AgreementState,
  version: TermsVersion,
  clause: RoyaltyClause,
  period: SalesPeriod,
  facts: readonly RoyaltyCountryFacts[],
): RoyaltyStatement[] {
  const tierYear = tierYearOfPeriod(clause.tierYear, period);
  const earlier = [...state.netSalesReports.values()]
    .filter(
      (r) =>
        isBefore(r.period.to, period.from) &&
        sameTierYear(tierYearOfPeriod(clause.tierYear, r.period), tierYear),
    )
    .sort((a, b) => (isBefore(a.period.from, b.period.from) ? -1 : 1));
  const statements: RoyaltyStatement[] = [];
  let yearToDate: RoyaltyYearToDate | undefined;
  for (const reported of earlier) {
    const priced = clauseInForce(state, clause, version, reported.period);
    const statement = computeRoyaltyStatement({
      terms: priced.statementTerms,
      report: royaltyReportFor(state, priced.clause, reported),
      facts,
      ...(yearToDate && { yearToDate }),
    });
    statements.push(statement);
    yearToDate = statement.yearToDateAfter;
  }
  return statements;
}

export function requireLicensedProducts(
  terms: AgreementTerms,
  lines: readonly { productId: string }[],
): void {
  lines.forEach((line, index) => {
    if (!terms.products.some((p) => p.productId === line.productId)) {
      throw new DomainError(
        'unknown-product',
        `${line.productId} is not a product licensed by this agreement`,
        `/lines/${index}/productId`,
      );
    }
  });
}
