import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import type { CommandOf } from '../../../src/domain/agreement/commands';
import { decide } from '../../../src/domain/agreement/decide';
import { initialState } from '../../../src/domain/agreement/agreementState';
import { amountDueOf } from '../../../src/domain/agreement/obligation';
import type { AgreementTermsJson } from '../../../src/domain/agreement/termsSchema';
import { businessDate } from '../../../src/domain/dates';
import { minimumRoyaltyTrueUp } from '../../../src/domain/policies/minimumRoyaltyTrueUp';
import { foundingDeal } from '../fixtures/foundingDeal';
import { context, fold, idFor, ofType, recorded } from '../support/agreementSpec';
import { reportUsSales, sign, usd } from '../support/foundingDealStory';

// A minimum annual royalty of $100.00 from 2015; $1,000 of Q1 2015 sales bear $30.00 at 3%.

const withMinimum = (): AgreementEvent[] => {
  const [royalty] = foundingDeal.royalties ?? [];
  const terms: AgreementTermsJson = {
    ...foundingDeal,
    royalties: [royalty!],
    minimumAnnualRoyalty: {
      clauseId: '6.5',
      amount: usd('100.00'),
      firstYear: 2015,
      payment: { daysAfter: 30, after: 'period-end', businessDayRoll: 'none' },
    },
  };
  return decide({ ...sign(), terms }, initialState);
};

const assess = (year: number): CommandOf<'AssessYearEnd'> => ({
  type: 'AssessYearEnd',
  ...context(`assess:${year}:`),
  year,
  asOf: businessDate(`${year + 1}-01-05`),
});

const restateQ1 = (amount: string, history: readonly AgreementEvent[]) =>
  ({
    ...reportUsSales(2015, 1, amount, `restate:${amount}:`),
    type: 'RestateNetSales',
    restatesEventId: [...fold(history).netSalesReports.values()][0]!.eventId,
    reason: 'returns double-counted',
  }) satisfies CommandOf<'RestateNetSales'>;

/** Records the command's events one by one, running the policy after each, as the subscriber does. */
function withPolicy(history: readonly AgreementEvent[], command: CommandOf<'RestateNetSales'>) {
  let stream = [...history];
  for (const event of decide(command, fold(history))) {
    stream = [...stream, event];
    stream = [...stream, ...minimumRoyaltyTrueUp({ event, state: fold(stream), idFor })];
  }
  return stream;
}

const shortfallOwed = (stream: readonly AgreementEvent[]) =>
  [...fold(stream).obligations.values()]
    .filter((o) => o.kind === 'minimum-royalty-shortfall' && !o.reversed)
    .reduce((total, o) => total + amountDueOf(o).amountMinor, 0n);

describe('the minimum-royalty true-up policy', () => {
  const assessed = () => recorded(withMinimum(), reportUsSales(2015, 1, '1000.00'), assess(2015));

  it('adjusts an assessed shortfall down when a restatement raises the year’s royalties, naming the royalty that changed', () => {
    const history = assessed();
    const stream = withPolicy(history, restateQ1('2000.00', history));
    const [adjusted] = ofType(stream, 'ObligationAdjusted');
    const [restatedRoyalty] = ofType(stream, 'RoyaltyAccrued').slice(-1);
    expect(adjusted?.data).toMatchObject({
      obligationId: ofType(history, 'MinimumRoyaltyShortfallAssessed')[0]!.eventId,
      difference: usd('-30.00'),
      causedByEventId: restatedRoyalty!.eventId,
    });
    expect(shortfallOwed(stream)).toBe(4000n);
  });

  it('assesses the further shortfall when a restatement lowers the year’s royalties', () => {
    const history = assessed();
    const stream = withPolicy(history, restateQ1('500.00', history));
    expect(
      ofType(stream, 'MinimumRoyaltyShortfallAssessed').map((e) => e.data.amount.amount),
    ).toEqual(['70.00', '15.00']);
    expect(shortfallOwed(stream)).toBe(8500n);
  });

  it('writes nothing for a year not assessed, nor when a replay finds the year trued up already', () => {
    const unassessed = recorded(withMinimum(), reportUsSales(2015, 1, '1000.00'));
    const stream = withPolicy(unassessed, restateQ1('500.00', unassessed));
    expect(ofType(stream, 'MinimumRoyaltyShortfallAssessed')).toEqual([]);
    const history = assessed();
    const trued = withPolicy(history, restateQ1('500.00', history));
    const last = trued[trued.length - 1]!;
    expect(minimumRoyaltyTrueUp({ event: last, state: fold(trued), idFor })).toEqual([]);
  });
});
