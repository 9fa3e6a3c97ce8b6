import { parseTerms } from '../../../src/domain/agreement/terms';
import { businessDate } from '../../../src/domain/dates';
import { currencyCode } from '../../../src/domain/currency';
import { milestonesAchievedBy } from '../../../src/domain/milestones/developmentMilestones';
import { NO_MILESTONE_PROGRESS } from '../../../src/domain/milestones/milestoneProgress';
import { salesMilestonesCrossed } from '../../../src/domain/milestones/salesMilestones';
import { money } from '../../../src/domain/money';
import { dueOnOf } from '../../../src/domain/payments/dueOn';
import { foundingDeal } from '../fixtures/foundingDeal';
import { approvalGranted, given, indSubmitted, phaseStarted, replay } from './developmentFacts';

const terms = parseTerms(foundingDeal);
const USD = currencyCode('USD');
const clause = (clauseId: string) => terms.milestones.find((c) => c.clauseId === clauseId)!;

// The press release of 1 February 2008 announced the submission; its exact day was not public.
const biib015Ind = indSubmitted('ind-biib015', 'biib015', '2008-02-01');

describe('milestones of the founding deal (Biogen Idec / ImmunoGen, 2004)', () => {
  it('triggers the $1.5M milestone of clause 5.2(a) on the IND submission for BIIB015, due 30 days later', () => {
    const [achievement, ...others] = milestonesAchievedBy(terms, NO_MILESTONE_PROGRESS, biib015Ind);

    expect(others).toEqual([]);
    expect(achievement).toEqual({
      clauseId: '5.2(a)',
      scopeKey: 'product:biib015',
      achievementKey: '["5.2(a)","product:biib015"]',
      productId: 'biib015',
      amount: money(150_000_000n, USD),
      achievedOn: '2008-02-01',
      periodEndsOn: '2008-03-31',
      factId: 'ind-biib015',
      rule: { kind: 'first-achievement' },
    });
    // 2008 is a leap year: 1 February + 30 days is 2 March, not 3 March.
    expect(dueOnOf(clause('5.2(a)').payment, { achievedOn: achievement!.achievedOn })).toBe(
      '2008-03-02',
    );
  });

  it('triggers the IND milestone exactly once when the same IND submission is posted twice', () => {
    const { achievements } = replay(terms, [biib015Ind, biib015Ind]);

    expect(achievements.map((a) => a.clauseId)).toEqual(['5.2(a)']);
  });

  it('does not trigger the IND milestone twice for an amended IND', () => {
    const amended = indSubmitted('ind-biib015-amendment-1', 'biib015', '2008-04-15');

    expect(given(terms, biib015Ind).when(amended)).toEqual([]);
  });

  it('does not trigger the IND milestone for a second IND of the same product', () => {
    const secondInd = indSubmitted('ind-biib015-second', 'biib015', '2009-06-01', 'colorectal');

    expect(given(terms, biib015Ind).when(secondInd)).toEqual([]);
  });

  it('pays the skipped Phase II milestone 5.2(b) with 5.2(c) when Phase III starts first', () => {
    const phase3 = phaseStarted('p3-biib015', 'biib015', 'III', '2010-05-03');

    expect(given(terms, biib015Ind).when(phase3)).toEqual([
      '5.2(b) for product:biib015 on 2010-05-03 (skipped, with 5.2(c))',
      '5.2(c) for product:biib015 on 2010-05-03',
    ]);
    const both = milestonesAchievedBy(terms, replay(terms, [biib015Ind]).progress, phase3);
    expect(both.map((a) => dueOnOf(clause(a.clauseId).payment, a))).toEqual([
      '2010-06-02',
      '2010-06-02',
    ]);
  });

  it('never triggers 5.2(b) again once it was paid as a skipped milestone', () => {
    const phase3 = phaseStarted('p3-biib015', 'biib015', 'III', '2010-05-03');
    const latePhase2 = phaseStarted('p2-biib015', 'biib015', 'II', '2011-01-10');

    expect(given(terms, biib015Ind, phase3).when(latePhase2)).toEqual([]);
  });

  it('pays every skipped milestone of the sequence when Phase III is the first fact reported', () => {
    const phase3 = phaseStarted('p3-biib015', 'biib015', 'III', '2010-05-03');

    expect(given(terms).when(phase3)).toEqual([
      '5.2(a) for product:biib015 on 2010-05-03 (skipped, with 5.2(c))',
      '5.2(b) for product:biib015 on 2010-05-03 (skipped, with 5.2(c))',
      '5.2(c) for product:biib015 on 2010-05-03',
    ]);
  });

  it('pays Phase II on its own when the phases start in order', () => {
    const phase2 = phaseStarted('p2-biib015', 'biib015', 'II', '2009-03-02');
    const phase3 = phaseStarted('p3-biib015', 'biib015', 'III', '2010-05-03');

    expect(given(terms, biib015Ind).when(phase2)).toEqual([
      '5.2(b) for product:biib015 on 2009-03-02',
    ]);
    expect(given(terms, biib015Ind, phase2).when(phase3)).toEqual([
      '5.2(c) for product:biib015 on 2010-05-03',
    ]);
  });

  it('triggers the US approval milestone 5.3(a) only for an approval in the United States', () => {
    const euApproval = approvalGranted('eu-1', 'biib015', 'EU', 'solid tumours', '2014-02-03');
    const usApproval = approvalGranted('us-1', 'biib015', 'US', 'solid tumours', '2014-06-02');

    expect(given(terms, biib015Ind).when(euApproval)).toEqual([]);
    expect(given(terms, biib015Ind, euApproval).when(usApproval)).toEqual([
      '5.3(a) for product:biib015 on 2014-06-02',
    ]);
  });

  it('refuses a fact about a product the agreement does not license, naming the field', () => {
    expect(() =>
      milestonesAchievedBy(
        terms,
        NO_MILESTONE_PROGRESS,
        indSubmitted('ind-other', 'biib022', '2008-02-01'),
      ),
    ).toThrow(expect.objectContaining({ code: 'unknown-product', pointer: '/productId' }));
  });

  it('triggers 5.4(a) when annual net sales first exceed $250M, due 60 days after the quarter end', () => {
    const [achievement, ...others] = salesMilestonesCrossed(terms, NO_MILESTONE_PROGRESS, {
      reportId: 'net-sales-2015-q4',
      periodEndsOn: businessDate('2015-12-31'),
      positions: [
        {
          productId: 'biib015',
          annualBefore: money(24_000_000_000n, USD),
          annualAfter: money(26_000_000_000n, USD),
          cumulativeBefore: money(50_000_000_000n, USD),
          cumulativeAfter: money(52_000_000_000n, USD),
        },
      ],
    });

    expect(others).toEqual([]);
    expect(achievement).toMatchObject({
      clauseId: '5.4(a)',
      scopeKey: 'agreement',
      amount: money(2_150_000_000n, USD),
      achievedOn: '2015-12-31',
      periodEndsOn: '2015-12-31',
      factId: 'net-sales-2015-q4',
    });
    // 2016 is a leap year.
    expect(dueOnOf(clause('5.4(a)').payment, achievement!)).toBe('2016-02-29');
  });
});
