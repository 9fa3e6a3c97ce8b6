import fc from 'fast-check';
import { currencyCode } from '../../../src/domain/currency';
import { businessDate, dateOf } from '../../../src/domain/dates';
import { money, type Money } from '../../../src/domain/money';
import { applyPayment, type ReceivedPayment } from '../../../src/domain/payments/applyPayment';
import { openBalanceOf, type OpenObligation } from '../../../src/domain/payments/openObligation';

const USD = currencyCode('USD');
const usd = (cents: bigint): Money => money(cents, USD);

function obligation(
  obligationId: string,
  amountDueCents: bigint,
  dueOn: string,
  details: Partial<OpenObligation> = {},
): OpenObligation {
  return {
    obligationId,
    kind: 'milestone',
    amountDue: usd(amountDueCents),
    amountPaid: usd(0n),
    dueOn: businessDate(dueOn),
    disputed: false,
    ...details,
  };
}

const payment = (cents: bigint, obligationIds?: string[]): ReceivedPayment => ({
  amount: usd(cents),
  receivedOn: businessDate('2008-03-10'),
  ...(obligationIds && { obligationIds }),
});

const upfront = obligation('upfront', 100_000_000n, '2004-10-31', { kind: 'upfront-fee' });
const indMilestone = obligation('ind-5.2(a)', 150_000_000n, '2008-03-02');
const royaltyQ4 = obligation('royalty-2007-q4', 2_500_000n, '2008-02-29', { kind: 'royalty' });

function applied(
  cents: bigint,
  open: OpenObligation[],
  obligationIds?: string[],
): { applications: [string, bigint][]; creditCents: bigint } {
  const allocation = applyPayment(payment(cents, obligationIds), open);
  return {
    applications: allocation.applications.map((a) => [a.obligationId, a.amount.amountMinor]),
    creditCents: allocation.unappliedCredit.amountMinor,
  };
}

describe('applying a payment', () => {
  it('settles the $1.5M IND milestone named by the remittance', () => {
    expect(applied(150_000_000n, [royaltyQ4, indMilestone], ['ind-5.2(a)'])).toEqual({
      applications: [['ind-5.2(a)', 150_000_000n]],
      creditCents: 0n,
    });
  });

  it('applies to the named obligations first, in the order named, then oldest due first', () => {
    const open = [upfront, royaltyQ4, indMilestone];

    expect(applied(151_000_000n, open, ['ind-5.2(a)', 'royalty-2007-q4'])).toEqual({
      applications: [
        ['ind-5.2(a)', 150_000_000n],
        ['royalty-2007-q4', 1_000_000n],
      ],
      creditCents: 0n,
    });
    expect(applied(160_000_000n, open, ['royalty-2007-q4'])).toEqual({
      applications: [
        ['royalty-2007-q4', 2_500_000n],
        ['upfront', 100_000_000n],
        ['ind-5.2(a)', 57_500_000n],
      ],
      creditCents: 0n,
    });
  });

  it('applies an unnamed payment to the oldest due date first, ties by obligation id', () => {
    const sameDay = obligation('a-same-day', 1_000n, '2008-02-29');

    expect(applied(102_501_000n, [indMilestone, royaltyQ4, sameDay, upfront])).toEqual({
      applications: [
        ['upfront', 100_000_000n],
        ['a-same-day', 1_000n],
        ['royalty-2007-q4', 2_500_000n],
      ],
      creditCents: 0n,
    });
  });

  it('leaves an exact open balance after a partial payment', () => {
    const partlyPaid = { ...indMilestone, amountPaid: usd(50_000_000n) };

    expect(applied(33_333_333n, [partlyPaid])).toEqual({
      applications: [['ind-5.2(a)', 33_333_333n]],
      creditCents: 0n,
    });
    expect(openBalanceOf(partlyPaid)).toEqual(usd(100_000_000n));
  });

  it('never pays more than an open balance: the excess becomes an unapplied credit', () => {
    const partlyPaid = { ...indMilestone, amountPaid: usd(149_000_000n) };

    expect(applied(1_500_000n, [partlyPaid], ['ind-5.2(a)'])).toEqual({
      applications: [['ind-5.2(a)', 1_000_000n]],
      creditCents: 500_000n,
    });
    expect(applied(5n, [])).toEqual({ applications: [], creditCents: 5n });
  });

  it('skips disputed and waived obligations unless the payment names them', () => {
    const disputed = obligation('disputed', 1_000n, '2001-01-01', { disputed: true });
    const waived = obligation('waived', 1_000n, '2001-01-01', { waived: true });

    expect(applied(2_000n, [disputed, waived, royaltyQ4])).toEqual({
      applications: [['royalty-2007-q4', 2_000n]],
      creditCents: 0n,
    });
    expect(applied(2_000n, [disputed, waived, royaltyQ4], ['disputed', 'waived'])).toEqual({
      applications: [
        ['disputed', 1_000n],
        ['waived', 1_000n],
      ],
      creditCents: 0n,
    });
  });

  it('applies a payment naming the same obligation twice only once', () => {
    expect(applied(200_000_000n, [indMilestone], ['ind-5.2(a)', 'ind-5.2(a)'])).toEqual({
      applications: [['ind-5.2(a)', 150_000_000n]],
      creditCents: 50_000_000n,
    });
  });

  it('refuses a payment in another currency than the obligations’', () => {
    expect(() =>
      applyPayment(
        { amount: money(1_000n, currencyCode('EUR')), receivedOn: businessDate('2008-03-10') },
        [indMilestone],
      ),
    ).toThrow(expect.objectContaining({ code: 'currency-mismatch' }));
  });

  it('refuses a payment naming an obligation that is not open, before applying anything', () => {
    expect(() => applyPayment(payment(1_000n, ['ind-5.2(a)', 'unknown']), [indMilestone])).toThrow(
      expect.objectContaining({ code: 'unknown-obligation', pointer: '/obligationIds/1' }),
    );
  });

  it('refuses a negative payment', () => {
    expect(() => applyPayment(payment(-1n), [indMilestone])).toThrow(
      expect.objectContaining({ code: 'invalid-payment' }),
    );
  });
});

const obligationArbitrary = fc.record({
  amountDue: fc.bigInt({ min: 0n, max: 10n ** 10n }),
  paidShare: fc.bigInt({ min: 0n, max: 120n }),
  dueOn: fc
    .record({ month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 28 }) })
    .map(({ month, day }) => dateOf(2008, month, day)),
  disputed: fc.boolean(),
  waived: fc.boolean(),
});

const openObligations = fc.array(obligationArbitrary, { maxLength: 12 }).map((rows) =>
  rows.map((row, index): OpenObligation => ({
    obligationId: `obligation-${index}`,
    kind: 'royalty',
    amountDue: usd(row.amountDue),
    // Up to 120% paid: an overpaid obligation (a correction pending) has no open balance.
    amountPaid: usd((row.amountDue * row.paidShare) / 100n),
    dueOn: row.dueOn,
    disputed: row.disputed,
    waived: row.waived,
  })),
);

const scenario = openObligations.chain((open) =>
  fc.record({
    open: fc.constant(open),
    amount: fc.bigInt({ min: 0n, max: 10n ** 11n }),
    named:
      open.length === 0
        ? fc.constant<string[]>([])
        : fc.array(fc.constantFrom(...open.map((o) => o.obligationId)), { maxLength: 4 }),
    shuffle: fc.array(fc.nat(), { minLength: open.length, maxLength: open.length }),
  }),
);

const shuffled = <T>(items: readonly T[], keys: readonly number[]): T[] =>
  items
    .map((item, i) => ({ item, key: keys[i] ?? 0 }))
    .sort((a, b) => a.key - b.key)
    .map(({ item }) => item);

describe('payments (properties)', () => {
  it('conserve money: the applications and the credit add up to the payment', () => {
    fc.assert(
      fc.property(scenario, ({ open, amount, named }) => {
        const { applications, unappliedCredit } = applyPayment(payment(amount, named), open);
        const appliedCents = applications.reduce((total, a) => total + a.amount.amountMinor, 0n);
        expect(appliedCents + unappliedCredit.amountMinor).toBe(amount);
        expect(unappliedCredit.amountMinor >= 0n).toBe(true);
      }),
    );
  });

  it('never overpay an obligation, and apply only positive amounts, once per obligation', () => {
    fc.assert(
      fc.property(scenario, ({ open, amount, named }) => {
        const { applications } = applyPayment(payment(amount, named), open);
        const ids = applications.map((a) => a.obligationId);
        expect(new Set(ids).size).toBe(ids.length);
        for (const application of applications) {
          const target = open.find((o) => o.obligationId === application.obligationId)!;
          expect(application.amount.amountMinor > 0n).toBe(true);
          expect(application.amount.amountMinor <= openBalanceOf(target).amountMinor).toBe(true);
          if (target.disputed || target.waived) expect(named).toContain(target.obligationId);
        }
      }),
    );
  });

  it('leave a credit only when every obligation it could pay is settled', () => {
    fc.assert(
      fc.property(scenario, ({ open, amount, named }) => {
        const { applications, unappliedCredit } = applyPayment(payment(amount, named), open);
        if (unappliedCredit.amountMinor === 0n) return;
        for (const o of open) {
          if ((o.disputed || o.waived) && !named.includes(o.obligationId)) continue;
          const paid = applications.find((a) => a.obligationId === o.obligationId);
          expect(paid?.amount.amountMinor ?? 0n).toBe(openBalanceOf(o).amountMinor);
        }
      }),
    );
  });

  it('do not depend on the order in which the open obligations are listed', () => {
    fc.assert(
      fc.property(scenario, ({ open, amount, named, shuffle }) => {
        expect(applyPayment(payment(amount, named), shuffled(open, shuffle))).toEqual(
          applyPayment(payment(amount, named), open),
        );
      }),
    );
  });

  it('settle the same obligations whether an unnamed amount arrives at once or in two payments', () => {
    fc.assert(
      fc.property(scenario, fc.bigInt({ min: 0n, max: 10n ** 11n }), ({ open, amount }, split) => {
        const first = split < amount ? split : amount;
        const once = applyPayment(payment(amount), open);
        const firstPart = applyPayment(payment(first), open);
        const afterFirst = open.map((o) => {
          const paid = firstPart.applications.find((a) => a.obligationId === o.obligationId);
          return paid
            ? { ...o, amountPaid: usd(o.amountPaid.amountMinor + paid.amount.amountMinor) }
            : o;
        });
        const secondPart = applyPayment(payment(amount - first), afterFirst);
        const total = (id: string) =>
          [...firstPart.applications, ...secondPart.applications]
            .filter((a) => a.obligationId === id)
            .reduce((sum, a) => sum + a.amount.amountMinor, 0n);
        for (const o of open) {
          const paidOnce = once.applications.find((a) => a.obligationId === o.obligationId);
          expect(total(o.obligationId)).toBe(paidOnce?.amount.amountMinor ?? 0n);
        }
        expect(firstPart.unappliedCredit.amountMinor + secondPart.unappliedCredit.amountMinor).toBe(
          once.unappliedCredit.amountMinor,
        );
      }),
    );
  });
});
