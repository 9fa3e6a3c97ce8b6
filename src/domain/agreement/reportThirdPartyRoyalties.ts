import { DomainError } from '../domainError';
import { emit, type AgreementEvent } from './agreementEvent';
import type { AgreementState } from './agreementState';
import type { CommandOf } from './commands';
import { signedAgreementId } from './guards';
import { requireLicensedProducts } from './royaltyReports';
import { currentTerms } from './termsAt';

/**
 * Royalties the licensee paid third parties, which stacking clauses offset. They must come before
 * the period's net sales: royalties already accrued are corrected by a restatement.
 */
export function reportThirdPartyRoyalties(
  command: CommandOf<'ReportThirdPartyRoyalties'>,
  state: AgreementState,
): AgreementEvent[] {
  const agreementId = signedAgreementId(state);
  const { terms } = currentTerms(state);
  requireLicensedProducts(terms, command.lines);
  const label = `${command.period.from}..${command.period.to}`;
  if (state.netSalesReports.has(label)) {
    throw new DomainError(
      'net-sales-already-reported',
      `royalties of ${label} are accrued: report third-party royalties before the net sales, or restate`,
      '/period',
    );
  }
  if (state.thirdPartyRoyalties.has(label)) {
    throw new DomainError(
      'period-already-reported',
      `third-party royalties of ${label} were already reported`,
      '/period',
    );
  }
  const { type: _type, now: _now, actor: _actor, idFor, ...fields } = command;
  return [
    emit(idFor('ThirdPartyRoyaltiesReported'), 'ThirdPartyRoyaltiesReported', {
      ...fields,
      agreementId,
      paymentCurrency: terms.paymentCurrency,
    }),
  ];
}
