import fc from 'fast-check';
import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import { decide } from '../../../src/domain/agreement/decide';
import { amountPaidOf } from '../../../src/domain/agreement/obligation';
import { parseMoney } from '../../../src/domain/money';
import { context, fold, ofType } from '../support/agreementSpec';
import { reportUsSales, signed } from '../support/foundingDealStory';

const cents = (n: bigint) => `${n / 100n}.${String(n % 100n).padStart(2, '0')}`;

describe('properties of the agreement decider', () => {
  it('replays deterministically: equal states from the same events, equal events from equal states', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 0n, max: 30_000_000_000n }), { minLength: 1, maxLength: 4 }),
        (sales) => {
          let history: AgreementEvent[] = signed();
          sales.forEach((amount, index) => {
            history = [
              ...history,
              ...decide(reportUsSales(2016, index + 1, cents(amount)), fold(history)),
            ];
          });
          expect(fold(history)).toEqual(fold(history));
          const command = reportUsSales(2017, 1, '1000.00');
          expect(decide(command, fold(history))).toEqual(decide(command, fold(history)));
        },
      ),
      { numRuns: 25 },
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

  it('conserves money: what a payment allocates plus its credit is the payment', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 500_000_000n }), (amount) => {
        const history = signed();
        const events = decide(
          {
            type: 'RecordPayment',
            ...context(),
            amount: { amount: cents(amount), currency: 'USD' },
            receivedOn: '2004-10-15',
            payerPartyId: 'biogen-idec',
            payeePartyId: 'immunogen',
            reference: 'w',
          },
          fold(history),
        );
        const [applied] = ofType(events, 'PaymentApplied');
        const allocated = applied!.data.allocations.reduce(
          (acc, a) => acc + parseMoney(a.amount).amountMinor,
          0n,
        );
        expect(allocated + parseMoney(applied!.data.unapplied).amountMinor).toBe(amount);
        const state = fold([...history, ...events]);
        const paid = [...state.obligations.values()].reduce(
          (acc, o) => acc + amountPaidOf(o).amountMinor,
          0n,
        );
        expect(paid).toBe(allocated);
      }),
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
