import { DomainError } from '../domainError';
import { periodLabel } from '../royalties/salesPeriod';
import { emit, type AgreementEvent } from './agreementEvent';
import type { AgreementState, ReportedNetSales } from './agreementState';
import type { CommandOf } from './commands';
import { requireInForceOn, signedAgreementId } from './guards';
import { royaltyDifferencesAccrued } from './royaltyDifferencesAccrued';
import { requireLicensedProducts } from './royaltyReports';
import { salesMilestonesOfRestatement } from './salesMilestonesOfRestatement';
import { termsAt } from './termsAt';
import { commandPeriod } from './commandPeriod';

/**
 * A restatement: the corrected report of an already reported period, recorded as a new entry
 * naming the report it corrects, then a RoyaltyAccrued for each statement line whose royalty
 * changes, for the exact difference between the corrected royalty and what was accrued for that
 * line so far (negative: a credit). With the cumulative method the later periods of the same tier
 * year rest on the restated one, so they are recomputed too and accrue their own differences.
 * Sales milestones the corrected sales first cross are triggered; a milestone already triggered
 * stays triggered when the corrected sales fall back below its threshold (milestones are payable
 * once, on first achievement, and are not refundable).
 */
export function restateNetSales(
  command: CommandOf<'RestateNetSales'>,
  state: AgreementState,
): AgreementEvent[] {
  const agreementId = signedAgreementId(state);
  const period = commandPeriod(command.period);
  requireInForceOn(state, period.from, '/period');
  const restated = state.netSalesReports.get(periodLabel(period));
  if (restated === undefined) {
    throw new DomainError(
      'period-not-reported',
      `net sales of ${periodLabel(period)} were never reported: report them first`,
      '/period',
    );
  }
  if (restated.eventId !== command.restatesEventId) {
    throw new DomainError(
      'not-the-latest-report',
      `the latest report of ${periodLabel(period)} is ${restated.eventId}: a restatement corrects that one`,
      '/restatesEventId',
    );
  }
  const version = termsAt(state, period.from);
  const { terms } = version;
  requireLicensedProducts(terms, command.lines);
  const restatementId = command.idFor('NetSalesRestated');
  const { type: _type, now: _now, actor: _actor, idFor, facts, ...fields } = command;
  const restatement = emit(restatementId, 'NetSalesRestated', {
    ...fields,
    agreementId,
    paymentCurrency: terms.paymentCurrency,
  });
  if (restatement.type !== 'NetSalesRestated') return [restatement];
  const corrected: ReportedNetSales = {
    eventId: restatementId,
    period,
    lines: restatement.data.lines,
  };
  return [
    restatement,
    ...terms.royalties.flatMap((clause) =>
      royaltyDifferencesAccrued({
        state,
        version,
        clause,
        corrected,
        causedByEventId: restatementId,
        facts,
        idFor,
      }),
    ),
    ...salesMilestonesOfRestatement(state, corrected, idFor),
  ];
}
