import fc from 'fast-check';
import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import type { AgreementState } from '../../../src/domain/agreement/agreementState';
import type { AgreementCommand, CommandOf } from '../../../src/domain/agreement/commands';
import { decide } from '../../../src/domain/agreement/decide';
import { addDays, businessDate } from '../../../src/domain/dates';
import { DomainError } from '../../../src/domain/domainError';
import { milestonesForFact } from '../../../src/domain/policies/milestonesForFact';
import { amountDueOf, amountPaidOf } from '../../../src/domain/agreement/obligation';
import { parseMoney } from '../../../src/domain/money';
import { context, fold, idFor, ofType } from '../support/agreementSpec';
import {
  indSubmittedFact,
  phaseStartedFact,
  reportUsSales,
  signed,
} from '../support/foundingDealStory';
import { readBack } from '../support/storedRoundTrip';

const cents = (n: bigint) => `${n / 100n}.${String(n % 100n).padStart(2, '0')}`;

/** A step of a deal's life, as random as the property needs and as real as the decider accepts. */
const step = fc.oneof(
  fc.record({
    kind: fc.constant('sales' as const),
    cents: fc.bigInt({ min: 0n, max: 30_000_000_000n }),
  }),
  fc.record({
    kind: fc.constant('payment' as const),
    cents: fc.bigInt({ min: 1n, max: 500_000_000n }),
    namesFee: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('dispute' as const),
    cents: fc.bigInt({ min: 1n, max: 100_000_000n }),
  }),
  fc.record({
    kind: fc.constant('adjust' as const),
    cents: fc.bigInt({ min: -50_000_000n, max: 50_000_000n }).filter((n) => n !== 0n),
  }),
  fc.record({ kind: fc.constant('ind' as const), day: fc.integer({ min: 1, max: 28 }) }),
  fc.constant({ kind: 'interest' as const }),
);
type Step = typeof step extends fc.Arbitrary<infer S> ? S : never;

const signedAmount = (n: bigint) => (n < 0n ? `-${cents(-n)}` : cents(n));
const feeIdOf = (history: readonly AgreementEvent[]) =>
  ofType(history, 'UpfrontFeeDue')[0]!.eventId;

const paymentOf = (
  key: string,
  amount: string,
  receivedOn: string,
  intendedObligationIds?: string[],
): CommandOf<'RecordPayment'> => ({
  type: 'RecordPayment',
  ...context(key),
  amount: { amount, currency: 'USD' },
  receivedOn,
  payerPartyId: 'biogen-idec',
  payeePartyId: 'immunogen',
  reference: key,
  ...(intendedObligationIds && { intendedObligationIds }),
});

/** What deciding gives: the events, or the stable code of the refusal. */
function outcome(decided: () => AgreementEvent[]): { events: AgreementEvent[] } | { code: string } {
  try {
    return { events: decided() };
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code };
    throw error;
  }
}

/** The events a step records on the live state; a step the decider refuses records nothing. */
function decidedStep(
  s: Step,
  index: number,
  live: AgreementState,
  history: readonly AgreementEvent[],
): AgreementEvent[] {
  const key = `step${index}:`;
  const year = 2012 + Math.floor(index / 4);
  const result = outcome(() => {
    switch (s.kind) {
      case 'sales':
        return decide(reportUsSales(year, (index % 4) + 1, cents(s.cents), key), live);
      case 'payment':
        return decide(
          paymentOf(
            key,
            cents(s.cents),
            `${year}-06-30`,
            s.namesFee ? [feeIdOf(history)] : undefined,
          ),
          live,
        );
      case 'dispute':
        return decide(
          {
            type: 'DisputeObligation',
            ...context(key),
            obligationId: feeIdOf(history),
            disputedOn: `${year}-02-01`,
            disputedBy: 'licensee',
            amount: { amount: cents(s.cents), currency: 'USD' },
            reason: 'signing conditions not met',
          },
          live,
        );
      case 'adjust':
        return decide(
          {
            type: 'AdjustObligation',
            ...context(key),
            obligationId: feeIdOf(history),
            difference: { amount: signedAmount(s.cents), currency: 'USD' },
            adjustedOn: `${year}-03-01`,
            reason: 'audit',
          },
          live,
        );
      case 'ind':
        return milestonesForFact({
          fact: indSubmittedFact(`${key}ind`, `${year}-01-${String(s.day).padStart(2, '0')}`),
          state: live,
          idFor,
        });
      case 'interest':
        return decide(
          { type: 'AccrueLateInterest', ...context(key), asOf: businessDate(`${year}-12-31`) },
          live,
        );
      default: {
        const _exhaustive: never = s;
        return _exhaustive;
      }
    }
  });
  return 'events' in result ? result.events : [];
}

/**
 * What creates, disputes and pays obligations: milestones on different days (due 30 days after
 * each), quarterly royalties, disputes of all or part of an obligation, payments naming some.
 * An index picks an obligation among those open so far, in the order they arose.
 */
const moneyStep = fc.oneof(
  fc.record({
    kind: fc.constant('phase' as const),
    phase: fc.constantFrom('I' as const, 'II' as const, 'III' as const),
    day: fc.integer({ min: 0, max: 2000 }),
  }),
  fc.record({ kind: fc.constant('ind' as const), day: fc.integer({ min: 0, max: 2000 }) }),
  fc.record({
    kind: fc.constant('sales' as const),
    quarter: fc.integer({ min: 0, max: 7 }),
    cents: fc.bigInt({ min: 0n, max: 20_000_000_000n }),
  }),
  fc.record({
    kind: fc.constant('dispute' as const),
    pick: fc.nat(),
    whole: fc.boolean(),
    bps: fc.integer({ min: 1, max: 10_000 }),
  }),
  fc.record({
    kind: fc.constant('payment' as const),
    cents: fc.bigInt({ min: 1n, max: 1_500_000_000n }),
    names: fc.array(fc.nat(), { maxLength: 3 }),
    day: fc.integer({ min: 0, max: 3000 }),
  }),
);
type MoneyStep = typeof moneyStep extends fc.Arbitrary<infer S> ? S : never;

const dayAfter = (from: string, days: number) => addDays(businessDate(from), days);

function decidedMoneyStep(s: MoneyStep, index: number, live: AgreementState): AgreementEvent[] {
  const key = `money${index}:`;
  const obligations = [...live.obligations.values()].filter((o) => !o.reversed);
  const pick = (n: number) => obligations[n % obligations.length]!;
  const result = outcome(() => {
    switch (s.kind) {
      case 'phase':
        return milestonesForFact({
          fact: phaseStartedFact(`${key}phase`, s.phase, dayAfter('2008-01-01', s.day)),
          state: live,
          idFor,
        });
      case 'ind':
        return milestonesForFact({
          fact: indSubmittedFact(`${key}ind`, dayAfter('2008-01-01', s.day)),
          state: live,
          idFor,
        });
      case 'sales':
        return decide(
          reportUsSales(2012 + Math.floor(s.quarter / 4), (s.quarter % 4) + 1, cents(s.cents), key),
          live,
        );
      case 'dispute': {
        const obligation = pick(s.pick);
        const due = amountDueOf(obligation).amountMinor;
        const amount = s.whole ? due : (due * BigInt(s.bps)) / 10_000n;
        return decide(
          {
            type: 'DisputeObligation',
            ...context(key),
            obligationId: obligation.obligationId,
            disputedOn: '2010-01-01',
            disputedBy: 'licensee',
            amount: { amount: cents(amount), currency: 'USD' },
            reason: 'conditions not met',
          },
          live,
        );
      }
      case 'payment':
        return decide(
          paymentOf(
            key,
            cents(s.cents),
            dayAfter('2008-01-01', s.day),
            s.names.length > 0 ? [...new Set(s.names.map((n) => pick(n).obligationId))] : undefined,
          ),
          live,
        );
      default: {
        const _exhaustive: never = s;
        return _exhaustive;
      }
    }
  });
  if (s.kind === 'payment' && 'code' in result) {
    throw new Error(`payment ${index} refused: ${result.code}`);
  }
  return 'events' in result ? result.events : [];
}

/** Commands a reader of the rebuilt state would decide next. */
const nextCommands = (steps: number): AgreementCommand[] => {
  const year = 2012 + Math.floor(steps / 4) + 1;
  return [
    reportUsSales(year, 1, '1000.00', 'next-sales:'),
    paymentOf('next-payment:', '2500000.00', `${year}-06-30`),
    {
      type: 'AccrueLateInterest',
      ...context('next-interest:'),
      asOf: businessDate(`${year}-12-31`),
    },
    {
      type: 'AssessYearEnd',
      ...context('next-year-end:'),
      year: year - 1,
      asOf: businessDate(`${year}-03-31`),
    },
  ];
};

describe('properties of the agreement decider', () => {
  it('rebuilds from stored events the live state, and decides the same on it', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 8 }), (steps) => {
        let history: AgreementEvent[] = signed();
        let live = fold(history);
        steps.forEach((s, index) => {
          const events = decidedStep(s, index, live, history);
          history = [...history, ...events];
          live = fold(events, live);
        });
        const stored = history.map(readBack);
        expect(stored).toEqual(history);
        const rebuilt = fold(stored);
        expect(rebuilt).toEqual(live);
        for (const next of nextCommands(steps.length)) {
          expect(outcome(() => decide(next, rebuilt))).toEqual(outcome(() => decide(next, live)));
        }
      }),
      { numRuns: 40 },
    );
  });

  it('accrues quarterly royalties that sum to the year computed at once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 0n, max: 20_000_000_000n }), { minLength: 4, maxLength: 4 }),
        (sales) => {
          let quarterly: AgreementEvent[] = signed();
          sales.forEach((amount, index) => {
            quarterly = [
              ...quarterly,
              ...decide(reportUsSales(2016, index + 1, cents(amount)), fold(quarterly)),
            ];
          });
          const total = sales.reduce((a, b) => a + b, 0n);
          const yearly = decide(
            {
              ...reportUsSales(2016, 1, cents(total)),
              period: { from: '2016-01-01', to: '2016-12-31' },
            },
            fold(signed()),
          );
          const sum = (events: AgreementEvent[]) =>
            ofType(events, 'RoyaltyAccrued').reduce(
              (acc, e) => acc + parseMoney(e.data.amount).amountMinor,
              0n,
            );
          expect(sum(quarterly)).toBe(sum(yearly));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('conserves money over several obligations and payments: applications plus credits are what was paid', () => {
    fc.assert(
      fc.property(fc.array(moneyStep, { minLength: 3, maxLength: 14 }), (steps) => {
        let history: AgreementEvent[] = signed();
        let live = fold(history);
        steps.forEach((s, index) => {
          const events = decidedMoneyStep(s, index, live);
          history = [...history, ...events];
          live = fold(events, live);
        });
        const received = ofType(history, 'PaymentReceived');
        const paid = steps.reduce((acc, s) => (s.kind === 'payment' ? acc + s.cents : acc), 0n);
        expect(received.reduce((acc, r) => acc + parseMoney(r.data.amount).amountMinor, 0n)).toBe(
          paid,
        );
        // Per payment: what it brought, what its applications took, and the credit still left.
        const payments = new Map(
          received.map((r) => {
            const amount = parseMoney(r.data.amount).amountMinor;
            return [r.eventId, { amount, applied: 0n, credit: amount, applications: 0 }];
          }),
        );
        const appliedTo = new Map<string, bigint>();
        for (const application of ofType(history, 'PaymentApplied')) {
          // This story has no credit notes: every application spends a payment's cash or credit.
          const payment = payments.get(String(application.data.paymentEventId));
          expect(payment).toBeDefined();
          const available = parseMoney(application.data.available).amountMinor;
          expect(available).toBe(payment!.credit);
          const ids = application.data.allocations.map((a) => a.obligationId);
          expect(new Set(ids).size).toBe(ids.length);
          let taken = 0n;
          for (const allocation of application.data.allocations) {
            const amount = parseMoney(allocation.amount).amountMinor;
            expect(amount).toBeGreaterThan(0n);
            taken += amount;
            appliedTo.set(
              allocation.obligationId,
              (appliedTo.get(allocation.obligationId) ?? 0n) + amount,
            );
          }
          const unapplied = parseMoney(application.data.unapplied).amountMinor;
          expect(unapplied).toBeGreaterThanOrEqual(0n);
          expect(taken + unapplied).toBe(available);
          payment!.applied += taken;
          payment!.credit = unapplied;
          payment!.applications += 1;
        }
        let allApplied = 0n;
        let allCredit = 0n;
        for (const payment of payments.values()) {
          expect(payment.applications).toBeGreaterThan(0);
          expect(payment.applied).toBeLessThanOrEqual(payment.amount);
          expect(payment.applied + payment.credit).toBe(payment.amount);
          allApplied += payment.applied;
          allCredit += payment.credit;
        }
        expect(allApplied + allCredit).toBe(paid);

        const obligations = [...live.obligations.values()];
        for (const obligation of obligations) {
          const paidTo = amountPaidOf(obligation).amountMinor;
          expect(paidTo).toBe(appliedTo.get(obligation.obligationId) ?? 0n);
          expect(paidTo).toBeLessThanOrEqual(amountDueOf(obligation).amountMinor);
        }
        expect(obligations.reduce((acc, o) => acc + amountPaidOf(o).amountMinor, 0n)).toBe(
          allApplied,
        );
      }),
      { numRuns: 150 },
    );
  });

  it('nets an adjustment plus its reversal to zero', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -100_000_000n, max: 100_000_000n }).filter((n) => n !== 0n),
        (difference) => {
          const history = signed();
          const [, fee] = history;
          const amount = difference < 0n ? `-${cents(-difference)}` : cents(difference);
          const adjusted = decide(
            {
              type: 'AdjustObligation',
              ...context('a:'),
              obligationId: fee!.eventId,
              difference: { amount, currency: 'USD' },
              adjustedOn: '2004-10-15',
              reason: 'audit',
            },
            fold(history),
          );
          const reversed = decide(
            {
              type: 'ReverseEntry',
              ...context('r:'),
              reversedEventId: adjusted[0]!.eventId,
              reason: 'error',
            },
            fold([...history, ...adjusted]),
          );
          expect(
            fold([...history, ...adjusted, ...reversed]).obligations.get(fee!.eventId)?.adjustments
              .amountMinor,
          ).toBe(0n);
        },
      ),
    );
  });
});
