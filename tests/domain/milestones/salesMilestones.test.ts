import { parseTerms } from '../../../src/domain/agreement/terms';
import { currencyCode } from '../../../src/domain/currency';
import { businessDate } from '../../../src/domain/dates';
import {
  NO_MILESTONE_PROGRESS,
  withMilestonesAchieved,
  type MilestoneProgress,
} from '../../../src/domain/milestones/milestoneProgress';
import {
  salesMilestonesCrossed,
  type NetSalesPosition,
} from '../../../src/domain/milestones/salesMilestones';
import { money, type Money } from '../../../src/domain/money';
import { multiTargetDeal } from './multiTargetDeal';

const terms = parseTerms(multiTargetDeal);
const USD = currencyCode('USD');
const millions = (n: number): Money => money(BigInt(n) * 100_000_000n, USD);

function position(
  productId: string,
  annual: [number, number],
  cumulative: [number, number] = annual,
): NetSalesPosition {
  return {
    productId,
    annualBefore: millions(annual[0]),
    annualAfter: millions(annual[1]),
    cumulativeBefore: millions(cumulative[0]),
    cumulativeAfter: millions(cumulative[1]),
  };
}

function crossed(
  positions: NetSalesPosition[],
  progress: MilestoneProgress = NO_MILESTONE_PROGRESS,
) {
  return salesMilestonesCrossed(terms, progress, {
    reportId: 'report-2014-q3',
    periodEndsOn: businessDate('2014-09-30'),
    positions,
  }).map((a) => `${a.clauseId} for ${a.scopeKey}`);
}

describe('sales milestones', () => {
  it('triggers an annual milestone when a product’s year-to-date net sales first exceed the threshold', () => {
    expect(crossed([position('adc-2', [90, 120])])).toEqual(['S1 for product:adc-2']);
  });

  it('does not trigger on net sales that reach the threshold exactly: "exceeding" is strictly greater', () => {
    expect(crossed([position('adc-2', [90, 100])])).toEqual([]);
    expect(crossed([position('adc-2', [100, 101])])).toEqual(['S1 for product:adc-2']);
  });

  it('does not trigger a sales milestone that was already achieved, in a later year either', () => {
    const [first] = salesMilestonesCrossed(terms, NO_MILESTONE_PROGRESS, {
      reportId: 'report-2013-q4',
      periodEndsOn: businessDate('2013-12-31'),
      positions: [position('adc-2', [90, 120])],
    });
    const progress = withMilestonesAchieved(NO_MILESTONE_PROGRESS, [first!]);

    expect(crossed([position('adc-2', [95, 130])], progress)).toEqual([]);
  });

  it('adds the products’ cumulative net sales for a per-agreement milestone', () => {
    expect(
      crossed([position('adc-2', [10, 20], [290, 300]), position('adc-3', [10, 20], [190, 210])]),
    ).toEqual(['S2 for agreement']);
    expect(
      crossed([position('adc-2', [10, 20], [290, 300]), position('adc-3', [10, 20], [190, 200])]),
    ).toEqual([]);
  });

  it('counts only the products a sales milestone names', () => {
    expect(crossed([position('adc-2', [40, 60])])).toEqual([]);
    expect(crossed([position('adc-1', [40, 60])])).toEqual(['S3 for agreement']);
  });

  it('triggers every milestone one report crosses, once each', () => {
    expect(crossed([position('adc-1', [40, 700]), position('adc-3', [0, 110])])).toEqual([
      'S1 for product:adc-1',
      'S1 for product:adc-3',
      'S2 for agreement',
      'S3 for agreement',
    ]);
  });

  it('dates the achievement at the end of the reported period', () => {
    const [achievement] = salesMilestonesCrossed(terms, NO_MILESTONE_PROGRESS, {
      reportId: 'report-2014-q3',
      periodEndsOn: businessDate('2014-09-30'),
      positions: [position('adc-2', [90, 120])],
    });

    expect(achievement).toMatchObject({
      achievedOn: '2014-09-30',
      periodEndsOn: '2014-09-30',
      factId: 'report-2014-q3',
      productId: 'adc-2',
      amount: millions(10),
      rule: { kind: 'first-achievement' },
    });
  });

  it('refuses net sales in another currency than the thresholds’', () => {
    const inEuro = { ...position('adc-2', [90, 120]), annualAfter: money(1n, currencyCode('EUR')) };

    expect(() => crossed([inEuro])).toThrow(expect.objectContaining({ code: 'currency-mismatch' }));
  });

  it('refuses net sales of a product the agreement does not license', () => {
    expect(() => crossed([position('adc-9', [90, 120])])).toThrow(
      expect.objectContaining({ code: 'unknown-product', pointer: '/positions/0/productId' }),
    );
  });
});
