import fc from 'fast-check';
import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import type { CommandOf } from '../../../src/domain/agreement/commands';
import { decide } from '../../../src/domain/agreement/decide';
import { initialState } from '../../../src/domain/agreement/agreementState';
import { addDays, businessDate, daysBetween } from '../../../src/domain/dates';
import { foundingDeal } from '../fixtures/foundingDeal';
import { context, fold, given, ofType } from '../support/agreementSpec';
import { signed, usd } from '../support/foundingDealStory';

// The founding deal's $1M upfront fee is due on 2004-10-31; late interest is 1% a month
// (12% a year), actual/365, simple, rounded half-up once per accrual.

const accrue = (asOf: string, key = `accrue:${asOf}:`): CommandOf<'AccrueLateInterest'> => ({
  type: 'AccrueLateInterest',
  ...context(key),
  asOf: businessDate(asOf),
});

const paid = (amount: string, receivedOn: string, history: readonly AgreementEvent[]) =>
  decide(
    {
      type: 'RecordPayment',
      ...context(`pay:${receivedOn}:`),
      amount: usd(amount),
      receivedOn,
      payerPartyId: 'biogen-idec',
      payeePartyId: 'immunogen',
      reference: `wire ${receivedOn}`,
    },
    fold(history),
  );

const feeId = () => signed()[1]!.eventId;

const accruals = (events: readonly AgreementEvent[]) =>
  ofType(events, 'LateInterestAccrued').map((e) => ({
    from: e.data.accruedFrom,
    until: e.data.accruedUntil,
    days: e.data.days,
    principal: e.data.principal.amount,
    interest: e.data.interest.amount,
  }));

describe('late interest', () => {
  it('accrues on an overdue upfront fee from the day after its due date, due on demand', () => {
    given(...signed())
      .when(accrue('2004-11-30'))
      .then((events) => {
        expect(accruals(events)).toEqual([
          {
            from: '2004-10-31',
            until: '2004-11-30',
            days: 30,
            principal: '1000000.00',
            interest: '9863.01',
          },
        ]);
        const [accrued] = ofType(events, 'LateInterestAccrued');
        expect(accrued?.data).toMatchObject({
          obligationId: feeId(),
          causedByEventId: feeId(),
          dueOn: '2004-11-30',
          rate: { kind: 'fixed', ratePercent: '1', per: 'month' },
          dayCount: 'actual/365',
        });
      });
  });

  it('accrues nothing before the due date has passed', () => {
    given(...signed())
      .when(accrue('2004-10-31'))
      .then((events) => expect(events).toEqual([]));
  });

  it('never accrues the same days twice: again as of the same day records nothing, a later day only the days since', () => {
    const first = decide(accrue('2004-11-30'), fold(signed()));
    given(...signed(), ...first)
      .when(accrue('2004-11-30', 'again:'))
      .then((events) => expect(events).toEqual([]));
    given(...signed(), ...first)
      .when(accrue('2004-12-31'))
      .then((events) => {
        expect(accruals(events)).toEqual([
          {
            from: '2004-11-30',
            until: '2004-12-31',
            days: 31,
            principal: '1000000.00',
            interest: '10191.78',
          },
        ]);
      });
  });

  it('derives an accrual’s id from the obligation and its last day: a retried command writes the same ids', () => {
    const once = decide(accrue('2004-11-30', 'one:'), fold(signed()));
    const twice = decide(accrue('2004-11-30', 'one:'), fold(signed()));
    expect(once.map((e) => e.eventId)).toEqual(twice.map((e) => e.eventId));
  });

  it('splits at a partial payment: the principal falls from the day after it was received', () => {
    const history = [...signed()];
    history.push(...paid('400000.00', '2004-11-15', history));
    const [applied] = ofType(history, 'PaymentApplied');
    given(...history)
      .when(accrue('2004-11-30'))
      .then((events) => {
        expect(accruals(events)).toEqual([
          {
            from: '2004-10-31',
            until: '2004-11-15',
            days: 15,
            principal: '1000000.00',
            interest: '4931.51',
          },
          {
            from: '2004-11-15',
            until: '2004-11-30',
            days: 15,
            principal: '600000.00',
            interest: '2958.90',
          },
        ]);
        expect(ofType(events, 'LateInterestAccrued')[0]?.data.causedByEventId).toBe(
          applied!.eventId,
        );
      });
  });

  it('charges a fee paid six days late six days of interest, and nothing after', () => {
    const history = [...signed()];
    history.push(...paid('1000000.00', '2004-11-06', history));
    given(...history)
      .when(accrue('2004-12-31'))
      .then((events) => {
        expect(accruals(events)).toEqual([
          {
            from: '2004-10-31',
            until: '2004-11-06',
            days: 6,
            principal: '1000000.00',
            interest: '1972.60',
          },
        ]);
      });
  });

  it('skips the days an amount was disputed in good faith, from raising through resolution', () => {
    const history = [...signed()];
    const disputed = decide(
      {
        type: 'DisputeObligation',
        ...context('dispute:'),
        obligationId: feeId(),
        disputedOn: '2004-11-10',
        disputedBy: 'licensee',
        amount: usd('1000000.00'),
        reason: 'signing conditions not met',
      },
      fold(history),
    );
    history.push(...disputed);
    history.push(
      ...decide(
        {
          type: 'ResolveDispute',
          ...context('resolve:'),
          disputeEventId: disputed[0]!.eventId,
          resolvedOn: '2004-11-20',
          outcome: 'obligation-stands',
          reason: 'conditions were met',
        },
        fold(history),
      ),
    );
    given(...history)
      .when(accrue('2004-11-30'))
      .then((events) => {
        expect(accruals(events)).toEqual([
          {
            from: '2004-10-31',
            until: '2004-11-09',
            days: 9,
            principal: '1000000.00',
            interest: '2958.90',
          },
          {
            from: '2004-11-20',
            until: '2004-11-30',
            days: 10,
            principal: '1000000.00',
            interest: '3287.67',
          },
        ]);
      });
  });

  it('charges only the undisputed part while part is disputed', () => {
    const history = [...signed()];
    history.push(
      ...decide(
        {
          type: 'DisputeObligation',
          ...context('dispute:'),
          obligationId: feeId(),
          disputedOn: '2004-10-01',
          disputedBy: 'licensee',
          amount: usd('250000.00'),
          reason: 'part of the fee is creditable',
        },
        fold(history),
      ),
    );
    given(...history)
      .when(accrue('2004-11-30'))
      .then((events) => {
        expect(accruals(events).map((a) => [a.principal, a.interest])).toEqual([
          ['750000.00', '7397.26'],
        ]);
      });
  });

  it('charges no interest on late interest: simple interest only', () => {
    const first = decide(accrue('2004-11-30'), fold(signed()));
    given(...signed(), ...first)
      .when(accrue('2005-01-31'))
      .then((events) => {
        expect(ofType(events, 'LateInterestAccrued').map((e) => e.data.obligationId)).toEqual([
          feeId(),
        ]);
      });
  });

  it('accrues nothing when the agreement has no late-interest terms', () => {
    const { lateInterest: _none, ...terms } = foundingDeal;
    const history = decide({ type: 'SignAgreement', ...context(), terms }, initialState);
    given(...history)
      .when(accrue('2005-11-30'))
      .then((events) => expect(events).toEqual([]));
  });

  it('accrues every overdue day exactly once, however often it is run', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 6 }),
        (steps) => {
          let history = signed();
          let asOf = businessDate('2004-10-31');
          for (const step of steps) {
            asOf = addDays(asOf, step);
            history = [...history, ...decide(accrue(asOf), fold(history))];
          }
          const accrued = ofType(history, 'LateInterestAccrued');
          accrued.forEach((e, index) => {
            const previous = accrued[index - 1];
            expect(e.data.accruedFrom).toBe(previous?.data.accruedUntil ?? '2004-10-31');
          });
          expect(accrued.reduce((days, e) => days + e.data.days, 0)).toBe(
            daysBetween(businessDate('2004-10-31'), asOf),
          );
        },
      ),
      { numRuns: 50 },
    );
  });
});
