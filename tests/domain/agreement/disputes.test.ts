import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import type { CommandOf } from '../../../src/domain/agreement/commands';
import { businessDate } from '../../../src/domain/dates';
import { milestonesForFact } from '../../../src/domain/policies/milestonesForFact';
import { context, fold, given, idFor, ofType, recorded } from '../support/agreementSpec';
import { indSubmittedFact, signed, usd } from '../support/foundingDealStory';

// The $1M upfront fee (due 2004-10-31) is older than the $1.5M IND milestone (due 2008-03-02).

const withIndMilestone = (): AgreementEvent[] => {
  const history = signed();
  return [
    ...history,
    ...milestonesForFact({
      fact: indSubmittedFact('ind', '2008-02-01'),
      state: fold(history),
      idFor,
    }),
  ];
};
const feeId = () => ofType(signed(), 'UpfrontFeeDue')[0]!.eventId;
const milestoneId = () => ofType(withIndMilestone(), 'MilestoneTriggered')[0]!.eventId;

const dispute = (obligationId: string, amount: string): CommandOf<'DisputeObligation'> => ({
  type: 'DisputeObligation',
  ...context(`dispute:${obligationId}:`),
  obligationId,
  disputedOn: '2008-03-01',
  disputedBy: 'licensee',
  amount: usd(amount),
  reason: 'signing conditions not met',
});

const resolve = (history: readonly AgreementEvent[]): CommandOf<'ResolveDispute'> => ({
  type: 'ResolveDispute',
  ...context('resolve:'),
  disputeEventId: ofType(history, 'ObligationDisputed')[0]!.eventId,
  resolvedOn: '2008-04-01',
  outcome: 'obligation-stands',
  reason: 'conditions were met',
});

const payment = (amount: string, intendedObligationIds?: string[]): CommandOf<'RecordPayment'> => ({
  type: 'RecordPayment',
  ...context('pay:'),
  amount: usd(amount),
  receivedOn: '2008-04-15',
  payerPartyId: 'biogen-idec',
  payeePartyId: 'immunogen',
  reference: 'wire',
  ...(intendedObligationIds && { intendedObligationIds }),
});

const allocations = (events: readonly AgreementEvent[]) =>
  ofType(events, 'PaymentApplied')[0]!.data.allocations.map((a) => [a.obligationId, a.amount]);

describe('disputes', () => {
  it('skips a disputed fee in the oldest-first order of an unnamed payment', () => {
    given(...recorded(withIndMilestone(), dispute(feeId(), '1000000.00')))
      .when(payment('1000000.00'))
      .then((events) => expect(allocations(events)).toEqual([[milestoneId(), usd('1000000.00')]]));
  });

  it('pays a disputed obligation the payment names', () => {
    given(...recorded(withIndMilestone(), dispute(feeId(), '1000000.00')))
      .when(payment('1000000.00', [feeId()]))
      .then((events) => expect(allocations(events)).toEqual([[feeId(), usd('1000000.00')]]));
  });

  it('puts a resolved obligation back in the oldest-first order', () => {
    const history = recorded(withIndMilestone(), dispute(feeId(), '1000000.00'));
    given(...recorded(history, resolve(history)))
      .when(payment('1000000.00'))
      .then((events) => expect(allocations(events)).toEqual([[feeId(), usd('1000000.00')]]));
  });

  it('resolves a dispute once', () => {
    const history = recorded(withIndMilestone(), dispute(feeId(), '1000000.00'));
    given(...recorded(history, resolve(history)))
      .when(resolve(history))
      .thenFails('unknown-dispute');
  });

  it('refuses to dispute more than the open balance not yet disputed', () => {
    given(...recorded(withIndMilestone(), dispute(feeId(), '600000.00')))
      .when({ ...dispute(feeId(), '400000.01'), ...context('again:') })
      .thenFails('dispute-exceeds-balance');
  });

  it('refuses to dispute an unknown obligation', () => {
    given(...signed())
      .when(dispute(idFor('nothing'), '1.00'))
      .thenFails('unknown-obligation');
  });

  it('charges no late interest on a fee disputed in full while the dispute is open', () => {
    const history = recorded(signed(), {
      ...dispute(feeId(), '1000000.00'),
      disputedOn: '2004-10-31',
    });
    given(...history)
      .when({
        type: 'AccrueLateInterest',
        ...context('interest:'),
        asOf: businessDate('2004-12-31'),
      })
      .then((events) => expect(ofType(events, 'LateInterestAccrued')).toEqual([]));
  });

  it('applies an unnamed $900k payment to the undisputed part of the $1M upfront fee with $100k disputed, and charges no late interest on it afterwards', () => {
    const history = recorded(signed(), {
      ...dispute(feeId(), '100000.00'),
      disputedOn: '2004-10-20',
    });
    const paid = given(...history)
      .when({ ...payment('900000.00'), receivedOn: '2004-10-25' })
      .events();
    expect(allocations(paid)).toEqual([[feeId(), usd('900000.00')]]);
    expect(ofType(paid, 'PaymentApplied')[0]?.data.unapplied).toEqual(usd('0.00'));
    given(...history, ...paid)
      .when({
        type: 'AccrueLateInterest',
        ...context('interest:'),
        asOf: businessDate('2004-12-31'),
      })
      .then((events) => expect(ofType(events, 'LateInterestAccrued')).toEqual([]));
  });
});
