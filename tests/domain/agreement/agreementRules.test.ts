import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import { decide } from '../../../src/domain/agreement/decide';
import { milestonesForFact } from '../../../src/domain/policies/milestonesForFact';
import { context, fold, given, idFor, ofType } from '../support/agreementSpec';
import { indSubmittedFact, reportUsSales, sign, signed, usd } from '../support/foundingDealStory';

const payment = (amount: string, key: string, intendedObligationIds?: string[]) =>
  ({
    type: 'RecordPayment',
    ...context(key),
    amount: usd(amount),
    receivedOn: '2008-03-01',
    payerPartyId: 'biogen-idec',
    payeePartyId: 'immunogen',
    reference: key,
    ...(intendedObligationIds && { intendedObligationIds }),
  }) as const;

function withIndMilestone(): AgreementEvent[] {
  const history = signed();
  return [
    ...history,
    ...milestonesForFact({
      fact: indSubmittedFact('ind', '2008-02-01'),
      state: fold(history),
      idFor,
    }),
  ];
}

describe('the agreement’s rules', () => {
  it('refuses to sign an agreement twice', () => {
    given(...signed())
      .when(sign())
      .thenFails('already-signed');
  });

  it('refuses impossible terms at signing, naming the clause', () => {
    given()
      .when({
        ...sign(),
        type: 'SignAgreement',
        terms: { ...sign().terms, paymentCurrency: 'XYZ' },
      } as never)
      .thenFails('invalid-terms');
  });

  it('refuses a payment before the agreement is signed', () => {
    given().when(payment('10.00', 'p')).thenFails('agreement-not-signed');
  });

  it('applies a payment oldest first and leaves the rest as an exact credit', () => {
    const history = withIndMilestone();
    const events = given(...history)
      .when(payment('2600000.01', 'p'))
      .events();
    const [applied] = ofType(events, 'PaymentApplied');
    expect(applied?.data.allocations.map((a) => a.amount)).toEqual([
      usd('1000000.00'),
      usd('1500000.00'),
    ]);
    expect(applied?.data.unapplied).toEqual(usd('100000.01'));
  });

  it('leaves an exact open balance after a partial payment of a named obligation', () => {
    const history = withIndMilestone();
    const [milestone] = ofType(history, 'MilestoneTriggered');
    const events = given(...history)
      .when(payment('0.01', 'p', [milestone!.eventId]))
      .events();
    const obligation = fold([...history, ...events]).obligations.get(milestone!.eventId)!;
    expect(obligation.payments.map((p) => p.amount.amountMinor)).toEqual([1n]);
  });

  it('refuses a payment naming an unknown obligation', () => {
    given(...signed())
      .when(payment('1.00', 'p', [idFor('nothing')]))
      .thenFails('unknown-obligation');
  });

  it('refuses a second report for the same period: a correction is a restatement', () => {
    const history = [...signed(), ...decide(reportUsSales(2015, 1, '1000.00'), fold(signed()))];
    given(...history)
      .when(reportUsSales(2015, 1, '2000.00', 'again:'))
      .thenFails('period-already-reported');
  });

  it('refuses net sales of a period after the termination', () => {
    const history = signed();
    const terminated = decide(
      {
        type: 'TerminateAgreement',
        ...context(),
        terminatedOn: '2012-12-31',
        terminatedBy: 'licensee',
        grounds: 'convenience',
        reason: 'portfolio review',
      },
      fold(history),
    );
    given(...history, ...terminated)
      .when(reportUsSales(2015, 1, '1000.00'))
      .thenFails('agreement-terminated');
  });

  it('waives only up to the open balance', () => {
    const history = withIndMilestone();
    const [milestone] = ofType(history, 'MilestoneTriggered');
    given(...history)
      .when({
        type: 'WaiveObligation',
        ...context(),
        obligationId: milestone!.eventId,
        waivedOn: '2008-03-01',
        amount: usd('1500000.01'),
        reason: 'goodwill',
      })
      .thenFails('exceeds-balance');
  });

  it('refuses to correct an unknown obligation', () => {
    given(...signed())
      .when({
        type: 'AdjustObligation',
        ...context(),
        obligationId: idFor('x'),
        difference: usd('1.00'),
        adjustedOn: '2008-03-01',
        reason: 'audit',
      })
      .thenFails('unknown-obligation');
  });

  it('reverses an adjustment exactly: adjusted and reversed, the obligation owes what it did before', () => {
    const history = withIndMilestone();
    const [milestone] = ofType(history, 'MilestoneTriggered');
    const adjusted = decide(
      {
        type: 'AdjustObligation',
        ...context('adj:'),
        obligationId: milestone!.eventId,
        difference: usd('-250000.00'),
        adjustedOn: '2008-03-01',
        reason: 'audit finding',
      },
      fold(history),
    );
    const reversal = decide(
      {
        type: 'ReverseEntry',
        ...context('rev:'),
        reversedEventId: adjusted[0]!.eventId,
        reason: 'posted in error',
      },
      fold([...history, ...adjusted]),
    );
    const after = fold([...history, ...adjusted, ...reversal]).obligations.get(milestone!.eventId)!;
    expect(after.adjustments.amountMinor).toBe(0n);
    given(...history, ...adjusted, ...reversal)
      .when({
        type: 'ReverseEntry',
        ...context('rev2:'),
        reversedEventId: adjusted[0]!.eventId,
        reason: 'again',
      })
      .thenFails('already-reversed');
  });

  it('takes a disputed milestone out of the oldest-first order of an unnamed payment', () => {
    const history = withIndMilestone();
    const [milestone] = ofType(history, 'MilestoneTriggered');
    const disputed = decide(
      {
        type: 'DisputeObligation',
        ...context('d:'),
        obligationId: milestone!.eventId,
        disputedOn: '2008-02-20',
        disputedBy: 'licensee',
        amount: usd('1500000.00'),
        reason: 'IND not yet submitted in the contract’s sense',
      },
      fold(history),
    );
    const events = given(...history, ...disputed)
      .when(payment('2500000.00', 'p'))
      .events();
    const [applied] = ofType(events, 'PaymentApplied');
    expect(applied?.data.allocations).toHaveLength(1);
    expect(applied?.data.unapplied).toEqual(usd('1500000.00'));
  });
});
