import { dateOf, isBefore } from '../dates';
import { DomainError } from '../domainError';
import { add, formatMoney, minMoney, money, negate, subtract, sum, type Money } from '../money';
import { dueOnOf } from '../payments/dueOn';
import {
  minimumAnnualRoyaltyShortfall,
  minimumRoyaltyYearRule,
} from '../royalties/minimumAnnualRoyalty';
import { sameTierYear, tierYearOf, type TierYear } from '../royalties/tierYear';
import { emit, type AgreementEvent } from './agreementEvent';
import type { AgreementState } from './agreementState';
import type { CommandOf } from './commands';
import { requireInForceOn, signedAgreementId } from './guards';
import { minimumRoyaltyOfYear } from './minimumRoyaltyOfYear';
import { amountDueOf, type Obligation } from './obligation';
import { termsAt } from './termsAt';

/**
 * After a royalty year ends, a minimum annual royalty not reached leaves a shortfall due N days
 * after the year end: the minimum (pro-rated in the year of the termination) less the year's
 * royalties, net of corrections. Assessed again, the year is trued up to what its royalties now
 * are, so that royalties + shortfall = max(minimum, royalties) exactly: nothing new when nothing
 * changed, a further assessment for a higher shortfall, the earlier assessments adjusted down for
 * a lower one (a paid one leaves a credit).
 */
export function assessYearEnd(
  command: CommandOf<'AssessYearEnd'>,
  state: AgreementState,
): AgreementEvent[] {
  const agreementId = signedAgreementId(state);
  const year = royaltyYearNamed(state, command.year);
  if (year === undefined) return [];
  if (!isBefore(year.endsOn, command.asOf)) {
    throw new DomainError(
      'year-not-ended',
      `the royalty year ${year.label} ends on ${year.endsOn}`,
      '/year',
    );
  }
  // A year that begins after the termination is not a royalty year of this agreement.
  requireInForceOn(state, year.startsOn, '/year');
  return shortfallTrueUp(state, agreementId, year, null, command.idFor);
}

/** The royalty year of that name under the minimum's year rule; none without a minimum. */
export function royaltyYearNamed(state: AgreementState, label: number): TierYear | undefined {
  const probe = termsAt(state, dateOf(label, 12, 31));
  const rule = minimumRoyaltyYearRule(probe.terms);
  const endsOn =
    rule.kind === 'calendar'
      ? dateOf(label, 12, 31)
      : dateOf(label, Number(rule.endsOn.slice(0, 2)), Number(rule.endsOn.slice(3)));
  const year = tierYearOf(rule, endsOn);
  return termsAt(state, year.endsOn).terms.minimumAnnualRoyalty === undefined ? undefined : year;
}

/**
 * What brings the year's recorded shortfall to what its royalties now leave: a
 * MinimumRoyaltyShortfallAssessed for more (naming the earlier assessments), ObligationAdjusted
 * on the latest assessments for less (each down to nothing owed at most), or nothing.
 */
export function shortfallTrueUp(
  state: AgreementState,
  agreementId: string,
  year: TierYear,
  causedByEventId: string | null,
  idFor: (key: string) => string,
): AgreementEvent[] {
  const version = termsAt(state, year.endsOn);
  const { terms } = version;
  const minimum = terms.minimumAnnualRoyalty;
  if (minimum === undefined) return [];
  const rule = minimumRoyaltyYearRule(terms);
  const royalties = [...state.obligations.values()].filter(
    (o) => o.kind === 'royalty' && !o.reversed && sameTierYear(tierYearOf(rule, o.arisesOn), year),
  );
  const net = sum(royalties.map(amountDueOf), terms.paymentCurrency);
  // A year of net credits (returns exceeding sales) counts as no royalties: the minimum is what is
  // owed, not more; the event records the same clamped figure its shortfall is computed from.
  const accrued = net.amountMinor < 0n ? money(0n, net.currency) : net;
  const ofYear = minimumRoyaltyOfYear(minimum.amount, year, state.terminatedOn, terms.rounding);
  const shortfall = minimumAnnualRoyaltyShortfall({
    minimum: { amount: ofYear.minimum, firstYear: minimum.firstYear },
    year,
    royaltiesAccrued: accrued,
  });
  const assessments = [...state.obligations.values()].filter(
    (o) => o.kind === 'minimum-royalty-shortfall' && o.arisesOn === year.startsOn,
  );
  const earlier = assessments.filter((o) => !o.reversed);
  // An adjustment of an assessment changes what was assessed; a waiver forgoes part of it, and stays.
  const assessedBefore = sum(
    earlier.map((o) => add(o.amount, o.adjustments)),
    terms.paymentCurrency,
  );
  const difference = subtract(shortfall, assessedBefore);
  const key =
    assessments.length === 0
      ? `MinimumRoyaltyShortfallAssessed:${year.label}`
      : `MinimumRoyaltyShortfallAssessed:${year.label}:${assessments.length}:${assessedBefore.amountMinor}`;
  if (difference.amountMinor < 0n) {
    return reductions(earlier, negate(difference)).map(({ assessment, reduction }) =>
      emit(idFor(`${key}:${assessment.obligationId}`), 'ObligationAdjusted', {
        agreementId,
        obligationId: assessment.obligationId,
        reason:
          `minimum royalty of ${year.label} trued up: royalties ${formatMoney(accrued).amount}, ` +
          `minimum ${formatMoney(ofYear.minimum).amount}, shortfall ${formatMoney(shortfall).amount}`,
        difference: formatMoney(negate(reduction)),
        adjustedOn: year.endsOn,
        ...(causedByEventId !== null && { causedByEventId }),
      }),
    );
  }
  if (difference.amountMinor === 0n) return [];
  return [
    emit(idFor(key), 'MinimumRoyaltyShortfallAssessed', {
      agreementId,
      termsEventId: version.termsEventId,
      causedByEventId,
      dueOn:
        dueOnOf(minimum.payment, { periodEndsOn: year.endsOn, achievedOn: year.endsOn }) ?? null,
      year: year.label,
      yearPeriod: { from: year.startsOn, to: year.endsOn },
      minimum: formatMoney(ofYear.minimum),
      ...(ofYear.proRata && {
        proRata: {
          fullMinimum: formatMoney(ofYear.proRata.fullMinimum),
          lastDayInForce: ofYear.proRata.lastDayInForce,
          daysInForce: ofYear.proRata.daysInForce,
          daysInYear: ofYear.proRata.daysInYear,
        },
      }),
      royaltiesAccrued: formatMoney(accrued),
      shortfall: formatMoney(shortfall),
      assessedBefore: formatMoney(assessedBefore),
      amount: formatMoney(difference),
      correctsEventIds: earlier.map((o) => o.obligationId),
      royaltyObligationIds: royalties.map((o) => o.obligationId),
    }),
  ];
}

/** The latest assessments first, each reduced by at most what it still owes. */
function reductions(
  assessments: readonly Obligation[],
  total: Money,
): { assessment: Obligation; reduction: Money }[] {
  let remaining = total;
  const reduced: { assessment: Obligation; reduction: Money }[] = [];
  for (const assessment of [...assessments].reverse()) {
    if (remaining.amountMinor === 0n) break;
    const owes = amountDueOf(assessment);
    if (owes.amountMinor <= 0n) continue;
    const reduction = minMoney(owes, remaining);
    reduced.push({ assessment, reduction });
    remaining = subtract(remaining, reduction);
  }
  return reduced;
}
