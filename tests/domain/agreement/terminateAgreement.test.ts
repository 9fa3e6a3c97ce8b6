import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import { milestonesForFact } from '../../../src/domain/policies/milestonesForFact';
import { context, fold, given, idFor, ofType, recorded } from '../support/agreementSpec';
import {
  indSubmittedFact,
  reportUsSales,
  signed,
  terminate,
  usd,
} from '../support/foundingDealStory';

const milestonesFor = (history: readonly AgreementEvent[], submittedOn: string) =>
  milestonesForFact({
    fact: indSubmittedFact(`ind:${submittedOn}`, submittedOn),
    state: fold(history),
    idFor,
  });

describe('terminating an agreement', () => {
  it('records the termination and its date', () => {
    given(...signed())
      .when(terminate('2012-12-31'))
      .then((events) =>
        expect(ofType(events, 'AgreementTerminated')[0]?.data).toMatchObject({
          terminatedOn: '2012-12-31',
          terminatedBy: 'licensee',
          grounds: 'convenience',
        }),
      );
  });

  it('refuses to terminate an agreement never signed, or one already terminated', () => {
    given().when(terminate('2012-12-31')).thenFails('agreement-not-signed');
    given(...recorded(signed(), terminate('2012-12-31')))
      .when(terminate('2013-06-30'))
      .thenFails('agreement-terminated');
  });

  it('leaves an obligation earned before the termination due, and payable', () => {
    const history = recorded(signed(), terminate('2004-12-31'));
    const [fee] = ofType(history, 'UpfrontFeeDue');
    expect(fold(history).obligations.get(fee!.eventId)?.dueOn).toBe('2004-10-31');
    given(...history)
      .when({
        type: 'RecordPayment',
        ...context('pay:'),
        amount: usd('1000000.00'),
        receivedOn: '2005-01-15',
        payerPartyId: 'biogen-idec',
        payeePartyId: 'immunogen',
        reference: 'wire',
      })
      .then((events) =>
        expect(ofType(events, 'PaymentApplied')[0]?.data.allocations).toEqual([
          { obligationId: fee!.eventId, amount: usd('1000000.00') },
        ]),
      );
  });

  it('still triggers a milestone achieved on the termination day', () => {
    const history = recorded(signed(), terminate('2008-02-01'));
    expect(ofType(milestonesFor(history, '2008-02-01'), 'MilestoneTriggered')).toHaveLength(1);
  });

  it('triggers nothing on a fact after the termination', () => {
    const history = recorded(signed(), terminate('2008-01-31'));
    expect(milestonesFor(history, '2008-02-01')).toEqual([]);
  });

  it('accrues the royalties of a period that began before the termination', () => {
    given(...recorded(signed(), terminate('2015-02-15')))
      .when(reportUsSales(2015, 1, '1000.00'))
      .then((events) =>
        expect(ofType(events, 'RoyaltyAccrued').map((e) => e.data.amount)).toEqual([usd('30.00')]),
      );
  });

  it('refuses a report of a period after the termination', () => {
    given(...recorded(signed(), terminate('2015-03-31')))
      .when(reportUsSales(2015, 2, '1000.00'))
      .thenFails('agreement-terminated');
  });
});
