import { dateOf, isBefore } from '../dates';
import { DomainError } from '../domainError';
import { formatMoney, money, sum } from '../money';
import { dueOnOf } from '../payments/dueOn';
import {
  minimumAnnualRoyaltyShortfall,
  minimumRoyaltyYearRule,
} from '../royalties/minimumAnnualRoyalty';
import { sameTierYear, tierYearOf } from '../royalties/tierYear';
import { emit, type AgreementEvent } from './agreementEvent';
import type { AgreementState } from './agreementState';
import type { CommandOf } from './commands';
import { requireInForceOn, signedAgreementId } from './guards';
import { amountDueOf } from './obligation';
import { termsAt } from './termsAt';

/**
 * After a royalty year ends, a minimum annual royalty not reached leaves a shortfall due N days
 * after the year end: the minimum less the year's royalties, net of corrections. Once per year.
 */
export function assessYearEnd(
  command: CommandOf<'AssessYearEnd'>,
  state: AgreementState,
): AgreementEvent[] {
  const agreementId = signedAgreementId(state);
  const probe = termsAt(state, dateOf(command.year, 12, 31));
  const rule = minimumRoyaltyYearRule(probe.terms);
  const endsOn =
    rule.kind === 'calendar'
      ? dateOf(command.year, 12, 31)
      : dateOf(command.year, Number(rule.endsOn.slice(0, 2)), Number(rule.endsOn.slice(3)));
  const year = tierYearOf(rule, endsOn);
  const version = termsAt(state, year.endsOn);
  const minimum = version.terms.minimumAnnualRoyalty;
  if (minimum === undefined) return [];
  if (!isBefore(year.endsOn, command.asOf)) {
    throw new DomainError(
      'year-not-ended',
      `the royalty year ${year.label} ends on ${year.endsOn}`,
      '/year',
    );
  }
  // A year that begins after the termination is not a royalty year of this agreement.
  requireInForceOn(state, year.startsOn, '/year');
  if (state.assessedYears.has(year.label)) {
    throw new DomainError(
      'year-already-assessed',
      `the minimum royalty of ${year.label} was already assessed`,
      '/year',
    );
  }
  const royalties = [...state.obligations.values()].filter(
    (o) => o.kind === 'royalty' && !o.reversed && sameTierYear(tierYearOf(rule, o.arisesOn), year),
  );
  const net = sum(royalties.map(amountDueOf), version.terms.paymentCurrency);
  // A year of net credits (returns exceeding sales) counts as no royalties: the minimum is what is
  // owed, not more; the event records the same clamped figure its shortfall is computed from.
  const accrued = net.amountMinor < 0n ? money(0n, net.currency) : net;
  const shortfall = minimumAnnualRoyaltyShortfall({ minimum, year, royaltiesAccrued: accrued });
  if (shortfall.amountMinor <= 0n) return [];
  return [
    emit(
      command.idFor(`MinimumRoyaltyShortfallAssessed:${year.label}`),
      'MinimumRoyaltyShortfallAssessed',
      {
        agreementId,
        termsEventId: version.termsEventId,
        causedByEventId: null,
        dueOn:
          dueOnOf(minimum.payment, { periodEndsOn: year.endsOn, achievedOn: year.endsOn }) ?? null,
        year: year.label,
        yearPeriod: { from: year.startsOn, to: year.endsOn },
        minimum: formatMoney(minimum.amount),
        royaltiesAccrued: formatMoney(accrued),
        shortfall: formatMoney(shortfall),
        royaltyObligationIds: royalties.map((o) => o.obligationId),
      },
    ),
  ];
}
