import { DomainError } from '../domainError';
import { royaltyDifferences, type RoyaltyAdjustment } from './royaltyAdjustment';
import type { RoyaltyCountryFacts, RoyaltyReport, RoyaltyStatementTerms } from './royaltyReport';
import { computeRoyaltyStatement } from './royaltyStatement';
import type { RoyaltyStatement } from './royaltyStatementLine';
import type { RoyaltyYearToDate } from './royaltyYearToDate';
import { periodLabel, samePeriod, type SalesPeriod } from './salesPeriod';

export interface RoyaltyRestatementInput {
  readonly terms: RoyaltyStatementTerms;
  /** The terms each period is priced with, when an amendment changed them: `terms` otherwise. */
  readonly termsOf?: (period: SalesPeriod) => RoyaltyStatementTerms;
  readonly facts: readonly RoyaltyCountryFacts[];
  /** The year to date before the first restated period (the statement before it's `yearToDateAfter`). */
  readonly yearToDateBefore?: RoyaltyYearToDate;
  /**
   * The statements accrued from the restated period on, in order, through the latest period
   * accrued in its tier year: later periods' tiers rest on the restated one.
   */
  readonly accrued: readonly RoyaltyStatement[];
  /** The reports for the same periods, corrected where restated, as reported elsewhere. */
  readonly reports: readonly RoyaltyReport[];
}

export interface RoyaltyRestatement {
  /** The statements as they should have been: the record to restate from next time. */
  readonly statements: readonly RoyaltyStatement[];
  /** What to accrue now: the exact differences, line by line. */
  readonly adjustments: readonly RoyaltyAdjustment[];
  readonly yearToDateAfter: RoyaltyYearToDate | undefined;
}

/**
 * A restated report accrues only differences. With the cumulative method a period's royalties
 * rest on the year's earlier sales, so the restated period and every later period of its tier
 * year are recomputed (with the facts as known now) and compared line by line with what was
 * accrued; accrued + adjustments = the recomputed statements, to the cent.
 */
export function restateRoyalties(input: RoyaltyRestatementInput): RoyaltyRestatement {
  const { accrued, reports } = input;
  if (
    accrued.length !== reports.length ||
    accrued.some((statement, index) => !samePeriodAt(statement, reports[index]))
  ) {
    throw new DomainError(
      'restatement-periods-mismatch',
      `a restatement recomputes the accrued periods ${accrued.map((statement) => periodLabel(statement.period)).join(', ')}, ` +
        `one report for each, in order; got ${reports.map((report) => periodLabel(report.period)).join(', ')}`,
    );
  }
  const statements: RoyaltyStatement[] = [];
  let yearToDate = input.yearToDateBefore;
  for (const report of reports) {
    const statement = computeRoyaltyStatement({
      terms: input.termsOf?.(report.period) ?? input.terms,
      report,
      facts: input.facts,
      ...(yearToDate && { yearToDate }),
    });
    statements.push(statement);
    yearToDate = statement.yearToDateAfter;
  }
  return {
    statements,
    adjustments: royaltyDifferences(
      accrued.flatMap((statement) => statement.lines),
      statements.flatMap((statement) => statement.lines),
      input.terms.paymentCurrency,
    ),
    yearToDateAfter: yearToDate,
  };
}

function samePeriodAt(statement: RoyaltyStatement, report: RoyaltyReport | undefined): boolean {
  return report !== undefined && samePeriod(statement.period, report.period);
}
