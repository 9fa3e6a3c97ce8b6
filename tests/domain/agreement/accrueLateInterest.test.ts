import fc from 'fast-check';
import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import type { AgreementState } from '../../../src/domain/agreement/agreementState';
import type { AgreementCommand, CommandOf } from '../../../src/domain/agreement/commands';
import { decide } from '../../../src/domain/agreement/decide';
import { initialState } from '../../../src/domain/agreement/agreementState';
import { balanceOf } from '../../../src/domain/agreement/obligation';
import type { AgreementTermsJson } from '../../../src/domain/agreement/termsSchema';
import { addDays, businessDate } from '../../../src/domain/dates';
import { foundingDeal } from '../fixtures/foundingDeal';
import { context, fold, given, ofType, recorded } from '../support/agreementSpec';
import { signed, usd } from '../support/foundingDealStory';

// The founding deal's $1M upfront fee is due on 2004-10-31; late interest is 1% a month
// (12% a year), actual/365, simple. The interest owed on an obligation is recomputed from its due
// date at every accrual, rounded once, and only the difference from what was accrued is recorded.

const accrue = (asOf: string, key = `accrue:${asOf}:`): CommandOf<'AccrueLateInterest'> => ({
  type: 'AccrueLateInterest',
  ...context(key),
  asOf: businessDate(asOf),
});

const payment = (amount: string, receivedOn: string): CommandOf<'RecordPayment'> => ({
  type: 'RecordPayment',
  ...context(`pay:${receivedOn}:${amount}:`),
  amount: usd(amount),
  receivedOn,
  payerPartyId: 'biogen-idec',
  payeePartyId: 'immunogen',
  reference: `wire ${receivedOn}`,
});

const dispute = (
  obligationId: string,
  amount: string,
  disputedOn: string,
): CommandOf<'DisputeObligation'> => ({
  type: 'DisputeObligation',
  ...context(`dispute:${disputedOn}:${amount}:`),
  obligationId,
  disputedOn,
  disputedBy: 'licensee',
  amount: usd(amount),
  reason: 'signing conditions not met',
});

const resolve = (disputeEventId: string, resolvedOn: string): CommandOf<'ResolveDispute'> => ({
  type: 'ResolveDispute',
  ...context(`resolve:${resolvedOn}:${disputeEventId}:`),
  disputeEventId,
  resolvedOn,
  outcome: 'obligation-stands',
  reason: 'conditions were met',
});

const adjust = (obligationId: string, difference: string, adjustedOn: string) =>
  ({
    type: 'AdjustObligation',
    ...context(`adjust:${adjustedOn}:${difference}:`),
    obligationId,
    difference: usd(difference),
    adjustedOn,
    reason: 'audit finding',
  }) satisfies CommandOf<'AdjustObligation'>;

const feeId = () => signed()[1]!.eventId;

const stretches = (events: readonly AgreementEvent[]) =>
  ofType(events, 'LateInterestAccrued').flatMap((e) =>
    e.data.stretches.map((s) => ({
      from: s.accruedFrom,
      until: s.accruedUntil,
      days: s.days,
      principal: s.principal.amount,
    })),
  );

const interest = (events: readonly AgreementEvent[]) =>
  ofType(events, 'LateInterestAccrued').map((e) => e.data.interest.amount);

/** The late interest owed on the obligation as the state stands: its accruals, as adjusted. */
const interestOwedOn = (state: AgreementState, obligationId: string): bigint =>
  [...state.obligations.values()]
    .filter((o) => o.chargedOnObligationId === obligationId && !o.reversed)
    .reduce((total, o) => total + o.amount.amountMinor + o.adjustments.amountMinor, 0n);

describe('late interest', () => {
  it('accrues on an overdue upfront fee from the day after its due date, due on demand', () => {
    given(...signed())
      .when(accrue('2004-11-30'))
      .then((events) => {
        expect(stretches(events)).toEqual([
          { from: '2004-10-31', until: '2004-11-30', days: 30, principal: '1000000.00' },
        ]);
        const [accrued] = ofType(events, 'LateInterestAccrued');
        expect(accrued?.data).toMatchObject({
          obligationId: feeId(),
          causedByEventId: feeId(),
          accruedFrom: '2004-10-31',
          accruedUntil: '2004-11-30',
          dueOn: '2004-11-30',
          interestThrough: usd('9863.01'),
          accruedBefore: usd('0.00'),
          interest: usd('9863.01'),
          stretches: [
            {
              rate: { kind: 'fixed', ratePercent: '1', per: 'month' },
              dayCount: 'actual/365',
              // 1,000,000 x 12% x 30 / 365
              interestExact: '720000/73',
            },
          ],
        });
        expect(accrued?.data.corrects).toBeUndefined();
      });
  });

  it('accrues nothing before the due date has passed', () => {
    given(...signed())
      .when(accrue('2004-10-31'))
      .then((events) => expect(events).toEqual([]));
  });

  it('never accrues the same days twice: again as of the same day records nothing, a later day the difference of the totals', () => {
    const first = decide(accrue('2004-11-30'), fold(signed()));
    given(...signed(), ...first)
      .when(accrue('2004-11-30', 'again:'))
      .then((events) => expect(events).toEqual([]));
    given(...signed(), ...first)
      .when(accrue('2004-12-31'))
      .then((events) => {
        const [accrued] = ofType(events, 'LateInterestAccrued');
        // 1,000,000 x 12% x 61 / 365 = 20,054.79, of which 9,863.01 was accrued.
        expect(accrued?.data).toMatchObject({
          accruedFrom: '2004-11-30',
          accruedUntil: '2004-12-31',
          interestThrough: usd('20054.79'),
          accruedBefore: usd('9863.01'),
          interest: usd('10191.78'),
        });
      });
  });

  it('derives an accrual’s id from the obligation, its last day and what was accrued before: a retried command writes the same ids', () => {
    const once = decide(accrue('2004-11-30', 'one:'), fold(signed()));
    const twice = decide(accrue('2004-11-30', 'one:'), fold(signed()));
    expect(once.map((e) => e.eventId)).toEqual(twice.map((e) => e.eventId));
  });

  it('splits at a partial payment, the principal falling from the day after it was paid, and rounds the total once', () => {
    given(...recorded(signed(), payment('400000.00', '2004-11-15')))
      .when(accrue('2004-11-30'))
      .then((events) => {
        expect(stretches(events)).toEqual([
          { from: '2004-10-31', until: '2004-11-15', days: 15, principal: '1000000.00' },
          { from: '2004-11-15', until: '2004-11-30', days: 15, principal: '600000.00' },
        ]);
        // 4,931.5068... + 2,958.9041... = 7,890.4109...
        expect(interest(events)).toEqual(['7890.41']);
      });
  });

  it('charges a fee paid six days late six days of interest, and nothing after', () => {
    given(...recorded(signed(), payment('1000000.00', '2004-11-06')))
      .when(accrue('2004-12-31'))
      .then((events) => {
        expect(stretches(events)).toEqual([
          { from: '2004-10-31', until: '2004-11-06', days: 6, principal: '1000000.00' },
        ]);
        expect(interest(events)).toEqual(['1972.60']);
      });
  });

  it('skips the days an amount was disputed in good faith, from raising through resolution', () => {
    const history = recorded(signed(), dispute(feeId(), '1000000.00', '2004-11-10'));
    const disputeId = ofType(history, 'ObligationDisputed')[0]!.eventId;
    given(...recorded(history, resolve(disputeId, '2004-11-20')))
      .when(accrue('2004-11-30'))
      .then((events) => {
        expect(stretches(events)).toEqual([
          { from: '2004-10-31', until: '2004-11-09', days: 9, principal: '1000000.00' },
          { from: '2004-11-20', until: '2004-11-30', days: 10, principal: '1000000.00' },
        ]);
        // 19 days of 1,000,000 at 12% / 365, rounded once: 6,246.58 (not 2,958.90 + 3,287.67).
        expect(interest(events)).toEqual(['6246.58']);
      });
  });

  it('charges only the undisputed part while part is disputed', () => {
    given(...recorded(signed(), dispute(feeId(), '250000.00', '2004-10-01')))
      .when(accrue('2004-11-30'))
      .then((events) => {
        expect(stretches(events).map((s) => s.principal)).toEqual(['750000.00']);
        expect(interest(events)).toEqual(['7397.26']);
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

  describe('when the history behind days already accrued changes', () => {
    const accruedThroughNovember = () => recorded(signed(), accrue('2004-11-30'));
    const firstAccrual = (history: readonly AgreementEvent[]) =>
      ofType(history, 'LateInterestAccrued')[0]!.eventId;

    it('gives back the interest of the days after a back-dated payment, reducing the accrual', () => {
      const history = recorded(accruedThroughNovember(), payment('1000000.00', '2004-11-10'));
      given(...history)
        .when(accrue('2004-11-30', 'again:'))
        .then((events) => {
          // 10 days of 1,000,000 are owed, 3,287.67; 9,863.01 was accrued.
          expect(events.map((e) => e.type)).toEqual(['ObligationAdjusted']);
          expect(ofType(events, 'ObligationAdjusted')[0]?.data).toMatchObject({
            obligationId: firstAccrual(history),
            difference: usd('-6575.34'),
            adjustedOn: '2004-11-30',
            causedByEventId: feeId(),
          });
        });
    });

    it('names the accruals it revises when a later accrual also owes new days', () => {
      const history = recorded(accruedThroughNovember(), payment('500000.00', '2004-11-10'));
      given(...history)
        .when(accrue('2004-12-31'))
        .then((events) => {
          const [accrued] = ofType(events, 'LateInterestAccrued');
          // Through 30 November now 3,287.67 + 500,000 x 12% x 20 / 365 = 6,575.34: 3,287.67 less.
          expect(accrued?.data.corrects).toEqual({
            accrualEventIds: [firstAccrual(history)],
            amount: usd('-3287.67'),
          });
          // Through 31 December: 3,287.67 + 500,000 x 12% x 51 / 365 = 11,671.23.
          expect(accrued?.data).toMatchObject({
            interestThrough: usd('11671.23'),
            accruedBefore: usd('9863.01'),
            interest: usd('1808.22'),
          });
        });
    });

    it('gives back the interest of the days a dispute raised with an earlier date covers', () => {
      given(...recorded(accruedThroughNovember(), dispute(feeId(), '1000000.00', '2004-11-10')))
        .when(accrue('2004-11-30', 'again:'))
        .then((events) =>
          // 9 days remain: 2,958.90.
          expect(ofType(events, 'ObligationAdjusted').map((e) => e.data.difference)).toEqual([
            usd('-6904.11'),
          ]),
        );
    });

    it('trues up an adjustment of the obligation recorded after its interest was accrued', () => {
      given(...recorded(accruedThroughNovember(), adjust(feeId(), '-500000.00', '2004-12-01')))
        .when(accrue('2004-11-30', 'again:'))
        .then((events) =>
          // 30 days of 500,000: 4,931.51.
          expect(ofType(events, 'ObligationAdjusted').map((e) => e.data.difference)).toEqual([
            usd('-4931.50'),
          ]),
        );
    });

    it('gives back all interest accrued on an obligation that was reversed', () => {
      const history = recorded(accruedThroughNovember(), {
        type: 'ReverseEntry',
        ...context('reverse:'),
        reversedEventId: feeId(),
        reason: 'the fee was recorded against the wrong agreement',
      });
      given(...history)
        .when(accrue('2004-12-31'))
        .then((events) =>
          expect(ofType(events, 'ObligationAdjusted').map((e) => e.data.difference)).toEqual([
            usd('-9863.01'),
          ]),
        );
    });

    it('leaves a credit when the interest given back was paid already', () => {
      const accrued = accruedThroughNovember();
      const history = recorded(
        accrued,
        {
          ...payment('9863.01', '2004-12-01'),
          intendedObligationIds: [firstAccrual(accrued)],
        },
        payment('1000000.00', '2004-11-10'),
        accrue('2004-12-31'),
      );
      const state = fold(history);
      expect(interestOwedOn(state, feeId())).toBe(328767n);
      const accrual = state.obligations.get(firstAccrual(accrued))!;
      expect(balanceOf(accrual).amountMinor).toBe(-657534n);
    });
  });

  it('counts 30/360 days from the due date, whatever days interest was accrued on', () => {
    const terms: AgreementTermsJson = {
      ...foundingDeal,
      signedOn: '2004-09-15',
      lateInterest: { kind: 'fixed', ratePercent: '1', per: 'month', dayCount: '30/360' },
    };
    const signed360 = decide({ type: 'SignAgreement', ...context(), terms }, initialState);
    // The fee is due on 2004-10-15. 15 Oct - 31 Oct - 15 Nov counts 16 + 15 days; 15 Oct - 15 Nov 30.
    const twice = recorded(signed360, accrue('2004-10-31'), accrue('2004-11-15'));
    const once = recorded(signed360, accrue('2004-11-15'));
    const feeOf = (history: readonly AgreementEvent[]) =>
      ofType(history, 'UpfrontFeeDue')[0]!.eventId;
    expect(interestOwedOn(fold(twice), feeOf(twice))).toBe(1_000_000n);
    expect(interestOwedOn(fold(once), feeOf(once))).toBe(1_000_000n);
  });

  describe('at prime plus a margin', () => {
    const primePlus = () =>
      decide(
        {
          type: 'SignAgreement',
          ...context(),
          terms: {
            ...foundingDeal,
            lateInterest: { kind: 'prime-plus', marginPercent: '2', dayCount: 'actual/365' },
          },
        },
        initialState,
      );
    const primeRates = [
      { from: businessDate('2004-01-01'), ratePercent: '4' },
      { from: businessDate('2004-11-11'), ratePercent: '4.25' },
    ];

    it('splits at each prime rate change and rounds the total once', () => {
      given(...primePlus())
        .when({ ...accrue('2004-11-30'), primeRates })
        .then((events) => {
          const [accrued] = ofType(events, 'LateInterestAccrued');
          expect(accrued?.data.stretches.map((s) => [s.accruedUntil, s.rate])).toEqual([
            ['2004-11-10', { kind: 'prime-plus', primeRatePercent: '4', marginPercent: '2' }],
            ['2004-11-30', { kind: 'prime-plus', primeRatePercent: '4.25', marginPercent: '2' }],
          ]);
          // 1,000,000 x (6% x 10 + 6.25% x 20) / 365 = 5,068.49
          expect(accrued?.data.interest).toEqual(usd('5068.49'));
        });
    });

    it('needs the prime rates from the due date on, however much was accrued already', () => {
      given(...recorded(primePlus(), { ...accrue('2004-11-30'), primeRates }))
        .when({ ...accrue('2004-12-31'), primeRates: primeRates.slice(1) })
        .thenFails('prime-rate-missing');
    });
  });

  describe('run frequency', () => {
    const END = '2005-12-31';
    const dayOf = (offset: number) => addDays(businessDate('2004-10-15'), offset);
    const step = fc.oneof(
      fc.record({ kind: fc.constant('accrue' as const), day: fc.integer({ min: 0, max: 440 }) }),
      fc.record({
        kind: fc.constant('pay' as const),
        day: fc.integer({ min: 0, max: 440 }),
        cents: fc.bigInt({ min: 1n, max: 5_000_000n }),
      }),
      fc.record({
        kind: fc.constant('dispute' as const),
        day: fc.integer({ min: 0, max: 440 }),
        cents: fc.bigInt({ min: 1n, max: 5_000_000n }),
      }),
      fc.record({ kind: fc.constant('resolve' as const), days: fc.integer({ min: 0, max: 90 }) }),
      fc.record({
        kind: fc.constant('adjust' as const),
        day: fc.integer({ min: 0, max: 440 }),
        cents: fc.bigInt({ min: -3_000_000n, max: 10_000_000n }).filter((c) => c !== 0n),
      }),
    );
    type Step = typeof step extends fc.Arbitrary<infer S> ? S : never;
    const cents = (c: bigint) =>
      `${c < 0n ? '-' : ''}${(c < 0n ? -c : c) / 100n}.${String((c < 0n ? -c : c) % 100n).padStart(2, '0')}`;

    /**
     * The command of a step, given the history so far. Payments name the fee and never exceed what
     * it owes (at most 12 x $50k paid, $36k adjusted down), so the same payments settle the same
     * amounts of it however many accruals were recorded in between.
     */
    function commandOf(
      s: Step,
      index: number,
      history: readonly AgreementEvent[],
    ): AgreementCommand[] {
      const fee = ofType(history, 'UpfrontFeeDue')[0]!.eventId;
      const key = `step${index}:`;
      switch (s.kind) {
        case 'accrue':
          return [accrue(dayOf(s.day), key)];
        case 'pay':
          return [
            {
              ...payment(cents(s.cents), dayOf(s.day)),
              ...context(key),
              intendedObligationIds: [fee],
            },
          ];
        case 'dispute':
          return [{ ...dispute(fee, cents(s.cents), dayOf(s.day)), ...context(key) }];
        case 'resolve': {
          const open = [...fold(history).openDisputes.keys()][0];
          const raised = ofType(history, 'ObligationDisputed').find((e) => e.eventId === open);
          if (open === undefined || raised === undefined) return [];
          return [
            {
              ...resolve(open, addDays(businessDate(raised.data.disputedOn), s.days)),
              ...context(key),
            },
          ];
        }
        case 'adjust':
          return [{ ...adjust(fee, cents(s.cents), dayOf(s.day)), ...context(key) }];
      }
    }

    /** Every step recorded in turn; a step the decider refuses is left out, as an operator would. */
    function run(terms: AgreementTermsJson, steps: readonly Step[]): AgreementEvent[] {
      let history = decide({ type: 'SignAgreement', ...context(), terms }, initialState);
      steps.forEach((s, index) => {
        for (const command of commandOf(s, index, history)) {
          try {
            history = [...history, ...decide(command, fold(history))];
          } catch {
            // refused (an adjustment below what was paid, a dispute beyond the balance): skipped
          }
        }
      });
      return recorded(history, accrue(END, 'end:'));
    }

    it.each([
      ['actual/365', { kind: 'fixed', ratePercent: '1', per: 'month', dayCount: 'actual/365' }],
      ['30/360', { kind: 'fixed', ratePercent: '1.5', per: 'month', dayCount: '30/360' }],
      ['actual/360', { kind: 'fixed', ratePercent: '10', per: 'year', dayCount: 'actual/360' }],
    ] as const)(
      'accrues the same total through a day however often, and on whichever days, interest was accrued before (%s)',
      (_name, lateInterest) => {
        const terms: AgreementTermsJson = { ...foundingDeal, signedOn: '2004-09-15', lateInterest };
        fc.assert(
          fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
            const withRuns = run(terms, steps);
            const withoutRuns = run(
              terms,
              steps.filter((s) => s.kind !== 'accrue'),
            );
            const fee = ofType(withRuns, 'UpfrontFeeDue')[0]!.eventId;
            const total = interestOwedOn(fold(withRuns), fee);
            expect(total).toBe(interestOwedOn(fold(withoutRuns), fee));
            const [single] = ofType(withoutRuns, 'LateInterestAccrued');
            expect(total).toBe(
              single === undefined
                ? 0n
                : BigInt(single.data.interestThrough!.amount.replace('.', '')),
            );
          }),
          { numRuns: 60 },
        );
      },
    );
  });
});
