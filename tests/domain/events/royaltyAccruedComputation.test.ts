import type { CommandOf } from '../../../src/domain/agreement/commands';
import { decide } from '../../../src/domain/agreement/decide';
import { initialState } from '../../../src/domain/agreement/agreementState';
import { eventDefinition } from '../../../src/domain/events/catalogue';
import {
  EVENT_EXAMPLES,
  ROYALTY_ACCRUED_V1_EXAMPLE,
  ROYALTY_ACCRUED_V2_EXAMPLE,
} from '../../../src/domain/events/examples';
import { parseEventData } from '../../../src/domain/events/parseEventData';
import { businessDate } from '../../../src/domain/dates';
import { parseMoney } from '../../../src/domain/money';
import { parseDecimal, add, multiply, ratio, type Ratio } from '../../../src/domain/ratio';
import { roundToInteger } from '../../../src/domain/rounding';
import { foundingDeal } from '../fixtures/foundingDeal';
import { context, fold, given, ofType, recorded } from '../support/agreementSpec';
import { reportUsSales, signed, usFacts } from '../support/foundingDealStory';
import { replaceAt } from './jsonPaths';
import { problemsOf } from './parseProblems';

const exact = (text: string): Ratio => {
  const [numerator, denominator] = text.split('/');
  return denominator === undefined
    ? parseDecimal(text)
    : ratio(BigInt(numerator!), BigInt(denominator));
};

const minor = (amount: { amount: string; currency: string }): bigint =>
  parseMoney(amount).amountMinor;

const withGermany = (
  command: CommandOf<'ReportNetSales'>,
  amount: string,
): CommandOf<'ReportNetSales'> => ({
  ...command,
  lines: [
    ...command.lines,
    {
      productId: 'biib015',
      country: 'DE',
      netSales: { amount, currency: 'EUR' },
      exchangeRate: { localUnitsPerPaymentUnit: '1', rateDate: command.period.to },
    },
  ],
  facts: [...usFacts, { ...usFacts[0]!, country: 'DE' }],
});

describe('the computation a RoyaltyAccrued shows', () => {
  it('shows a country’s share of a marginal tier slice exactly, as a fraction, with the amounts owed unchanged', () => {
    const events = decide(
      withGermany(reportUsSales(2016, 1, '200000000.00'), '100000000.00'),
      fold(signed()),
    );
    const [us, de] = ofType(events, 'RoyaltyAccrued');
    const [firstSlice] = us!.data.computation.tierSlices;
    expect(firstSlice).toMatchObject({
      kind: 'sales',
      netSalesExact: '500000000/3',
      royaltyExact: '5000000',
    });
    // The countries' shares of each slice add up to the slice exactly.
    us!.data.computation.tierSlices.forEach((slice, index) => {
      const other = de!.data.computation.tierSlices[index]!;
      expect(add(exact(slice.netSalesExact), exact(other.netSalesExact))).toEqual(
        index === 0 ? ratio(250_000_000n) : ratio(50_000_000n),
      );
    });
    // 250M at 3% and 50M at 3.5%, two thirds to the US: 9,250,000 x 2/3 = 6,166,666.666... → .67
    expect(us!.data.amount).toEqual({ amount: '6166666.67', currency: 'USD' });
    expect(de!.data.amount).toEqual({ amount: '3083333.33', currency: 'USD' });
  });

  it('writes a whole-sales true-up into a lower band as a negative change of rate: a credit on the year’s earlier sales', () => {
    const terms = {
      ...foundingDeal,
      royalties: (foundingDeal.royalties ?? []).map((clause) => ({
        ...clause,
        tierModel: 'whole-sales' as const,
      })),
    };
    let history = decide({ type: 'SignAgreement', ...context(), terms }, initialState);
    history = [...history, ...decide(reportUsSales(2016, 1, '300000000.00'), fold(history))];
    const returns = decide(reportUsSales(2016, 2, '-100000000.00'), fold(history));
    const [accrued] = ofType(returns, 'RoyaltyAccrued');
    expect(accrued!.data.computation.tierSlices).toEqual([
      expect.objectContaining({ kind: 'sales', ratePercent: '3', royaltyExact: '-3000000' }),
      expect.objectContaining({
        kind: 'true-up',
        rateChangePercent: '-0.5',
        netSalesExact: '300000000',
        royaltyExact: '-1500000',
      }),
    ]);
    // The year: 200M at 3% = 6M; Q1 accrued 300M at 3.5% = 10.5M; Q2 credits 4.5M.
    expect(accrued!.data.amount).toEqual({ amount: '-4500000.00', currency: 'USD' });
  });

  it('shows a whole-sales true-up per earlier quarter, with the reductions that quarter bore: Q1 repriced without the generic cut Q2 bears', () => {
    const terms = {
      ...foundingDeal,
      royalties: (foundingDeal.royalties ?? []).map((clause) => ({
        ...clause,
        tierModel: 'whole-sales' as const,
      })),
    };
    const genericFromQ2 = [{ ...usFacts[0]!, genericEntryOn: businessDate('2016-02-10') }];
    const history = recorded(decide({ type: 'SignAgreement', ...context(), terms }, initialState), {
      ...reportUsSales(2016, 1, '200000000.00'),
      facts: genericFromQ2,
    });
    given(...history)
      .when({ ...reportUsSales(2016, 2, '100000000.00'), facts: genericFromQ2 })
      .then((events) => {
        const [q2] = ofType(events, 'RoyaltyAccrued');
        // Q2's $100M at 3.5%, halved: $1.75M; Q1's $200M from 3% to 3.5%, uncut: $1M.
        expect(q2!.data.amount).toEqual({ amount: '2750000.00', currency: 'USD' });
        expect(q2!.data.computation.reductions).toEqual([
          { kind: 'generic-entry', reductionPercent: '50', amountExact: '1750000' },
        ]);
        expect(q2!.data.computation.tierSlices[1]).toEqual({
          kind: 'true-up',
          fromAmount: { amount: '0.00', currency: 'USD' },
          toAmount: { amount: '200000000.00', currency: 'USD' },
          rateChangePercent: '0.5',
          netSalesExact: '200000000',
          royaltyExact: '1000000',
          repricedPeriod: { from: '2016-01-01', to: '2016-03-31' },
          reductions: [],
          royaltyAfterReductionsExact: '1000000',
        });
      });
  });

  it('carries the year to date an auditor recomputes each line from: the line’s share of the product’s rounded year, after less before', () => {
    const history = recorded(
      signed(),
      withGermany(reportUsSales(2016, 1, '200000000.00'), '100000000.00'),
    );
    const q2 = decide(
      withGermany(reportUsSales(2016, 2, '80000000.01'), '33333333.33'),
      fold(history),
    );
    const accrued = ofType([...history, ...q2], 'RoyaltyAccrued');
    for (const { data } of accrued) {
      const yearToDate = data.computation.yearToDate!;
      expect(minor(data.royalty)).toBe(
        minor(yearToDate.royaltyRoundedAfter) - minor(yearToDate.royaltyRoundedBefore),
      );
    }
    const [us, de] = ofType(q2, 'RoyaltyAccrued').map((e) => e.data.computation.yearToDate!);
    // The product's exact year is the lines' added up, and its rounded year is shared out whole.
    expect(add(exact(us!.royaltyExactAfter), exact(de!.royaltyExactAfter))).toEqual(
      exact(us!.productRoyaltyExactAfter),
    );
    expect(minor(us!.royaltyRoundedAfter) + minor(de!.royaltyRoundedAfter)).toBe(
      roundToInteger(multiply(exact(us!.productRoyaltyExactAfter), ratio(100n)), 'half-up'),
    );
  });

  it('moves a cent of the product’s rounding to the country it now belongs to, on a line of its own when that country sold nothing', () => {
    // Q1: 0.3 cents each in the US and Germany, 0.6 in all: one cent, to DE (equal fractions).
    // Q2: the US alone, now 1.11 cents, the product 1.41: still one cent, now the US's.
    const history = recorded(signed(), withGermany(reportUsSales(2016, 1, '0.10'), '0.10'));
    given(...history)
      .when({
        ...reportUsSales(2016, 2, '0.27'),
        facts: withGermany(reportUsSales(2016, 2, '0'), '0').facts,
      })
      .then((events) => {
        const lines = ofType(events, 'RoyaltyAccrued').map((e) => e.data);
        expect(lines.map((line) => [line.country, line.amount.amount])).toEqual([
          ['US', '0.01'],
          ['DE', '-0.01'],
        ]);
        expect(lines[1]).toMatchObject({
          computation: {
            netSales: { amount: '0.00', currency: 'USD' },
            tierSlices: [],
            yearToDate: {
              royaltyExactBefore: '0.003',
              royaltyExactAfter: '0.003',
              productRoyaltyExactAfter: '0.0141',
              royaltyRoundedBefore: { amount: '0.01', currency: 'USD' },
              royaltyRoundedAfter: { amount: '0.00', currency: 'USD' },
            },
          },
        });
      });
  });

  it('refuses a negative rate on a slice of sales: only a true-up changes a rate downwards', () => {
    const data = replaceAt(
      EVENT_EXAMPLES.RoyaltyAccrued,
      '/computation/tierSlices/0/ratePercent',
      () => '-0.5',
    );
    expect(problemsOf('RoyaltyAccrued', data)).toEqual([
      {
        pointer: '/computation/tierSlices/0/ratePercent',
        detail: expect.stringMatching(/between 0 and 100/),
      },
    ]);
  });

  it.each([
    ['2/6', /lowest terms/],
    ['1/4', /lowest terms/],
    ['1/0', /./],
  ])(
    'refuses the exact amount %s: a fraction in lowest terms, only where no decimal is exact',
    (text, detail) => {
      const data = replaceAt(
        EVENT_EXAMPLES.RoyaltyAccrued,
        '/computation/tierSlices/0/netSalesExact',
        () => text,
      );
      expect(problemsOf('RoyaltyAccrued', data)).toEqual([
        {
          pointer: '/computation/tierSlices/0/netSalesExact',
          detail: expect.stringMatching(detail),
        },
      ]);
    },
  );
});

describe('RoyaltyAccrued stored as version 1 or 2', () => {
  it('is at version 3 today, with two upcasters', () => {
    const definition = eventDefinition('RoyaltyAccrued');
    expect(definition.schemaVersion).toBe(3);
    expect(definition.upcasters.map((upcaster) => upcaster.fromVersion)).toEqual([1, 2]);
  });

  it('reads version 1 with its slices’ kind and stored net sales, and no year to date', () => {
    expect(parseEventData('RoyaltyAccrued', 1, ROYALTY_ACCRUED_V1_EXAMPLE)).toEqual({
      type: 'RoyaltyAccrued',
      data: {
        ...EVENT_EXAMPLES.RoyaltyAccrued,
        computation: {
          ...EVENT_EXAMPLES.RoyaltyAccrued.computation,
          tierSlices: [
            {
              ...EVENT_EXAMPLES.RoyaltyAccrued.computation.tierSlices[0],
              netSalesExact: '10000000.00',
            },
          ],
          yearToDate: null,
        },
      },
    });
  });

  it('reads version 2 with a null year to date: never made up', () => {
    expect(parseEventData('RoyaltyAccrued', 2, ROYALTY_ACCRUED_V2_EXAMPLE).data).toEqual({
      ...EVENT_EXAMPLES.RoyaltyAccrued,
      computation: { ...EVENT_EXAMPLES.RoyaltyAccrued.computation, yearToDate: null },
    });
  });

  it('reads a version 2 whole-sales true-up as one slice for all the year’s earlier sales, with no period and no reductions of its own', () => {
    const v2 = {
      ...ROYALTY_ACCRUED_V2_EXAMPLE,
      computation: {
        ...ROYALTY_ACCRUED_V2_EXAMPLE.computation,
        tierModel: 'whole-sales',
        tierSlices: [
          ...ROYALTY_ACCRUED_V2_EXAMPLE.computation.tierSlices,
          {
            kind: 'true-up',
            fromAmount: { amount: '0.00', currency: 'USD' },
            toAmount: { amount: '30000000.00', currency: 'USD' },
            rateChangePercent: '0.5',
            netSalesExact: '30000000',
            royaltyExact: '150000',
          },
        ],
      },
    };
    const event = parseEventData('RoyaltyAccrued', 2, v2);
    expect(event.type === 'RoyaltyAccrued' && event.data.computation.tierSlices[1]).toEqual({
      ...v2.computation.tierSlices[1],
      repricedPeriod: null,
      reductions: [],
      royaltyAfterReductionsExact: null,
    });
  });

  it('tells a whole-sales true-up from the period’s sales', () => {
    const v1 = {
      ...ROYALTY_ACCRUED_V1_EXAMPLE,
      computation: {
        ...ROYALTY_ACCRUED_V1_EXAMPLE.computation,
        tierModel: 'whole-sales',
        yearToDateNetSalesBefore: { amount: '30000000.00', currency: 'USD' },
        tierSlices: [
          {
            fromAmount: { amount: '30000000.00', currency: 'USD' },
            toAmount: { amount: '40000000.00', currency: 'USD' },
            ratePercent: '3',
            netSales: { amount: '10000000.00', currency: 'USD' },
            royaltyExact: '300000',
          },
          {
            fromAmount: { amount: '0.00', currency: 'USD' },
            toAmount: { amount: '30000000.00', currency: 'USD' },
            ratePercent: '0.5',
            netSales: { amount: '30000000.00', currency: 'USD' },
            royaltyExact: '150000',
          },
        ],
      },
    };
    const event = parseEventData('RoyaltyAccrued', 1, v1);
    expect(
      event.type === 'RoyaltyAccrued' && event.data.computation.tierSlices.map((s) => s.kind),
    ).toEqual(['sales', 'true-up']);
  });
});
