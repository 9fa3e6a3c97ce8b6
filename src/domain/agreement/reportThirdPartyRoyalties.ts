import { DomainError } from '../domainError';
import { emit, type AgreementEvent } from './agreementEvent';
import type { AgreementState } from './agreementState';
import type { CommandOf } from './commands';
import { evolve } from './evolve';
import { signedAgreementId } from './guards';
import { royaltyDifferencesAccrued } from './royaltyDifferencesAccrued';
import { requireLicensedProducts } from './royaltyReports';
import { currentTerms, termsAt } from './termsAt';

/**
 * Royalties the licensee paid third parties, which stacking clauses offset from the royalty of
 * the same product, country and period. Reported before the period's net sales, they are applied
 * when the net sales are. Reported after, the period's royalties are recomputed with them, like a
 * restatement, and the exact difference is accrued for each line that changes (and for the later
 * periods of the tier year whose royalties rest on it), caused by this report; that needs the
 * product facts the net sales were priced with.
 */
export function reportThirdPartyRoyalties(
  command: CommandOf<'ReportThirdPartyRoyalties'>,
  state: AgreementState,
): AgreementEvent[] {
  const agreementId = signedAgreementId(state);
  const { terms } = currentTerms(state);
  requireLicensedProducts(terms, command.lines);
  const label = `${command.period.from}..${command.period.to}`;
  if (state.thirdPartyRoyalties.has(label)) {
    throw new DomainError(
      'period-already-reported',
      `third-party royalties of ${label} were already reported`,
      '/period',
    );
  }
  const netSales = state.netSalesReports.get(label);
  const { facts } = command;
  if (netSales !== undefined && facts === undefined) {
    throw new DomainError(
      'facts-required',
      `royalties of ${label} are already accrued: recomputing them with the third-party offset ` +
        'needs the facts they were priced with (first commercial sales, Valid Claims, generic ' +
        'entries of every product and country of the period’s report); send them as `facts`',
      '/facts',
    );
  }
  const { type: _type, now: _now, actor: _actor, idFor, facts: _facts, ...fields } = command;
  const reportId = idFor('ThirdPartyRoyaltiesReported');
  const report = emit(reportId, 'ThirdPartyRoyaltiesReported', {
    ...fields,
    agreementId,
    paymentCurrency: terms.paymentCurrency,
  });
  if (netSales === undefined || facts === undefined) return [report];
  const withReport = evolve(state, report);
  const version = termsAt(withReport, netSales.period.from);
  return [
    report,
    ...version.terms.royalties.flatMap((clause) =>
      royaltyDifferencesAccrued({
        state: withReport,
        version,
        clause,
        corrected: netSales,
        causedByEventId: reportId,
        facts,
        idFor,
      }),
    ),
  ];
}
