import type { Obligation } from '../../src/domain/agreement/obligation';
import { currencyCode } from '../../src/domain/currency';
import type { BusinessDate } from '../../src/domain/dates';
import { money } from '../../src/domain/money';
import { obligationStatusOf } from '../../projections/obligations';

const USD = currencyCode('USD');
const usd = (cents: bigint) => money(cents, USD);

const obligation = (changes: Partial<Obligation> = {}): Obligation => ({
  obligationId: 'o',
  kind: 'royalty',
  clauseId: '6.1',
  termsEventId: 't',
  amount: usd(10_000n),
  adjustments: usd(0n),
  waived: usd(0n),
  payments: [],
  disputed: usd(0n),
  disputes: [],
  dueOn: '2015-06-01' as BusinessDate,
  dueKnownOn: '2015-03-31' as BusinessDate,
  payment: null,
  arisesOn: '2015-03-31' as BusinessDate,
  reversed: false,
  interestAccruedThrough: null,
  ...changes,
});

const paid = (cents: bigint) => [
  {
    paymentEventId: 'p',
    appliedByEventId: 'a',
    paidOn: '2015-06-01' as BusinessDate,
    amount: usd(cents),
  },
];

describe('an obligation’s status', () => {
  it.each<[string, Partial<Obligation>, string]>([
    ['accrued while no due date is set', { dueOn: null }, 'accrued'],
    ['payable once due', {}, 'payable'],
    ['partially paid', { payments: paid(4_000n) }, 'partially-paid'],
    ['paid in full', { payments: paid(10_000n) }, 'paid'],
    ['paid when overpaid', { payments: paid(12_000n) }, 'paid'],
    ['waived in full', { waived: usd(10_000n) }, 'waived'],
    ['paid when the rest was waived', { waived: usd(6_000n), payments: paid(4_000n) }, 'paid'],
    ['disputed while a dispute is open', { disputed: usd(1_000n) }, 'disputed'],
    ['reversed, whatever else', { reversed: true, payments: paid(10_000n) }, 'reversed'],
    ['a credit while a credit note is unused', { amount: usd(-5_000n) }, 'credit'],
    ['a credit while partly used', { amount: usd(-5_000n), payments: paid(-2_000n) }, 'credit'],
    [
      'credit used once all of it is',
      { amount: usd(-5_000n), payments: paid(-5_000n) },
      'credit-used',
    ],
  ])('is %s', (_case, changes, status) => {
    expect(obligationStatusOf(obligation(changes))).toBe(status);
  });
});
