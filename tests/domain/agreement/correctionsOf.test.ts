import fc from 'fast-check';
import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import type { AgreementCommand, CommandOf } from '../../../src/domain/agreement/commands';
import { correctionsOf } from '../../../src/domain/agreement/correctionsOf';
import { amountDueOf } from '../../../src/domain/agreement/obligation';
import { add, type Money } from '../../../src/domain/money';
import { context, fold, ofType, recorded } from '../support/agreementSpec';
import { quarter, reportUsSales, signed, usd } from '../support/foundingDealStory';

// Signing the founding deal creates its $1,000,000.00 upfront fee.
const feeId = (history: readonly AgreementEvent[]) => ofType(history, 'UpfrontFeeDue')[0]!.eventId;

const adjust = (obligationId: string, difference: string, key = difference): AgreementCommand =>
  ({
    type: 'AdjustObligation',
    ...context(`adjust:${key}:`),
    obligationId,
    difference: usd(difference),
    adjustedOn: '2004-11-01',
    reason: 'recomputed',
  }) satisfies CommandOf<'AdjustObligation'>;

const reverse = (reversedEventId: string, key = reversedEventId): AgreementCommand => ({
  type: 'ReverseEntry',
  ...context(`reverse:${key}:`),
  reversedEventId,
  reason: 'posted in error',
});

const entryOf = (history: readonly AgreementEvent[], id: string) =>
  correctionsOf(history).find((e) => e.originalEventId === id);

describe('correctionsOf', () => {
  it('shows an adjustment and its reversal beside the original: they net to zero', () => {
    const base = signed();
    const fee = feeId(base);
    const adjusted = recorded(base, adjust(fee, '-100000.00'));
    const adjustment = ofType(adjusted, 'ObligationAdjusted')[0]!.eventId;
    const history = recorded(adjusted, reverse(adjustment));
    const entry = entryOf(history, fee);
    expect(entry).toMatchObject({
      originalType: 'UpfrontFeeDue',
      kind: 'upfront-fee',
      original: { amountMinor: 100_000_000n },
      resulting: { amountMinor: 100_000_000n },
    });
    expect(
      entry?.corrections.map((c) => [c.type, c.correctsEventId, c.effect.amountMinor]),
    ).toEqual([
      ['ObligationAdjusted', fee, -10_000_000n],
      ['EntryReversed', adjustment, 10_000_000n],
    ]);
  });

  it('shows a reversed obligation resulting in nothing owed', () => {
    const base = signed();
    const fee = feeId(base);
    const history = recorded(base, adjust(fee, '500.00'), reverse(fee));
    const entry = entryOf(history, fee);
    expect(entry?.corrections.map((c) => c.effect.amountMinor)).toEqual([50_000n, -100_050_000n]);
    expect(entry?.resulting.amountMinor).toBe(0n);
  });

  it('lists an audit’s shortfall beside the royalty it corrects, without adding to it', () => {
    const history = recorded(signed(), reportUsSales(2016, 1, '10000000.00'), {
      type: 'RecordAuditFindings',
      ...context('audit:'),
      auditReference: 'A-1',
      conductedOn: '2017-03-15',
      auditedPeriod: { from: '2016-01-01', to: '2016-12-31' },
      auditCost: usd('0.00'),
      findings: [
        {
          clauseId: '6.1',
          period: quarter(2016, 1),
          productId: 'biib015',
          country: 'US',
          royaltyDue: usd('310000.00'),
        },
      ],
    });
    const royalty = ofType(history, 'RoyaltyAccrued')[0]!.eventId;
    const shortfall = ofType(history, 'AuditShortfallAssessed')[0]!;
    const entry = entryOf(history, royalty);
    expect(entry?.supplementedBy).toEqual([
      { eventId: shortfall.eventId, type: 'AuditShortfallAssessed', amount: expect.anything() },
    ]);
    expect(entry?.resulting).toEqual(entry?.original);
  });

  it('property: original + the corrections’ effects = resulting = what the state owes', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            cents: fc.integer({ min: -5_000_000, max: 5_000_000 }).filter((c) => c !== 0),
            reversed: fc.boolean(),
          }),
          { maxLength: 6 },
        ),
        (steps) => {
          const base = signed();
          const fee = feeId(base);
          let history = base;
          for (const [index, step] of steps.entries()) {
            const sign = step.cents < 0 ? '-' : '';
            const abs = Math.abs(step.cents);
            const amount = `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
            history = recorded(history, adjust(fee, amount, `${index}`));
            if (step.reversed) {
              const last = ofType(history, 'ObligationAdjusted').at(-1)!.eventId;
              history = recorded(history, reverse(last, `${index}`));
            }
          }
          const entry = entryOf(history, fee)!;
          const net = entry.corrections.reduce<Money>(
            (total, c) => add(total, c.effect),
            entry.original,
          );
          expect(net).toEqual(entry.resulting);
          expect(entry.resulting).toEqual(amountDueOf(fold(history).obligations.get(fee)!));
        },
      ),
      { numRuns: 50 },
    );
  });
});
