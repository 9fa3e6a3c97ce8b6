import { parseTerms } from '../../../src/domain/agreement/terms';
import { milestonesAchievedBy } from '../../../src/domain/milestones/developmentMilestones';
import { NO_MILESTONE_PROGRESS } from '../../../src/domain/milestones/milestoneProgress';
import {
  approvalGranted,
  filingSubmitted,
  firstCommercialSale,
  given,
  indSubmitted,
  phaseStarted,
  replay,
} from './developmentFacts';
import { multiTargetDeal } from './multiTargetDeal';

const terms = parseTerms(multiTargetDeal);

describe('development milestones', () => {
  describe('scope', () => {
    it('triggers a per-target milestone once per target, whichever product reaches it first', () => {
      const adc1Ind = indSubmitted('ind-1', 'adc-1', '2007-03-01');
      const adc2Ind = indSubmitted('ind-2', 'adc-2', '2007-09-03');

      expect(given(terms).when(adc1Ind)).toEqual(['M1 for target:her2 on 2007-03-01']);
      // ADC-2 binds HER2 and EGFR: HER2's IND milestone is already achieved, EGFR's is not.
      expect(given(terms, adc1Ind).when(adc2Ind)).toEqual(['M1 for target:egfr on 2007-09-03']);
    });

    it('triggers a per-product milestone for each product and a per-agreement milestone once', () => {
      const adc1Us = approvalGranted('a-1', 'adc-1', 'US', 'breast cancer', '2012-01-10');
      const adc2Us = approvalGranted('a-2', 'adc-2', 'US', 'gastric cancer', '2013-01-10');
      const adc1Eu = approvalGranted('a-3', 'adc-1', 'EU', 'breast cancer', '2012-06-01');
      const adc2Jp = approvalGranted('a-4', 'adc-2', 'JP', 'gastric cancer', '2013-06-03');

      expect(given(terms, adc1Us).when(adc2Us)).toEqual(['R2 for product:adc-2 on 2013-01-10']);
      expect(given(terms, adc1Us, adc2Us).when(adc1Eu)).toEqual(['R4 for agreement on 2012-06-01']);
      expect(given(terms, adc1Us, adc2Us, adc1Eu).when(adc2Jp)).toEqual([]);
    });
  });

  describe('conditions', () => {
    it('triggers a filing milestone only for the filing types and jurisdictions of the clause', () => {
      expect(given(terms).when(filingSubmitted('f-1', 'adc-1', 'US', 'MAA', '2011-02-01'))).toEqual(
        [],
      );
      expect(given(terms).when(filingSubmitted('f-2', 'adc-1', 'EU', 'BLA', '2011-02-01'))).toEqual(
        [],
      );
      expect(given(terms).when(filingSubmitted('f-3', 'adc-1', 'US', 'BLA', '2011-02-01'))).toEqual(
        ['R1 for product:adc-1 on 2011-02-01'],
      );
    });

    it('does not meet a jurisdiction condition with a fact that names no jurisdiction', () => {
      const { jurisdiction: _unknown, ...withoutCountry } = firstCommercialSale(
        's-1',
        'adc-1',
        'JP',
        '2013-04-01',
      );

      expect(given(terms).when(withoutCountry)).toEqual([]);
      expect(given(terms).when(firstCommercialSale('s-2', 'adc-1', 'JP', '2013-04-01'))).toEqual([
        'C1 for product:adc-1 on 2013-04-01',
      ]);
    });

    it('meets product and indication conditions only together', () => {
      expect(given(terms).when(indSubmitted('i-1', 'adc-1', '2008-01-02', 'lymphoma'))).toEqual([
        'M1 for target:her2 on 2008-01-02',
      ]);
      expect(given(terms).when(indSubmitted('i-2', 'adc-3', '2008-01-02', 'leukaemia'))).toEqual([
        'M1 for target:cd19 on 2008-01-02',
      ]);
      expect(given(terms).when(indSubmitted('i-3', 'adc-3', '2008-01-02', 'lymphoma'))).toEqual([
        'M1 for target:cd19 on 2008-01-02',
        'I1 for agreement on 2008-01-02',
      ]);
    });

    it('triggers the second-indication milestone on the second distinct indication approved in the US', () => {
      const breast = approvalGranted('a-1', 'adc-1', 'US', 'breast cancer', '2012-01-10');
      const breastAgain = approvalGranted('a-2', 'adc-1', 'US', 'breast cancer', '2012-09-03');
      const lungInEu = approvalGranted('a-3', 'adc-1', 'EU', 'lung cancer', '2013-02-01');
      const lungInUs = approvalGranted('a-4', 'adc-1', 'US', 'lung cancer', '2014-03-03');

      expect(given(terms).when(breast)).toEqual(['R2 for product:adc-1 on 2012-01-10']);
      // A repeated indication does not count again.
      expect(given(terms, breast).when(breastAgain)).toEqual([]);
      // An EU approval is not a US approval: it does not make lung cancer the second US indication.
      expect(given(terms, breast, breastAgain).when(lungInEu)).toEqual([
        'R4 for agreement on 2013-02-01',
      ]);
      expect(given(terms, breast, breastAgain, lungInEu).when(lungInUs)).toEqual([
        'R3 for product:adc-1 on 2014-03-03',
      ]);
    });

    it('counts the distinct indications of each product separately', () => {
      const history = [
        approvalGranted('a-1', 'adc-1', 'US', 'breast cancer', '2012-01-10'),
        approvalGranted('a-2', 'adc-2', 'EU', 'gastric cancer', '2012-05-02'),
        approvalGranted('a-3', 'adc-1', 'EU', 'lung cancer', '2013-02-01'),
      ];
      const thirdForAdc2 = approvalGranted('a-4', 'adc-2', 'EU', 'lung cancer', '2013-06-03');
      const thirdForAdc1 = approvalGranted('a-5', 'adc-1', 'JP', 'gastric cancer', '2014-09-01');

      // Three indications across products, but only two for ADC-2: not yet a third indication.
      expect(given(terms, ...history).when(thirdForAdc2)).toEqual([]);
      expect(given(terms, ...history, thirdForAdc2).when(thirdForAdc1)).toEqual([
        'R5 for agreement on 2014-09-01',
      ]);
    });

    it('does not count a fact without an indication towards an nth-indication milestone', () => {
      const { indication: _none, ...approval } = approvalGranted(
        'a-1',
        'adc-1',
        'US',
        'x',
        '2012-01-10',
      );

      expect(given(terms).when(approval)).toEqual([]);
    });
  });

  describe('skipped milestones', () => {
    it('pays a skipped payable-with-next milestone of the same target with the next one achieved', () => {
      const phase3 = phaseStarted('p3', 'adc-3', 'III', '2010-03-01');

      // M1 is payable with the next; M2 (Phase I) is not: it stays payable on its own achievement.
      expect(given(terms).when(phase3)).toEqual([
        'M1 for target:cd19 on 2010-03-01 (skipped, with M3)',
        'M3 for target:cd19 on 2010-03-01',
      ]);
    });

    it('still pays a not-payable-if-skipped milestone when its own event happens later', () => {
      const phase3 = phaseStarted('p3', 'adc-3', 'III', '2010-03-01');
      const phase1 = phaseStarted('p1', 'adc-3', 'I', '2011-05-02');

      expect(given(terms, phase3).when(phase1)).toEqual(['M2 for target:cd19 on 2011-05-02']);
    });

    it('never triggers a milestone again after it was paid as skipped, even for an amended fact', () => {
      const phase3 = phaseStarted('p3', 'adc-3', 'III', '2010-03-01');
      const ind = indSubmitted('ind', 'adc-3', '2009-01-05');
      const amendedInd = indSubmitted('ind-amended', 'adc-3', '2009-02-02');

      expect(replay(terms, [phase3, ind, amendedInd]).achievements.map((a) => a.clauseId)).toEqual([
        'M1',
        'M3',
      ]);
    });

    it('pays a skipped milestone only for the scope key of the milestone achieved', () => {
      const adc1Ind = indSubmitted('ind-1', 'adc-1', '2007-03-01');
      const adc2Phase1 = phaseStarted('p1-2', 'adc-2', 'I', '2008-04-01');

      // HER2 had its IND; EGFR's IND milestone was skipped and is paid with EGFR's Phase I.
      expect(given(terms, adc1Ind).when(adc2Phase1)).toEqual([
        'M1 for target:egfr on 2008-04-01 (skipped, with M2)',
        'M2 for target:her2 on 2008-04-01',
        'M2 for target:egfr on 2008-04-01',
      ]);
    });

    it('does not pay a skipped milestone whose clause is limited to other products', () => {
      const json = structuredClone(multiTargetDeal);
      json.milestones!.push(
        {
          clauseId: 'P1',
          description: 'First Phase II trial of ADC-2',
          amount: { amount: '1000000.00', currency: 'USD' },
          trigger: {
            kind: 'development',
            eventType: 'ClinicalPhaseStarted',
            conditions: { phase: 'II', productIds: ['adc-2'] },
          },
          scope: 'product',
          payment: { daysAfter: 30, after: 'achievement' },
          sequence: { name: 'late-stage', order: 1 },
          skippedMilestones: 'payable-with-next',
        },
        {
          clauseId: 'P2',
          description: 'First Phase III trial of a product',
          amount: { amount: '2000000.00', currency: 'USD' },
          trigger: {
            kind: 'development',
            eventType: 'ClinicalPhaseStarted',
            conditions: { phase: 'III' },
          },
          scope: 'product',
          payment: { daysAfter: 30, after: 'achievement' },
          sequence: { name: 'late-stage', order: 2 },
        },
      );
      const limited = parseTerms(json);
      const summaries = (productId: string) =>
        given(limited)
          .when(phaseStarted('p3', productId, 'III', '2010-03-01'))
          .filter((line) => line.startsWith('P'));

      expect(summaries('adc-1')).toEqual(['P2 for product:adc-1 on 2010-03-01']);
      expect(summaries('adc-2')).toEqual([
        'P1 for product:adc-2 on 2010-03-01 (skipped, with P2)',
        'P2 for product:adc-2 on 2010-03-01',
      ]);
    });

    it('refuses, at signing, a sequence that mixes a per-product and a per-agreement milestone', () => {
      const json = structuredClone(multiTargetDeal);
      const [filing, firstApproval] = ['R1', 'R4'].map((id) =>
        json.milestones!.find((clause) => clause.clauseId === id)!,
      );
      Object.assign(filing!, {
        sequence: { name: 'regulatory', order: 1 },
        skippedMilestones: 'payable-with-next',
      });
      Object.assign(firstApproval!, { sequence: { name: 'regulatory', order: 2 } });

      // A skipped milestone is paid for the scope of the one achieved, so such a sequence could
      // never pay: the contract is refused when it is signed rather than silently never paying.
      expect(() => parseTerms(json)).toThrow(/must share one scope/);
    });

    it('records which clause a skipped milestone was paid with', () => {
      const [skipped] = milestonesAchievedBy(
        terms,
        NO_MILESTONE_PROGRESS,
        phaseStarted('p3', 'adc-3', 'III', '2010-03-01'),
      );

      expect(skipped).toMatchObject({
        clauseId: 'M1',
        factId: 'p3',
        productId: 'adc-3',
        rule: { kind: 'skipped-payable-with-next', skippedOverByClauseId: 'M3' },
      });
    });
  });
});
