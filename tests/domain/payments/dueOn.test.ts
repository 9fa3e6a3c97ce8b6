import type { PaymentTerm } from '../../../src/domain/agreement/terms';
import { businessDate } from '../../../src/domain/dates';
import { dueOnAfter, dueOnOf, triggerDateOf } from '../../../src/domain/payments/dueOn';

const d = (text: string) => businessDate(text);
const term = (
  daysAfter: number,
  after: PaymentTerm['after'] = 'achievement',
  businessDayRoll: PaymentTerm['businessDayRoll'] = 'none',
): PaymentTerm => ({ daysAfter, after, businessDayRoll });

describe('due dates', () => {
  it('falls due N calendar days after the trigger, counting 29 February in leap years', () => {
    expect(dueOnAfter(term(30), d('2008-02-01'))).toBe('2008-03-02');
    expect(dueOnAfter(term(30), d('2007-02-01'))).toBe('2007-03-03');
    expect(dueOnAfter(term(60), d('2015-12-31'))).toBe('2016-02-29');
    expect(dueOnAfter(term(0), d('2008-02-29'))).toBe('2008-02-29');
  });

  it('does not move a due date on a weekend unless the agreement says so', () => {
    // 2 March 2008 was a Sunday.
    expect(dueOnAfter(term(30, 'achievement', 'none'), d('2008-02-01'))).toBe('2008-03-02');
    expect(dueOnAfter(term(30, 'achievement', 'following'), d('2008-02-01'))).toBe('2008-03-03');
    expect(dueOnAfter(term(30, 'achievement', 'preceding'), d('2008-02-01'))).toBe('2008-02-29');
    expect(dueOnAfter(term(29, 'achievement', 'following'), d('2008-02-01'))).toBe('2008-03-03');
    expect(dueOnAfter(term(28, 'achievement', 'following'), d('2008-02-01'))).toBe('2008-02-29');
  });

  it('counts from the achievement, the notice, the invoice or the period end, as the term says', () => {
    const dates = {
      achievedOn: d('2008-02-01'),
      noticeGivenOn: d('2008-02-05'),
      invoicedOn: d('2008-02-12'),
      periodEndsOn: d('2008-03-31'),
    };

    expect(dueOnOf(term(30, 'achievement'), dates)).toBe('2008-03-02');
    expect(dueOnOf(term(30, 'notice'), dates)).toBe('2008-03-06');
    expect(dueOnOf(term(30, 'invoice'), dates)).toBe('2008-03-13');
    expect(dueOnOf(term(45, 'period-end'), dates)).toBe('2008-05-15');
  });

  it('has no due date yet while the notice or invoice it counts from has not been given', () => {
    const achievedOnly = { achievedOn: d('2008-02-01') };

    expect(triggerDateOf(term(30, 'invoice'), achievedOnly)).toBeUndefined();
    expect(dueOnOf(term(30, 'invoice'), achievedOnly)).toBeUndefined();
    expect(dueOnOf(term(30, 'notice'), achievedOnly)).toBeUndefined();
    expect(triggerDateOf(term(30, 'notice'), { noticeGivenOn: d('2008-02-05') })).toBe(
      '2008-02-05',
    );
  });
});
