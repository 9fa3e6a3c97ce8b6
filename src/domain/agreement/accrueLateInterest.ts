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
import {
  add as addMoney,
  formatMoney,
  fromMajorUnits,
  minMoney,
  money,
  negate,
  subtract,
  sum,
  type Money,
} from '../money';
import { add, multiply, ratio, subtract as subtractRatio, ZERO, type Ratio } from '../ratio';
import { emit, type AgreementEvent } from './agreementEvent';
import type { AgreementState } from './agreementState';
import type { CommandOf } from './commands';
import { exactDecimal } from './exactDecimal';
import { signedAgreementId } from './guards';
import { amountDueOf, type Obligation } from './obligation';
import type { LateInterest } from './terms';
import { termsAt } from './termsAt';

/**
 * Late interest, accrued cumulatively. For each obligation, the exact interest owed from the day
 * after its due date through `asOf` is computed from the whole history as it stands, per the
 * late-interest terms in force on each day, split into stretches wherever what bears interest
 * changes:
 * - a payment reduces the principal from the day after it was paid (by its paid-on date, however
 *   late it was recorded; a payment on the due date bears no interest, one a day late one day's);
 * - an amount disputed in good faith bears none from the day the dispute was raised through the
 *   day it was resolved;
 * - an amendment's late-interest terms apply from its effective date, a new prime rate from its
 *   first day.
 * The principal is the amount owed as it stands (adjustments and waivers count for every day: an
 * audit shortfall bears interest from the original due date, a waived part bears none; a reversed
 * obligation owes none) less what was paid before that day and what was under dispute that day.
 * The stretches' exact interest is summed and rounded once, with the rounding of the terms in
 * force on the last day; the accrual records the difference from what the earlier accruals on the
 * obligation recorded, as adjusted since (a reversed accrual counts for nothing, and a waived part
 * still counts as accrued: to forgo interest, waive it; an adjustment is superseded by the next
 * recomputation).
 * So the total through a day is the same however often and on whichever days interest was
 * accrued before, a back-dated payment, dispute or adjustment is trued up (more owed: an accrual
 * naming the accruals whose days it revises; less: the latest accruals adjusted down, a paid one
 * leaving a credit), and 30/360's non-additive day count no longer
 * depends on the run dates. Simple interest: late interest bears none itself. Each accrual is due
 * on its last day (payable on demand). A run as of a day before the last day already accrued
 * recomputes through that last day: days accrued are never given back for want of a later as-of.
 * Prime-plus terms need the prime rates in force from each overdue obligation's due date.
 * Ids derive from (obligation, last day, accruals recorded on it so far): a retried command
 * writes the same ids, and one with nothing to change writes nothing.
 */
export function accrueLateInterest(
  command: CommandOf<'AccrueLateInterest'>,
  state: AgreementState,
): AgreementEvent[] {
  const agreementId = signedAgreementId(state);
  const asOf = businessDate(command.asOf, '/asOf');
  const primeRates = command.primeRates ?? [];
  return [...state.obligations.values()]
    .filter((o) => o.kind !== 'late-interest')
    .flatMap((obligation) =>
      accrualOn(state, obligation, asOf, primeRates).map(({ key, type, data }) =>
        type === 'LateInterestAccrued'
          ? emit(command.idFor(key), type, { agreementId, ...data })
          : emit(command.idFor(key), type, { agreementId, ...data }),
      ),
    );
}

type Accrued = Omit<EventDataInput<'LateInterestAccrued'>, 'agreementId'>;
type Adjusted = Omit<EventDataInput<'ObligationAdjusted'>, 'agreementId'>;
type Decided =
  | { key: string; type: 'LateInterestAccrued'; data: Accrued }
  | { key: string; type: 'ObligationAdjusted'; data: Adjusted };

/**
 * What accruing through `asOf` records for one obligation: a LateInterestAccrued for more interest
 * owed than accrued, or, for less (a payment, dispute or adjustment recorded after the days were
 * accrued), an ObligationAdjusted reducing the latest accruals (never below what each still owes,
 * so a waived part is not given back; one paid already leaves a credit), naming the obligation
 * the interest is on as its cause.
 */
function accrualOn(
  state: AgreementState,
  obligation: Obligation,
  asOf: BusinessDate,
  primeRates: readonly PrimeRateStep[],
): Decided[] {
  const charged = [...state.obligations.values()].filter(
    (o) => o.chargedOnObligationId === obligation.obligationId,
  );
  const earlier = charged.filter((o) => !o.reversed);
  const { currency } = obligation.amount;
  // Adjustments of an accrual (a recomputation, or a person's) change what was accrued; a waiver
  // forgoes interest owed, and stays.
  const accruedBefore = sum(
    earlier.map((o) => addMoney(o.amount, o.adjustments)),
    currency,
  );
  const previous = obligation.interestAccruedThrough;
  const through = previous === null ? asOf : laterOf(asOf, previous);
  const owed = interestOwed(state, obligation, through, primeRates);
  const difference = subtract(owed.total, accruedBefore);
  const key = `${obligation.obligationId}:${through}:${charged.length}:${accruedBefore.amountMinor}`;
  if (difference.amountMinor < 0n) {
    return reductions(earlier, negate(difference)).map(({ accrual, reduction }) => ({
      key: `LateInterestAdjusted:${key}:${accrual.obligationId}`,
      type: 'ObligationAdjusted',
      data: {
        obligationId: accrual.obligationId,
        reason:
          `late interest on ${obligation.obligationId} recomputed through ${through}: ` +
          `${formatMoney(owed.total).amount} owed, ${formatMoney(accruedBefore).amount} accrued`,
        difference: formatMoney(negate(reduction)),
        adjustedOn: through,
        causedByEventId: obligation.obligationId,
      },
    }));
  }
  if (difference.amountMinor === 0n) return [];
  const revised =
    previous === null || earlier.length === 0
      ? money(0n, currency)
      : subtract(interestOwed(state, obligation, previous, primeRates).total, accruedBefore);
  const version = termsAt(state, through);
  return [
    {
      key: `LateInterestAccrued:${key}`,
      type: 'LateInterestAccrued',
      data: {
        termsEventId: version.termsEventId,
        causedByEventId: obligation.obligationId,
        dueOn: through,
        obligationId: obligation.obligationId,
        accruedFrom: previous ?? lesserOf(obligation.dueOn ?? through, through),
        accruedUntil: through,
        stretches: owed.stretches,
        interestThrough: formatMoney(owed.total),
        accruedBefore: formatMoney(accruedBefore),
        interest: formatMoney(difference),
        ...(revised.amountMinor !== 0n && {
          corrects: {
            accrualEventIds: earlier.map((o) => o.obligationId),
            amount: formatMoney(revised),
          },
        }),
      },
    },
  ];
}

/** The latest accruals first, each reduced by at most what it still owes. */
function reductions(
  accruals: readonly Obligation[],
  total: Money,
): { accrual: Obligation; reduction: Money }[] {
  let remaining = total;
  const reduced: { accrual: Obligation; reduction: Money }[] = [];
  for (const accrual of [...accruals].reverse()) {
    if (remaining.amountMinor === 0n) break;
    const owes = amountDueOf(accrual);
    if (owes.amountMinor <= 0n) continue;
    const reduction = minMoney(owes, remaining);
    reduced.push({ accrual, reduction });
    remaining = subtract(remaining, reduction);
  }
  return reduced;
}

const lesserOf = (a: BusinessDate, b: BusinessDate): BusinessDate => (isBefore(b, a) ? b : a);

/** Days `after` + 1 through `through`, over which the principal, terms and rate do not change. */
interface Stretch {
  readonly after: BusinessDate;
  readonly through: BusinessDate;
}

type StretchData = Accrued['stretches'][number];

/** The exact interest owed on the obligation through `through`, rounded once, and its stretches. */
function interestOwed(
  state: AgreementState,
  obligation: Obligation,
  through: BusinessDate,
  primeRates: readonly PrimeRateStep[],
): { total: Money; stretches: StretchData[] } {
  const { currency } = obligation.amount;
  const { dueOn } = obligation;
  if (obligation.reversed || dueOn === null || !isBefore(dueOn, through)) {
    return { total: money(0n, currency), stretches: [] };
  }
  let exact: Ratio = ZERO;
  const stretches: StretchData[] = [];
  for (const stretch of stretchesOf(state, obligation, dueOn, through, primeRates)) {
    const computed = interestOn(state, obligation, stretch, primeRates);
    if (computed === undefined) continue;
    exact = add(exact, computed.computation.exact);
    stretches.push(computed.data);
  }
  return {
    total: fromMajorUnits(exact, currency, termsAt(state, through).terms.rounding),
    stretches,
  };
}

function stretchesOf(
  state: AgreementState,
  obligation: Obligation,
  dueOn: BusinessDate,
  asOf: BusinessDate,
  primeRates: readonly PrimeRateStep[],
): Stretch[] {
  const firstDays = [
    ...obligation.payments.map((p) => addDays(p.paidOn, 1)),
    ...obligation.disputes.flatMap((d) => [
      d.disputedOn,
      ...(d.resolvedOn === null ? [] : [addDays(d.resolvedOn, 1)]),
    ]),
    ...state.termsHistory.map((v) => v.effectiveOn),
    ...primeRates.map((step) => businessDate(step.from)),
  ]
    .filter((day) => isBefore(addDays(dueOn, 1), day) && isOnOrBefore(day, asOf))
    .sort(compareDates)
    .filter((day, index, days) => index === 0 || days[index - 1] !== day);
  const stretches: Stretch[] = [];
  let after = dueOn;
  for (const firstDay of firstDays) {
    const through = addDays(firstDay, -1);
    stretches.push({ after, through });
    after = through;
  }
  stretches.push({ after, through: asOf });
  return stretches;
}

function interestOn(
  state: AgreementState,
  obligation: Obligation,
  stretch: Stretch,
  primeRates: readonly PrimeRateStep[],
): { data: StretchData; computation: LateInterestComputation } | undefined {
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
    primeRates,
  });
  if (computation.days === 0) return undefined;
  return {
    computation,
    data: {
      accruedFrom: stretch.after,
      accruedUntil: stretch.through,
      days: computation.days,
      dayCount: lateInterest.dayCount,
      rate: rateOf(lateInterest, computation),
      principal: formatMoney(principal),
      interestExact: exactDecimal(computation.exact),
    },
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

function rateOf(terms: LateInterest, computation: LateInterestComputation): StretchData['rate'] {
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
