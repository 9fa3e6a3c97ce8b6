import { isBefore } from '../dates';
import { DomainError } from '../domainError';
import { formatMoney, money } from '../money';
import { dueOnOf } from '../payments/dueOn';
import { royaltyDifferences } from '../royalties/royaltyAdjustment';
import type { RoyaltyCountryFacts, RoyaltyReport } from '../royalties/royaltyReport';
import { restateRoyalties } from '../royalties/royaltyRestatement';
import { computeRoyaltyStatement } from '../royalties/royaltyStatement';
import type { RoyaltyStatement } from '../royalties/royaltyStatementLine';
import { periodLabel, type SalesPeriod } from '../royalties/salesPeriod';
import { sameTierYear, tierYearOfPeriod } from '../royalties/tierYear';
import { emit, type AgreementEvent } from './agreementEvent';
import type { AgreementState, ReportedNetSales, TermsVersion } from './agreementState';
import { signedAgreementId } from './guards';
import { computationOf } from './royaltyAccruedData';
import { clauseInForce, royaltyReportFor, statementsBefore } from './royaltyReports';
import type { RoyaltyClause } from './terms';

/**
 * Recomputes one royalty clause's statements of a tier year from a period on, with `corrected` as
 * that period's report (a restatement's lines, or the recorded ones when something else about the
 * period changed, such as its third-party royalties) and the state as it now stands, and accrues
 * a RoyaltyAccrued for each line (product x country x period) whose royalty differs from what was
 * accrued for it so far: the exact difference, due when that period's royalty was. With the
 * cumulative method the later periods of the tier year rest on this one, so they are recomputed
 * too and accrue their own differences.
 */
export function royaltyDifferencesAccrued(input: {
  readonly state: AgreementState;
  readonly version: TermsVersion;
  readonly clause: RoyaltyClause;
  readonly corrected: ReportedNetSales;
  /** The event the differences are accrued for: the restatement or the third-party report. */
  readonly causedByEventId: string;
  readonly facts: readonly RoyaltyCountryFacts[];
  readonly idFor: (key: string) => string;
}): AgreementEvent[] {
  const { state, version, clause, corrected, causedByEventId, facts, idFor } = input;
  const { terms } = version;
  const inForce = (period: SalesPeriod) => clauseInForce(state, clause, version, period);
  const termsOf = (period: SalesPeriod) => inForce(period).statementTerms;
  const tierYear = tierYearOfPeriod(clause.tierYear, corrected.period);
  const later = [...state.netSalesReports.values()]
    .filter(
      (r) =>
        isBefore(corrected.period.to, r.period.from) &&
        sameTierYear(tierYearOfPeriod(clause.tierYear, r.period), tierYear),
    )
    .sort((a, b) => (isBefore(a.period.from, b.period.from) ? -1 : 1));
  const recorded = state.netSalesReports.get(periodLabel(corrected.period));
  if (recorded === undefined) return [];
  const earlier = statementsBefore(state, version, clause, corrected.period, facts);
  const yearToDateBefore = earlier[earlier.length - 1]?.yearToDateAfter;
  const reportOf = (reported: ReportedNetSales): RoyaltyReport =>
    withAccruedLinesAsNoSales(
      state,
      clause,
      royaltyReportFor(state, inForce(reported.period).clause, reported),
    );
  const reportsBefore = [recorded, ...later].map(reportOf);
  const reportsAfter = [corrected, ...later].map(reportOf);
  const accrued: RoyaltyStatement[] = [];
  let yearToDate = yearToDateBefore;
  for (const report of reportsBefore) {
    const statement = computeRoyaltyStatement({
      terms: termsOf(report.period),
      report,
      facts,
      ...(yearToDate && { yearToDate }),
    });
    accrued.push(statement);
    yearToDate = statement.yearToDateAfter;
  }
  const restatement = restateRoyalties({
    terms: termsOf(corrected.period),
    termsOf,
    facts,
    ...(yearToDateBefore && { yearToDateBefore }),
    accrued,
    reports: reportsAfter,
  });
  // Differences against what this agreement actually accrued for each line (every earlier
  // accrual, restatement and reversal included), not against a recomputation: the two differ
  // when the facts known today differ from those the original report was priced with.
  const periods = new Set(reportsAfter.map((r) => periodLabel(r.period)));
  const accruedLines = [...state.accruedRoyalties.values()].filter(
    (line) => line.clauseId === clause.clauseId && periods.has(periodLabel(line.period)),
  );
  const differences = royaltyDifferences(
    accruedLines,
    restatement.statements.flatMap((s) => s.lines),
    terms.paymentCurrency,
  );
  return differences.map((difference) => {
    const statement = restatement.statements.find(
      (s) => periodLabel(s.period) === periodLabel(difference.period),
    );
    const line = statement?.lines.find(
      (l) => l.productId === difference.productId && l.country === difference.country,
    );
    if (statement === undefined || line === undefined) {
      // Every line accrued before is restated (as no sales when the report leaves it out).
      throw new DomainError(
        'restatement-line-missing',
        `no restated line for ${difference.productId} in ${difference.country} in ${periodLabel(difference.period)}`,
      );
    }
    const reported = difference.period.from === corrected.period.from ? corrected : undefined;
    const source =
      reported ?? later.find((r) => periodLabel(r.period) === periodLabel(difference.period));
    const rateDate =
      source?.lines.find((l) => l.productId === line.productId && l.country === line.country)
        ?.exchangeRate.rateDate ?? difference.period.to;
    const priced = inForce(difference.period);
    return emit(
      idFor(
        `${causedByEventId}:${clause.clauseId}:${periodLabel(difference.period)}:${line.productId}:${line.country}`,
      ),
      'RoyaltyAccrued',
      {
        agreementId: signedAgreementId(state),
        termsEventId: priced.version.termsEventId,
        causedByEventId,
        // The difference belongs to the period: owed (or credited) when that period's royalty was.
        dueOn: dueOnOf(priced.clause.payment, { periodEndsOn: difference.period.to }) ?? null,
        clauseId: clause.clauseId,
        period: difference.period,
        productId: line.productId,
        country: line.country,
        computation: computationOf({
          statement,
          line,
          clause: priced.clause,
          rounding: priced.statementTerms.rounding,
          paymentCurrency: priced.statementTerms.paymentCurrency,
          rateDate,
          thirdPartyReportIdOf: (period) =>
            state.thirdPartyRoyalties.get(periodLabel(period))?.eventId,
        }),
        royalty: formatMoney(difference.restated),
        previouslyAccrued: formatMoney(difference.accrued),
        amount: formatMoney(difference.difference),
      },
    );
  });
}

/**
 * A line accrued for a period but left out of its (corrected) report is restated as no sales
 * there, so that its statement line, with the whole computation, exists to credit it against.
 */
function withAccruedLinesAsNoSales(
  state: AgreementState,
  clause: RoyaltyClause,
  report: RoyaltyReport,
): RoyaltyReport {
  const present = new Set(report.lines.map((l) => `${l.productId}|${l.country}`));
  const missing = [...state.accruedRoyalties.values()].filter(
    (line) =>
      line.clauseId === clause.clauseId &&
      periodLabel(line.period) === periodLabel(report.period) &&
      !present.has(`${line.productId}|${line.country}`),
  );
  if (missing.length === 0) return report;
  return {
    ...report,
    lines: [
      ...report.lines,
      ...missing.map((line) => ({
        productId: line.productId,
        country: line.country,
        localNetSales: money(0n, line.royalty.currency),
        exchangeRate: '1',
      })),
    ],
  };
}
