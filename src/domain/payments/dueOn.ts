import type { PaymentTerm } from '../agreement/terms';
import { addDays, rollBackToWeekday, rollForwardToWeekday, type BusinessDate } from '../dates';

/** The dates a payment term may count from; a notice or an invoice not yet given is absent. */
export interface PaymentTriggerDates {
  readonly achievedOn?: BusinessDate;
  readonly noticeGivenOn?: BusinessDate;
  readonly invoicedOn?: BusinessDate;
  readonly periodEndsOn?: BusinessDate;
}

/** The date the term counts from, or undefined while it is not known (no notice, no invoice yet). */
export function triggerDateOf(
  term: PaymentTerm,
  dates: PaymentTriggerDates,
): BusinessDate | undefined {
  switch (term.after) {
    case 'achievement':
      return dates.achievedOn;
    case 'notice':
      return dates.noticeGivenOn;
    case 'invoice':
      return dates.invoicedOn;
    case 'period-end':
      return dates.periodEndsOn;
    default: {
      const _exhaustive: never = term.after;
      return _exhaustive;
    }
  }
}

/**
 * The trigger date plus `daysAfter` calendar days (leap days count), then the agreement's
 * business-day roll if it has one: `following` moves a Saturday or Sunday to the Monday after,
 * `preceding` to the Friday before. Only weekends are rolled: public holidays differ by country
 * and contract and are not modelled.
 */
export function dueOnAfter(term: PaymentTerm, triggerOn: BusinessDate): BusinessDate {
  const dueOn = addDays(triggerOn, term.daysAfter);
  switch (term.businessDayRoll) {
    case 'none':
      return dueOn;
    case 'following':
      return rollForwardToWeekday(dueOn);
    case 'preceding':
      return rollBackToWeekday(dueOn);
    default: {
      const _exhaustive: never = term.businessDayRoll;
      return _exhaustive;
    }
  }
}

/** When an amount falls due under the term; undefined while its trigger date is not known. */
export function dueOnOf(term: PaymentTerm, dates: PaymentTriggerDates): BusinessDate | undefined {
  const triggerOn = triggerDateOf(term, dates);
  return triggerOn === undefined ? undefined : dueOnAfter(term, triggerOn);
}
