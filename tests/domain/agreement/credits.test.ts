import fc from 'fast-check';
import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import type { AgreementState } from '../../../src/domain/agreement/agreementState';
import type { CommandOf } from '../../../src/domain/agreement/commands';
import { balanceOf, type Obligation } from '../../../src/domain/agreement/obligation';
import { businessDate } from '../../../src/domain/dates';
import { eventDefinition } from '../../../src/domain/events/catalogue';
import { context, fold, given, ofType, recorded } from '../support/agreementSpec';
import { reportUsSales, signed, usd } from '../support/foundingDealStory';

// Q1 2016 US net sales of $100M bear a $3M royalty (3%), due 2016-05-30; the founding deal's
// late interest is 1% a month, actual/365.

const pay = (
  amount: string,
  receivedOn: string,
  key = `pay:${receivedOn}:${amount}:`,
  intendedObligationIds?: string[],
): CommandOf<'RecordPayment'> => ({
  type: 'RecordPayment',
  ...context(key),
  amount: usd(amount),
  receivedOn,
  payerPartyId: 'biogen-idec',
  payeePartyId: 'immunogen',
  reference: `wire ${receivedOn}`,
  ...(intendedObligationIds && { intendedObligationIds }),
});

const applyCredit = (
  appliedOn: string,
  obligationIds?: string[],
  key = `credit:${appliedOn}:`,
): CommandOf<'ApplyCredit'> => ({
  type: 'ApplyCredit',
  ...context(key),
  appliedOn: businessDate(appliedOn),
  ...(obligationIds && { obligationIds }),
});

const accrue = (asOf: string): CommandOf<'AccrueLateInterest'> => ({
  type: 'AccrueLateInterest',
  ...context(`accrue:${asOf}:`),
  asOf: businessDate(asOf),
});

const restate = (
  history: readonly AgreementEvent[],
  q: number,
  amount: string,
): CommandOf<'RestateNetSales'> => {
  const reported = [...fold(history).netSalesReports.values()].find((r) =>
    r.period.from.startsWith(`2016-${String(q * 3 - 2).padStart(2, '0')}`),
  );
  return {
    ...reportUsSales(2016, q, amount, `restate:${q}:${amount}:`),
    type: 'RestateNetSales',
    restatesEventId: reported!.eventId,
    reason: 'returns',
  };
};

const obligations = (state: AgreementState): Obligation[] => [...state.obligations.values()];
const royalties = (state: AgreementState) => obligations(state).filter((o) => o.kind === 'royalty');
const upfrontFee = (state: AgreementState) =>
  obligations(state).find((o) => o.kind === 'upfront-fee')!;

/** Signed, upfront fee paid on time, Q1 2016 reported at $100M then restated to $90M. */
function restatedQ1(): AgreementEvent[] {
  const reported = recorded(
    signed(),
    pay('1000000.00', '2004-10-20'),
    reportUsSales(2016, 1, '100000000.00'),
  );
  return recorded(reported, restate(reported, 1, '90000000.00'));
}

describe('credits', () => {
  it('nets a restatement credit against the royalty when the licensee pays the net amount', () => {
    const history = restatedQ1();
    const [q1, credit] = royalties(fold(history));
    expect(credit?.amount.amountMinor).toBe(-30000000n);
    given(...history)
      .when(pay('2700000.00', '2016-05-10'))
      .then((events) => {
        const applied = ofType(events, 'PaymentApplied').map((e) => e.data);
        expect(applied).toEqual([
          expect.objectContaining({
            creditObligationId: credit!.obligationId,
            appliedOn: '2016-05-10',
            available: usd('300000.00'),
            allocations: [{ obligationId: q1!.obligationId, amount: usd('300000.00') }],
            unapplied: usd('0.00'),
          }),
          expect.objectContaining({
            available: usd('2700000.00'),
            allocations: [{ obligationId: q1!.obligationId, amount: usd('2700000.00') }],
            unapplied: usd('0.00'),
          }),
        ]);
        const after = fold([...history, ...events]);
        expect(royalties(after).map((o) => balanceOf(o).amountMinor)).toEqual([0n, 0n]);
      });
  });

  it('charges no late interest on the part of a royalty a restatement credit covered', () => {
    const history = recorded(restatedQ1(), pay('2700000.00', '2016-05-10'));
    given(...history)
      .when(accrue('2016-12-31'))
      .then((events) => expect(ofType(events, 'LateInterestAccrued')).toEqual([]));
  });

  it('applies a credit held from an overpayment when asked, interest running until that day', () => {
    const history = recorded(
      signed(),
      pay('1200000.00', '2004-10-20'),
      reportUsSales(2016, 1, '100000000.00'),
    );
    const paymentId = ofType(history, 'PaymentReceived')[0]!.eventId;
    const [q1] = royalties(fold(history));
    given(...history)
      .when(applyCredit('2016-06-29'))
      .then((events) => {
        expect(ofType(events, 'PaymentApplied').map((e) => e.data)).toEqual([
          {
            agreementId: expect.any(String),
            paymentEventId: paymentId,
            appliedOn: '2016-06-29',
            available: usd('200000.00'),
            allocations: [{ obligationId: q1!.obligationId, amount: usd('200000.00') }],
            unapplied: usd('0.00'),
          },
        ]);
        const interest = recorded([...history, ...events], accrue('2016-07-31'));
        expect(
          ofType(interest, 'LateInterestAccrued').flatMap((e) =>
            e.data.stretches.map((stretch) => [
              stretch.accruedFrom,
              stretch.accruedUntil,
              stretch.principal.amount,
            ]),
          ),
        ).toEqual([
          ['2016-05-30', '2016-06-29', '3000000.00'],
          ['2016-06-29', '2016-07-31', '2800000.00'],
        ]);
      });
  });

  it('applies a credit to the obligations named first, then oldest due first', () => {
    const history = recorded(
      signed(),
      pay('1500000.00', '2004-10-20'),
      reportUsSales(2016, 1, '100000000.00'),
      reportUsSales(2016, 2, '10000000.00'),
    );
    const [q1, q2] = royalties(fold(history));
    given(...history)
      .when(applyCredit('2016-08-01', [q2!.obligationId]))
      .then((events) => {
        const [applied] = ofType(events, 'PaymentApplied');
        expect(applied?.data.allocations).toEqual([
          { obligationId: q2!.obligationId, amount: usd('300000.00') },
          { obligationId: q1!.obligationId, amount: usd('200000.00') },
        ]);
      });
  });

  it('applies no credit on a day before it was held: a payment before its value date, a credit note before it arose', () => {
    // $200,000 of credit held from 2004-10-20; the Q1 2016 royalty open.
    const history = recorded(
      signed(),
      pay('1200000.00', '2004-10-20'),
      reportUsSales(2016, 1, '100000000.00'),
    );
    const paymentId = ofType(history, 'PaymentReceived')[0]!.eventId;
    given(...history)
      .when(applyCredit('2004-10-19'))
      .then((events) => expect(events).toEqual([]));
    given(...history)
      .when(applyCredit('2004-10-20'))
      .then((events) =>
        expect(ofType(events, 'PaymentApplied').map((e) => e.data.paymentEventId)).toEqual([
          paymentId,
        ]),
      );
    // A payment recorded late with an earlier value date is applied alone; the credit waits.
    given(...history)
      .when(pay('100.00', '2004-10-19'))
      .then((events) => {
        const applied = ofType(events, 'PaymentApplied');
        expect(applied.map((e) => e.data.paymentEventId)).toEqual([
          ofType(events, 'PaymentReceived')[0]!.eventId,
        ]);
        const after = fold([...history, ...events]);
        expect(after.payments.get(paymentId)?.unapplied.amountMinor).toBe(20000000n);
      });
    // The Q1 2016 restatement's credit note arose on 2016-01-01.
    given(...restatedQ1())
      .when(pay('2700000.00', '2015-12-31'))
      .then((events) => {
        const applied = ofType(events, 'PaymentApplied');
        expect(applied.map((e) => e.data.creditObligationId)).toEqual([undefined]);
      });
  });

  it('holds the credit of an obligation overpaid after a correction from the payment that overpays it', () => {
    // The upfront fee, adjusted up by $100,000 and paid in full on 2006-02-01; the adjustment
    // reversed later: $100,000 of that 2006 payment is credit, not before it was paid.
    const feeId = signed()[1]!.eventId;
    const adjusted = recorded(
      signed(),
      {
        type: 'AdjustObligation',
        ...context('adjust:'),
        obligationId: feeId,
        difference: usd('100000.00'),
        adjustedOn: '2006-01-01',
        reason: 'audit finding',
      },
      pay('1100000.00', '2006-02-01'),
      reportUsSales(2016, 1, '100000000.00'),
    );
    const history = recorded(adjusted, {
      type: 'ReverseEntry',
      ...context('reverse:'),
      reversedEventId: ofType(adjusted, 'ObligationAdjusted')[0]!.eventId,
      reason: 'entered in error',
    });
    expect(balanceOf(upfrontFee(fold(history))).amountMinor).toBe(-10000000n);
    given(...history)
      .when(applyCredit('2006-01-31'))
      .then((events) => expect(events).toEqual([]));
    given(...history)
      .when(applyCredit('2006-02-01'))
      .then((events) =>
        expect(ofType(events, 'PaymentApplied').map((e) => e.data.creditObligationId)).toEqual([
          feeId,
        ]),
      );
  });

  it('records nothing when no credit is left to apply', () => {
    const history = recorded(restatedQ1(), applyCredit('2016-06-01'));
    expect(ofType(history, 'PaymentApplied').at(-1)?.data.allocations).toHaveLength(1);
    given(...history)
      .when(applyCredit('2016-07-01', undefined, 'again:'))
      .then((events) => expect(events).toEqual([]));
  });

  it('records a PaymentApplied of a payment or of a credit note, never both or neither', () => {
    const { schema } = eventDefinition('PaymentApplied');
    const base = {
      agreementId: '00000000-0000-4000-8000-000000000001',
      appliedOn: '2016-05-10',
      available: usd('1.00'),
      allocations: [{ obligationId: '00000000-0000-4000-8000-000000000002', amount: usd('1.00') }],
      unapplied: usd('0.00'),
    };
    const payment = { paymentEventId: '00000000-0000-4000-8000-000000000003' };
    const note = { creditObligationId: '00000000-0000-4000-8000-000000000004' };
    expect(schema.safeParse({ ...base, ...payment }).success).toBe(true);
    expect(schema.safeParse({ ...base, ...note }).success).toBe(true);
    expect(schema.safeParse({ ...base, ...payment, ...note }).success).toBe(false);
    expect(schema.safeParse(base).success).toBe(false);
  });

  it('refuses to apply credits to an obligation of another agreement', () => {
    given(...restatedQ1())
      .when(applyCredit('2016-06-01', ['00000000-0000-4000-8000-000000000000']))
      .thenFails('unknown-obligation');
  });

  it('gives back exactly what a reversed application took, when the payment was applied twice', () => {
    const history = recorded(
      signed(),
      pay('1200000.00', '2004-10-20'),
      reportUsSales(2016, 1, '100000000.00'),
      applyCredit('2016-06-29'),
    );
    const paymentId = ofType(history, 'PaymentReceived')[0]!.eventId;
    const [first] = ofType(history, 'PaymentApplied');
    const after = recorded(history, {
      type: 'ReverseEntry',
      ...context('reverse:'),
      reversedEventId: first!.eventId,
      reason: 'applied to the wrong obligation',
    });
    const state = fold(after);
    expect(state.payments.get(paymentId)?.unapplied.amountMinor).toBe(100000000n);
    expect(balanceOf(upfrontFee(state)).amountMinor).toBe(100000000n);
    expect(balanceOf(royalties(state)[0]!).amountMinor).toBe(280000000n);
  });

  it('conserves money: credits used + cash applied + credit left = what was available', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 150000000n }),
        fc.array(fc.integer({ min: 1, max: 120 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.integer({ min: 0, max: 120 }), { minLength: 0, maxLength: 3 }),
        fc.bigInt({ min: 1n, max: 900000000n }),
        (upfrontPaid, sales, restated, cashMinor) => {
          let history = signed();
          if (upfrontPaid > 0n)
            history = recorded(history, pay(minorText(upfrontPaid), '2004-10-20'));
          sales.forEach((millions, index) => {
            history = recorded(history, reportUsSales(2016, index + 1, `${millions}000000.00`));
          });
          restated.slice(0, sales.length).forEach((millions, index) => {
            history = recorded(history, restate(history, index + 1, `${millions}000000.00`));
          });
          const before = fold(history);
          const events = recorded(history, pay(minorText(cashMinor), '2017-01-15', 'cash:')).slice(
            history.length,
          );
          const after = fold([...history, ...events]);
          for (const { data } of ofType(events, 'PaymentApplied')) {
            const parts = [...data.allocations.map((a) => a.amount), data.unapplied];
            expect(parts.reduce((t, m) => t + minor(m.amount), 0n)).toBe(
              minor(data.available.amount),
            );
          }
          const applied = obligations(after)
            .filter((o) => o.amount.amountMinor > 0n)
            .reduce(
              (t, o) => t + paidOf(o) - paidOf(before.obligations.get(o.obligationId) ?? o),
              0n,
            );
          expect(credit(before) + cashMinor).toBe(applied + credit(after));
          // Nothing is applied while credit is left and a positive obligation is open undisputed.
          const open = obligations(after).some(
            (o) => o.amount.amountMinor > 0n && balanceOf(o).amountMinor > 0n,
          );
          if (open) expect(credit(after)).toBe(0n);
        },
      ),
      { numRuns: 60 },
    );
  });
});

const minor = (amount: string): bigint => BigInt(amount.replace('.', ''));
const minorText = (value: bigint): string =>
  `${value / 100n}.${String(value % 100n).padStart(2, '0')}`;
const paidOf = (o: Obligation): bigint => o.payments.reduce((t, p) => t + p.amount.amountMinor, 0n);
/** Payments' unapplied credit plus the open credit of negative obligations. */
function credit(state: AgreementState): bigint {
  const payments = [...state.payments.values()].reduce((t, p) => t + p.unapplied.amountMinor, 0n);
  const notes = obligations(state)
    .filter((o) => o.amount.amountMinor < 0n && balanceOf(o).amountMinor < 0n)
    .reduce((t, o) => t - balanceOf(o).amountMinor, 0n);
  return payments + notes;
}
