import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import type { CommandOf } from '../../../src/domain/agreement/commands';
import { businessDate } from '../../../src/domain/dates';
import { given, ofType, recorded } from '../support/agreementSpec';
import { quarter, reportUsSales, signed, usd } from '../support/foundingDealStory';

// BIIB015 first sold in the US on 2011-05-16 with no Valid Claim: the ten-year royalty term's last
// day is 2021-05-15, within Q2 2021. Marginal tiers: 3% up to $250M of the calendar year.
const termEndsInQ2: CommandOf<'ReportNetSales'>['facts'] = [
  {
    productId: 'biib015',
    country: 'US',
    firstCommercialSaleOn: businessDate('2011-05-16'),
    validClaims: [],
  },
];

const report = (q: number, amount: string, withinTerm?: string): CommandOf<'ReportNetSales'> => {
  const command = reportUsSales(2021, q, amount);
  return {
    ...command,
    facts: termEndsInQ2,
    lines: command.lines.map((line) => ({
      ...line,
      ...(withinTerm !== undefined && { netSalesWithinRoyaltyTerm: usd(withinTerm) }),
    })),
  };
};

const amounts = (events: readonly AgreementEvent[]) =>
  ofType(events, 'RoyaltyAccrued').map((e) => e.data.amount.amount);

describe('the period in which a country’s royalty term ends', () => {
  it('bears royalty only on the sales made on or before the term’s last day, as reported', () => {
    // $4,000,000.00 within the term x 3% = $120,000.00; the other $6M bear nothing.
    given(...recorded(signed(), report(1, '10000000.00')))
      .when(report(2, '10000000.00', '4000000.00'))
      .then((events) => {
        expect(amounts(events)).toEqual(['120000.00']);
        expect(ofType(events, 'NetSalesReported')[0]?.data.lines[0]).toMatchObject({
          netSalesWithinRoyaltyTerm: usd('4000000.00'),
        });
      });
  });

  it('is refused without the sales within the term, naming the field to give', () => {
    given(...recorded(signed(), report(1, '10000000.00')))
      .when(report(2, '10000000.00'))
      .thenFails('royalty-term-ends-within-period');
  });

  it('refuses sales within the term in a period the term does not end in', () => {
    given(...recorded(signed()))
      .when(report(1, '10000000.00', '5000000.00'))
      .thenFails('royalty-term-does-not-end-within-period');
  });

  it('bears nothing after the term: the next quarter accrues no royalty', () => {
    given(...recorded(signed(), report(1, '10000000.00'), report(2, '10000000.00', '4000000.00')))
      .when(report(3, '10000000.00'))
      .then((events) => {
        expect(ofType(events, 'NetSalesReported')).toHaveLength(1);
        expect(amounts(events).filter((amount) => amount !== '0.00')).toEqual([]);
      });
  });

  it('checks the currency of the sales within the term against the line’s', () => {
    const command = report(2, '10000000.00');
    given(...recorded(signed(), report(1, '10000000.00')))
      .when({
        ...command,
        lines: command.lines.map((line) => ({
          ...line,
          netSalesWithinRoyaltyTerm: { amount: '1.00', currency: 'EUR' },
        })),
      })
      .thenFails('invalid-event-data');
    expect(quarter(2021, 2)).toEqual({ from: '2021-04-01', to: '2021-06-30' });
  });
});
