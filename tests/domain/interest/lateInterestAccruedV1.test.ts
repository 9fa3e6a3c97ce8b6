import { eventDefinition } from '../../../src/domain/events/catalogue';
import {
  EVENT_EXAMPLES,
  LATE_INTEREST_ACCRUED_V1_EXAMPLE,
} from '../../../src/domain/events/examples';
import { parseEventData } from '../../../src/domain/events/parseEventData';

describe('LateInterestAccrued stored as version 1', () => {
  it('is at version 2 today, with one upcaster', () => {
    const definition = eventDefinition('LateInterestAccrued');
    expect(definition.schemaVersion).toBe(2);
    expect(definition.upcasters.map((upcaster) => upcaster.fromVersion)).toEqual([1]);
  });

  it('reads as version 2: its one stretch, its interest, and no totals', () => {
    const v1 = LATE_INTEREST_ACCRUED_V1_EXAMPLE;
    const event = parseEventData('LateInterestAccrued', 1, v1);
    expect(event).toEqual({
      type: 'LateInterestAccrued',
      data: {
        agreementId: v1.agreementId,
        termsEventId: v1.termsEventId,
        causedByEventId: v1.causedByEventId,
        obligationId: v1.obligationId,
        accruedFrom: '2015-06-01',
        accruedUntil: '2015-06-07',
        dueOn: '2015-07-07',
        interest: v1.interest,
        stretches: [
          {
            accruedFrom: '2015-06-01',
            accruedUntil: '2015-06-07',
            days: 6,
            dayCount: 'actual/365',
            rate: v1.rate,
            principal: v1.principal,
          },
        ],
      },
    });
  });

  it('refuses a version 2 accrual whose interest is not interestThrough less accruedBefore', () => {
    expect(() =>
      parseEventData('LateInterestAccrued', 2, {
        ...EVENT_EXAMPLES.LateInterestAccrued,
        interest: { amount: '552.34', currency: 'USD' },
      }),
    ).toThrow(/interestThrough less accruedBefore/);
  });
});
