import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import { decide } from '../../../src/domain/agreement/decide';
import { amountPaidOf, balanceOf } from '../../../src/domain/agreement/obligation';
import { milestonesForFact } from '../../../src/domain/policies/milestonesForFact';
import { context, fold, given, idFor, ofType } from '../support/agreementSpec';
import {
  AGREEMENT_ID,
  indSubmittedFact,
  reportUsSales,
  sign,
  signed,
  usd,
} from '../support/foundingDealStory';

describe('the founding deal end to end (Biogen Idec / ImmunoGen, 2004)', () => {
  it('makes the $1M upfront fee due 30 days after signing on 2004-10-01', () => {
    given()
      .when(sign())
      .then((events) => {
        expect(events.map((e) => e.type)).toEqual(['AgreementSigned', 'UpfrontFeeDue']);
        const [fee] = ofType(events, 'UpfrontFeeDue');
        expect(fee?.data).toMatchObject({
          agreementId: AGREEMENT_ID,
          amount: usd('1000000.00'),
          signedOn: '2004-10-01',
          dueOn: '2004-10-31',
          termsEventId: events[0]?.eventId,
        });
      });
  });

  it('triggers $1.5M under clause 5.2(a) on Biogen Idec’s IND submission for BIIB015, due 2008-03-02', () => {
    const state = fold(signed());
    const events = milestonesForFact({ fact: indSubmittedFact('ind', '2008-02-01'), state, idFor });
    expect(events).toHaveLength(1);
    const [milestone] = ofType(events, 'MilestoneTriggered');
    expect(milestone?.data).toMatchObject({
      clauseId: '5.2(a)',
      amount: usd('1500000.00'),
      achievedOn: '2008-02-01',
      dueOn: '2008-03-02',
      scope: { kind: 'product', productId: 'biib015' },
      causedByEventId: idFor('ind'),
    });
    expect(milestone?.eventId).toBe(idFor(`${idFor('ind')}:5.2(a):product:biib015`));
  });

  it('applies the payments: the upfront fee in 2004, the IND milestone in 2008, nothing left open', () => {
    const history: AgreementEvent[] = [...signed()];
    const [fee] = ofType(history, 'UpfrontFeeDue');
    history.push(
      ...decide(
        {
          type: 'RecordPayment',
          ...context('pay1:'),
          amount: usd('1000000.00'),
          receivedOn: '2004-10-29',
          payerPartyId: 'biogen-idec',
          payeePartyId: 'immunogen',
          reference: 'WIRE-2004-1029',
        },
        fold(history),
      ),
    );
    history.push(
      ...milestonesForFact({
        fact: indSubmittedFact('ind', '2008-02-01'),
        state: fold(history),
        idFor,
      }),
    );
    const [milestone] = ofType(history, 'MilestoneTriggered');
    const paid = decide(
      {
        type: 'RecordPayment',
        ...context('pay2:'),
        amount: usd('1500000.00'),
        receivedOn: '2008-02-28',
        payerPartyId: 'biogen-idec',
        payeePartyId: 'immunogen',
        reference: 'WIRE-2008-0228',
        intendedObligationIds: [milestone!.eventId],
      },
      fold(history),
    );
    const [applied] = ofType(paid, 'PaymentApplied');
    expect(applied?.data.allocations).toEqual([
      { obligationId: milestone!.eventId, amount: usd('1500000.00') },
    ]);
    expect(applied?.data.unapplied).toEqual(usd('0.00'));
    const state = fold([...history, ...paid]);
    for (const obligation of state.obligations.values())
      expect(balanceOf(obligation).amountMinor).toBe(0n);
    expect(amountPaidOf(state.obligations.get(fee!.eventId)!).amountMinor).toBe(100_000_000n);
  });

  it('accrues a year of quarterly royalties that add up to the year computed at once, crossing the 3.5% tier', () => {
    const quarters = ['60000000.00', '80000000.00', '90000000.00', '100000000.00'];
    let history: AgreementEvent[] = signed();
    for (const [index, amount] of quarters.entries()) {
      history = [...history, ...decide(reportUsSales(2015, index + 1, amount), fold(history))];
    }
    const royalties = ofType(history, 'RoyaltyAccrued').map((e) =>
      BigInt(e.data.amount.amount.replace('.', '')),
    );
    // $250M at 3% + $80M at 3.5% = $7.5M + $2.8M.
    expect(royalties.reduce((a, b) => a + b, 0n)).toBe(1_030_000_000n);
    expect(royalties).toEqual([180_000_000n, 240_000_000n, 270_000_000n, 340_000_000n]);
    const [q3] = ofType(history, 'RoyaltyAccrued').slice(2);
    expect(q3?.data).toMatchObject({
      clauseId: '6.1',
      period: { from: '2015-07-01', to: '2015-09-30' },
      dueOn: '2015-11-30',
    });
    // Annual net sales first exceed $250M in Q4 (330M): the $21.5M sales milestone 5.4(a).
    const [salesMilestone] = ofType(history, 'MilestoneTriggered');
    expect(salesMilestone?.data).toMatchObject({
      clauseId: '5.4(a)',
      amount: usd('21500000.00'),
      achievedOn: '2015-12-31',
      dueOn: '2016-02-29',
    });
  });
});
