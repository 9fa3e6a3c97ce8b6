import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import type { AgreementTermsJson } from '../../../src/domain/agreement/termsSchema';
import { milestonesForFact } from '../../../src/domain/policies/milestonesForFact';
import { foundingDeal } from '../fixtures/foundingDeal';
import { fold, given, idFor, ofType, recorded } from '../support/agreementSpec';
import {
  amend,
  phaseStartedFact,
  reportUsSales,
  sign,
  signed,
  terminate,
  usd,
} from '../support/foundingDealStory';

const phaseIMilestone: NonNullable<AgreementTermsJson['milestones']>[number] = {
  clauseId: '5.2(a-1)',
  description: 'First patient dosed in a Phase I trial',
  amount: usd('750000.00'),
  trigger: { kind: 'development', eventType: 'ClinicalPhaseStarted', conditions: { phase: 'I' } },
  scope: 'product',
  payment: { daysAfter: 30, after: 'achievement', businessDayRoll: 'none' },
  skippedMilestones: 'not-payable',
};

const withPhaseIMilestone: AgreementTermsJson = {
  ...foundingDeal,
  milestones: [...(foundingDeal.milestones ?? []), phaseIMilestone],
};

const [royaltyClause] = foundingDeal.royalties ?? [];

/** The royalty clause at a flat 5% instead of 3% / 3.5% / 4%. */
const withFivePercentRoyalty: AgreementTermsJson = {
  ...foundingDeal,
  royalties: [
    {
      ...royaltyClause!,
      tiers: [{ fromAmount: usd('0.00'), ratePercent: '5' }],
    },
  ],
};

const milestonesFor = (history: readonly AgreementEvent[], fact: AgreementEvent) =>
  ofType(milestonesForFact({ fact, state: fold(history), idFor }), 'MilestoneTriggered');

const royaltyOf = (events: readonly AgreementEvent[]) =>
  ofType(events, 'RoyaltyAccrued').map((e) => e.data.amount);

describe('amending an agreement', () => {
  it('records the complete amended terms from their effective date, and nothing else', () => {
    given(...signed())
      .when(amend('2009-01-01', withPhaseIMilestone, ['5.2(a-1)']))
      .then((events) => {
        expect(events.map((e) => e.type)).toEqual(['AgreementAmended']);
        expect(events[0]?.data).toMatchObject({
          effectiveOn: '2009-01-01',
          changedClauseIds: ['5.2(a-1)'],
        });
      });
  });

  it('never rewrites an obligation already recorded: the upfront fee stays $1M after an amendment to $2M', () => {
    const history = recorded(
      signed(),
      amend(
        '2005-01-01',
        { ...foundingDeal, upfrontFee: { ...foundingDeal.upfrontFee!, amount: usd('2000000.00') } },
        ['5.1'],
      ),
    );
    const [fee] = ofType(history, 'UpfrontFeeDue');
    const state = fold(history);
    expect(state.obligations.get(fee!.eventId)?.amount.amountMinor).toBe(100000000n);
    expect(state.obligations.size).toBe(1);
  });

  it('triggers a milestone the amendment added on a fact after its effective date', () => {
    const history = recorded(signed(), amend('2009-01-01', withPhaseIMilestone, ['5.2(a-1)']));
    const [triggered] = milestonesFor(history, phaseStartedFact('phase-i', 'I', '2009-03-02'));
    expect(triggered?.data).toMatchObject({
      clauseId: '5.2(a-1)',
      amount: usd('750000.00'),
      achievedOn: '2009-03-02',
      dueOn: '2009-04-01',
      termsEventId: history[history.length - 1]!.eventId,
    });
  });

  it('does not trigger the added milestone on a fact before its effective date', () => {
    const history = recorded(signed(), amend('2009-01-01', withPhaseIMilestone, ['5.2(a-1)']));
    expect(milestonesFor(history, phaseStartedFact('phase-i', 'I', '2008-12-31'))).toEqual([]);
  });

  it('applies a changed royalty rate to the quarters after its effective date, not to a quarter already accrued', () => {
    const before = recorded(signed(), reportUsSales(2015, 1, '1000.00'));
    expect(royaltyOf(before)).toEqual([usd('30.00')]);
    const amended = recorded(before, amend('2015-04-01', withFivePercentRoyalty, ['6.1']));
    const [q1] = ofType(before, 'RoyaltyAccrued');
    expect(fold(amended).obligations.get(q1!.eventId)?.amount.amountMinor).toBe(3000n);
    given(...amended)
      .when(reportUsSales(2015, 2, '1000.00'))
      .then((events) => {
        expect(royaltyOf(events)).toEqual([usd('50.00')]);
        expect(ofType(events, 'RoyaltyAccrued')[0]?.data.termsEventId).toBe(
          amended[amended.length - 1]!.eventId,
        );
      });
  });

  it('builds a later quarter on the earlier quarters as priced at their own terms: Q1 at 3%, Q2 at 5% add up to the year to the cent', () => {
    const history = recorded(
      signed(),
      reportUsSales(2015, 1, '1000.10'),
      amend('2015-04-01', withFivePercentRoyalty, ['6.1']),
    );
    expect(royaltyOf(history)).toEqual([usd('30.00')]);
    // 30.003 + 50.005 = 80.008, 80.01 for the half year: Q2 bears 50.01, not 50.00.
    given(...history)
      .when(reportUsSales(2015, 2, '1000.10'))
      .then((events) => expect(royaltyOf(events)).toEqual([usd('50.01')]));
  });

  it('keeps the amended rate of a later quarter when an earlier quarter is restated: restating Q1 with identical figures books nothing on Q2', () => {
    const history = recorded(
      signed(),
      reportUsSales(2015, 1, '1000.00'),
      amend('2015-04-01', withFivePercentRoyalty, ['6.1']),
      reportUsSales(2015, 2, '1000.00'),
    );
    expect(royaltyOf(history)).toEqual([usd('30.00'), usd('50.00')]);
    const [q1Report] = ofType(history, 'NetSalesReported');
    given(...history)
      .when({
        ...reportUsSales(2015, 1, '1000.00', 'restate:2015Q1:'),
        type: 'RestateNetSales',
        restatesEventId: q1Report!.eventId,
        reason: 'a typo in the reference only',
      })
      .then((events) => {
        expect(ofType(events, 'NetSalesRestated')).toHaveLength(1);
        expect(royaltyOf(events)).toEqual([]);
      });
  });

  it('keeps the signed rate for a quarter that began before the effective date', () => {
    given(...recorded(signed(), amend('2015-02-15', withFivePercentRoyalty, ['6.1'])))
      .when(reportUsSales(2015, 1, '1000.00'))
      .then((events) => expect(royaltyOf(events)).toEqual([usd('30.00')]));
  });

  it('refuses to amend an agreement that was never signed', () => {
    given()
      .when(amend('2009-01-01', withPhaseIMilestone, ['5.2(a-1)']))
      .thenFails('agreement-not-signed');
  });

  it('refuses to amend a terminated agreement', () => {
    given(...recorded(signed(), terminate('2012-12-31')))
      .when(amend('2013-01-01', withPhaseIMilestone, ['5.2(a-1)']))
      .thenFails('agreement-terminated');
  });

  it('refuses an amendment that moves the signing date (it dates the upfront fee)', () => {
    given(...signed())
      .when(amend('2009-01-01', { ...foundingDeal, signedOn: '2004-11-01' }, []))
      .thenFails('signing-date-changed');
  });

  it('refuses the terms of another agreement', () => {
    given(...signed())
      .when(amend('2009-01-01', { ...sign().terms, agreementId: idFor('other') }, []))
      .thenFails('wrong-agreement');
  });
});
