import { addDays, compareDates, isBefore } from '../dates';
import { DomainError } from '../domainError';
import { minimumRoyaltyYearRule } from '../royalties/minimumAnnualRoyalty';
import { computeRoyaltyStatement } from '../royalties/royaltyStatement';
import { periodLabel, type SalesPeriod } from '../royalties/salesPeriod';
import { sameTierYear, tierYearOf } from '../royalties/tierYear';
import { salesMilestonesCrossed, type NetSalesPosition } from '../milestones/salesMilestones';
import { add, formatMoney, money, type Money } from '../money';
import { dueOnOf } from '../payments/dueOn';
import { emit, type AgreementEvent } from './agreementEvent';
import type { AgreementState, ReportedNetSales, TermsVersion } from './agreementState';
import type { AgreementTerms } from './terms';
import type { CommandOf } from './commands';
import { requireInForceOn, signedAgreementId } from './guards';
import { milestoneTriggered } from './milestoneTriggered';
import { productNetSalesOf } from './productNetSales';
import { computationOf } from './royaltyAccruedData';
import { requireLicensedProducts, royaltyReportFor, statementsBefore } from './royaltyReports';
import { termsAt } from './termsAt';
import { commandPeriod } from './commandPeriod';

/**
 * A net sales report: recorded, then a royalty accrued per statement line (product x country) of
 * every royalty clause that covers it, by the cumulative tier method and the FX order (convert and
 * round, then rate and round once per line), due N days after the period; and the sales milestones
 * whose threshold the report first crosses. A period is reported once: a correction is a
 * restatement.
 */
export function reportNetSales(
  command: CommandOf<'ReportNetSales'>,
  state: AgreementState,
): AgreementEvent[] {
  const agreementId = signedAgreementId(state);
  const period = commandPeriod(command.period);
  requireInForceOn(state, period.from, '/period');
  if (state.netSalesReports.has(periodLabel(period))) {
    throw new DomainError(
      'period-already-reported',
      `net sales of ${periodLabel(period)} were already reported: restate them`,
      '/period',
    );
  }
  const version = termsAt(state, period.from);
  const { terms } = version;
  requireLicensedProducts(terms, command.lines);
  requireNextPeriodOfTierYear(state, terms, period);
  const reportId = command.idFor('NetSalesReported');
  const { type: _type, now: _now, actor: _actor, idFor, facts, ...fields } = command;
  const report = emit(reportId, 'NetSalesReported', {
    ...fields,
    agreementId,
    paymentCurrency: terms.paymentCurrency,
  });
  if (report.type !== 'NetSalesReported') return [report];
  const reported: ReportedNetSales = { eventId: reportId, period, lines: report.data.lines };
  return [
    report,
    ...royaltiesAccrued(state, version, reported, facts, idFor),
    ...salesMilestones(state, version, reported, idFor),
  ];
}

/**
 * A report accrues its own period only, from the year to date of the periods before it, so the
 * periods of a tier year are reported in order and without gaps (a period without sales is a
 * report without lines): a report that skips days after the latest period reported in its tier
 * year (Q3 before Q2) is refused, as is one before a later period already reported, whose year to
 * date would then lack it. Both say which period is expected next. The first report of a tier
 * year may start on any day (sales may begin mid-year).
 */
function requireNextPeriodOfTierYear(
  state: AgreementState,
  terms: AgreementTerms,
  period: SalesPeriod,
): void {
  for (const clause of terms.royalties) {
    const year = tierYearOf(clause.tierYear, period.from);
    const ofYear = [...state.netSalesReports.values()]
      .filter((r) => sameTierYear(tierYearOf(clause.tierYear, r.period.from), year))
      .sort((a, b) => compareDates(a.period.to, b.period.to));
    const latest = ofYear[ofYear.length - 1];
    if (latest === undefined) continue;
    const expectedFrom = addDays(latest.period.to, 1);
    const expected =
      `the next period expected for the tier year ending ${year.endsOn} starts on ` +
      `${expectedFrom}, the day after ${periodLabel(latest.period)}`;
    if (isBefore(period.to, latest.period.from)) {
      throw new DomainError(
        'report-out-of-order',
        `net sales of ${periodLabel(latest.period)}, a later period of the same tier year, were ` +
          `already reported: ${expected}. The periods of a tier year are reported in order, as ` +
          'the cumulative tier royalty of each rests on the periods before it',
        '/period',
      );
    }
    if (isBefore(expectedFrom, period.from)) {
      throw new DomainError(
        'report-out-of-order',
        `${periodLabel(period)} skips ${periodLabel({ from: expectedFrom, to: addDays(period.from, -1) })}: ` +
          `${expected}. Report that period first (with no lines if it had no sales): the ` +
          'cumulative tier royalty of each period rests on the periods before it',
        '/period',
      );
    }
  }
}

function royaltiesAccrued(
  state: AgreementState,
  version: TermsVersion,
  reported: ReportedNetSales,
  facts: CommandOf<'ReportNetSales'>['facts'],
  idFor: (key: string) => string,
): AgreementEvent[] {
  const { terms } = version;
  const agreementId = signedAgreementId(state);
  return terms.royalties.flatMap((clause) => {
    const report = royaltyReportFor(state, clause, reported);
    if (report.lines.length === 0) return [];
    const earlier = statementsBefore(state, version, clause, reported.period, facts);
    const yearToDate = earlier[earlier.length - 1]?.yearToDateAfter;
    const statement = computeRoyaltyStatement({
      terms: { clause, rounding: terms.rounding, paymentCurrency: terms.paymentCurrency },
      report,
      facts,
      ...(yearToDate && { yearToDate }),
    });
    const dueOn = dueOnOf(clause.payment, { periodEndsOn: reported.period.to }) ?? null;
    return statement.lines.map((line) => {
      const rateDate =
        reported.lines.find((l) => l.productId === line.productId && l.country === line.country)
          ?.exchangeRate.rateDate ?? reported.period.to;
      return emit(
        idFor(`${reported.eventId}:${clause.clauseId}:${line.productId}:${line.country}`),
        'RoyaltyAccrued',
        {
          agreementId,
          termsEventId: version.termsEventId,
          causedByEventId: reported.eventId,
          dueOn,
          clauseId: clause.clauseId,
          period: reported.period,
          productId: line.productId,
          country: line.country,
          computation: computationOf({
            statement,
            line,
            clause,
            rounding: terms.rounding,
            paymentCurrency: terms.paymentCurrency,
            rateDate,
            thirdPartyReportIdOf: (period) =>
              state.thirdPartyRoyalties.get(periodLabel(period))?.eventId,
          }),
          royalty: formatMoney(line.royalty),
          previouslyAccrued: formatMoney(money(0n, terms.paymentCurrency)),
          amount: formatMoney(line.royalty),
        },
      );
    });
  });
}

/**
 * Each licensed product's net sales in the payment currency (converted and rounded per line, as
 * royalties are) before and after the report: of its tier year and since the first report.
 */
function salesMilestones(
  state: AgreementState,
  version: TermsVersion,
  reported: ReportedNetSales,
  idFor: (key: string) => string,
): AgreementEvent[] {
  const { terms } = version;
  if (!terms.milestones.some((clause) => clause.trigger.kind === 'net-sales')) return [];
  const rule = minimumRoyaltyYearRule(terms);
  const year = tierYearOf(rule, reported.period.from);
  const nothing = money(0n, terms.paymentCurrency);
  const salesOf = (report: Pick<ReportedNetSales, 'lines'>, productId: string): Money =>
    productNetSalesOf(terms, report, productId);
  const earlier = [...state.netSalesReports.values()];
  const inYear = (period: SalesPeriod) => sameTierYear(tierYearOf(rule, period.from), year);
  const positions: NetSalesPosition[] = terms.products
    .map(({ productId }) => {
      const cumulativeBefore = earlier.map((r) => salesOf(r, productId)).reduce(add, nothing);
      const annualBefore = earlier
        .filter((r) => inYear(r.period))
        .map((r) => salesOf(r, productId))
        .reduce(add, nothing);
      const now = salesOf(reported, productId);
      return {
        productId,
        annualBefore,
        annualAfter: add(annualBefore, now),
        cumulativeBefore,
        cumulativeAfter: add(cumulativeBefore, now),
      };
    })
    .filter((p) => p.cumulativeAfter.amountMinor !== 0n || p.cumulativeBefore.amountMinor !== 0n);
  const agreementId = signedAgreementId(state);
  return salesMilestonesCrossed(terms, state.milestoneProgress, {
    reportId: reported.eventId,
    periodEndsOn: reported.period.to,
    positions,
  }).flatMap((achievement) => milestoneTriggered(agreementId, version, achievement, idFor) ?? []);
}
