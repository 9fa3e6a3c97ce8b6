import type { CommandOf } from '../../../src/domain/agreement/commands';
import { decide } from '../../../src/domain/agreement/decide';
import { initialState } from '../../../src/domain/agreement/agreementState';
import { eventDefinition } from '../../../src/domain/events/catalogue';
import { EVENT_EXAMPLES, ROYALTY_ACCRUED_V1_EXAMPLE } from '../../../src/domain/events/examples';
import { parseEventData } from '../../../src/domain/events/parseEventData';
import { parseDecimal, add, ratio, type Ratio } from '../../../src/domain/ratio';
import { foundingDeal } from '../fixtures/foundingDeal';
import { context, fold, ofType } from '../support/agreementSpec';
import { reportUsSales, signed, usFacts } from '../support/foundingDealStory';
import { replaceAt } from './jsonPaths';
import { problemsOf } from './parseProblems';

const exact = (text: string): Ratio => {
  const [numerator, denominator] = text.split('/');
  return denominator === undefined
    ? parseDecimal(text)
    : ratio(BigInt(numerator!), BigInt(denominator));
};

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

describe('RoyaltyAccrued stored as version 1', () => {
  it('is at version 2 today, with one upcaster', () => {
    const definition = eventDefinition('RoyaltyAccrued');
    expect(definition.schemaVersion).toBe(2);
    expect(definition.upcasters.map((upcaster) => upcaster.fromVersion)).toEqual([1]);
  });

  it('reads as version 2: its slices with a kind and their stored net sales', () => {
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
        },
      },
    });
  });

  it('tells a whole-sales true-up from the period’s sales', () => {
    const v1 = {
      ...ROYALTY_ACCRUED_V1_EXAMPLE,
      computation: {
        ...ROYALTY_ACCRUED_V1_EXAMPLE.computation,
        tierModel: 'whole-sales',
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
