import {
  addDays,
  businessDate,
  compareDates,
  isBefore,
  isOnOrBefore,
  laterOf,
  type BusinessDate,
} from '../dates';
import type { EventDataInput } from '../events/catalogue';
import { lateInterestOn, type LateInterestComputation } from '../interest/lateInterest';
import type { PrimeRateStep } from '../interest/primeRate';
import { formatMoney, money, subtract, sum, type Money } from '../money';
import { multiply, ratio, subtract as subtractRatio } from '../ratio';
import { emit, type AgreementEvent } from './agreementEvent';
import type { AgreementState } from './agreementState';
import type { CommandOf } from './commands';
import { exactDecimal } from './exactDecimal';
import { signedAgreementId } from './guards';
import { amountDueOf, type Obligation } from './obligation';
import type { LateInterest } from './terms';
import { termsAt } from './termsAt';

/**
 * Late interest on every obligation overdue at `asOf`, per the late-interest terms in force on
 * each day, from the day after its due date (or after the last day already accrued) through
 * `asOf`. The window is split wherever what bears interest changes, one LateInterestAccrued per
 * stretch (each rounded once):
 * - a payment reduces the principal from the day after it was received (a payment on the due date
 *   bears no interest, one a day late bears one day's);
 * - an amount disputed in good faith bears none from the day the dispute was raised through the
 *   day it was resolved;
 * - an amendment's late-interest terms apply from its effective date, a new prime rate from its
 *   first day.
 * The principal is the amount owed as it stands (adjustments and waivers count for every day: an
 * audit shortfall bears interest from the original due date, a waived part bears none) less what
 * was paid by that day and what was under dispute that day. Simple interest: late interest bears
 * none itself. Each accrual is due on its last day, i.e. payable on demand, since the terms give
 * interest no payment term of its own. Its id is derived from (obligation, last day), and the
 * days already accrued are never accrued again, so a repeated command records nothing new.
 */
export function accrueLateInterest(
  command: CommandOf<'AccrueLateInterest'>,
  state: AgreementState,
): AgreementEvent[] {
  const agreementId = signedAgreementId(state);
  const asOf = businessDate(command.asOf, '/asOf');
  return [...state.obligations.values()]
    .filter(
      (o) =>
        !o.reversed && o.kind !== 'late-interest' && o.dueOn !== null && isBefore(o.dueOn, asOf),
    )
    .flatMap((obligation) =>
      stretchesOf(state, obligation, asOf, command.primeRates ?? []).flatMap((stretch) => {
        const accrued = accrual(state, obligation, stretch, command.primeRates);
        if (accrued === undefined) return [];
        return [
          emit(
            command.idFor(`LateInterestAccrued:${obligation.obligationId}:${stretch.through}`),
            'LateInterestAccrued',
            { agreementId, ...accrued },
          ),
        ];
      }),
    );
}

/** Days `after` + 1 through `through`, over which the principal, terms and rate do not change. */
interface Stretch {
  readonly after: BusinessDate;
  readonly through: BusinessDate;
}

function stretchesOf(
  state: AgreementState,
  obligation: Obligation,
  asOf: BusinessDate,
  primeRates: readonly PrimeRateStep[],
): Stretch[] {
  const dueOn = obligation.dueOn as BusinessDate;
  const start = laterOf(obligation.interestAccruedThrough ?? dueOn, dueOn);
  if (!isBefore(start, asOf)) return [];
  const firstDays = [
    ...obligation.payments.map((p) => addDays(p.paidOn, 1)),
    ...obligation.disputes.flatMap((d) => [
      d.disputedOn,
      ...(d.resolvedOn === null ? [] : [addDays(d.resolvedOn, 1)]),
    ]),
    ...state.termsHistory.map((v) => v.effectiveOn),
    ...primeRates.map((step) => businessDate(step.from)),
  ]
    .filter((day) => isBefore(addDays(start, 1), day) && isOnOrBefore(day, asOf))
    .sort(compareDates)
    .filter((day, index, days) => index === 0 || days[index - 1] !== day);
  const stretches: Stretch[] = [];
  let after = start;
  for (const firstDay of firstDays) {
    const through = addDays(firstDay, -1);
    stretches.push({ after, through });
    after = through;
  }
  stretches.push({ after, through: asOf });
  return stretches;
}

type Accrued = Omit<EventDataInput<'LateInterestAccrued'>, 'agreementId'>;

function accrual(
  state: AgreementState,
  obligation: Obligation,
  stretch: Stretch,
  primeRates: readonly PrimeRateStep[] | undefined,
): Accrued | undefined {
  const firstDay = addDays(stretch.after, 1);
  const version = termsAt(state, firstDay);
  const { lateInterest } = version.terms;
  if (lateInterest === undefined) return undefined;
  const principal = principalOn(obligation, firstDay);
  if (principal.amountMinor <= 0n) return undefined;
  const computation = lateInterestOn({
    principal,
    accruesAfter: stretch.after,
    accruesThrough: stretch.through,
    terms: lateInterest,
    rounding: version.terms.rounding,
    ...(primeRates && { primeRates }),
  });
  if (computation.days === 0) return undefined;
  const payment = obligation.payments.find((p) => p.paidOn === stretch.through);
  return {
    termsEventId: version.termsEventId,
    causedByEventId: payment?.appliedByEventId ?? obligation.obligationId,
    dueOn: stretch.through,
    obligationId: obligation.obligationId,
    accruedFrom: stretch.after,
    accruedUntil: stretch.through,
    days: computation.days,
    dayCount: lateInterest.dayCount,
    rate: rateOf(lateInterest, computation),
    principal: formatMoney(principal),
    interest: formatMoney(computation.amount),
  };
}

/** What bears interest on `day`: owed, less paid before it, less disputed on it (never below 0). */
function principalOn(obligation: Obligation, day: BusinessDate): Money {
  const { currency } = obligation.amount;
  const paid = sum(
    obligation.payments.filter((p) => isBefore(p.paidOn, day)).map((p) => p.amount),
    currency,
  );
  const disputed = sum(
    obligation.disputes
      .filter(
        (d) =>
          isOnOrBefore(d.disputedOn, day) &&
          (d.resolvedOn === null || isOnOrBefore(day, d.resolvedOn)),
      )
      .map((d) => d.amount),
    currency,
  );
  const principal = subtract(subtract(amountDueOf(obligation), paid), disputed);
  return principal.amountMinor < 0n ? money(0n, currency) : principal;
}

const percentOf = (rate: Parameters<typeof multiply>[0]): string =>
  exactDecimal(multiply(rate, ratio(100n)));

function rateOf(terms: LateInterest, computation: LateInterestComputation): Accrued['rate'] {
  switch (terms.kind) {
    case 'fixed':
      return { kind: 'fixed', ratePercent: percentOf(terms.rate), per: terms.per };
    case 'prime-plus': {
      // Stretches are split at every prime rate change: one rate period each.
      const [period] = computation.periods;
      const prime =
        period === undefined ? ratio(0n) : subtractRatio(period.annualRate, terms.margin);
      return {
        kind: 'prime-plus',
        primeRatePercent: percentOf(prime),
        marginPercent: percentOf(terms.margin),
      };
    }
    default: {
      const _exhaustive: never = terms;
      return _exhaustive;
    }
  }
}
