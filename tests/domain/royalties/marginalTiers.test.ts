import fc from 'fast-check';
import { money } from '../../../src/domain/money';
import { add, ratio, subtract, ZERO } from '../../../src/domain/ratio';
import { marginalRoyalty, marginalSlices } from '../../../src/domain/royalties/marginalTiers';
import { exactUsd, foundingTiers, percent, tiers, USD, usd } from './support/royaltyExamples';

describe('marginal tiers', () => {
  it('charges the first $250M at 3%, the next $150M at 3.5% and the rest at 4%', () => {
    expect(marginalRoyalty(foundingTiers, usd('250000000.00'))).toEqual(exactUsd('750000000'));
    expect(marginalRoyalty(foundingTiers, usd('400000000.00'))).toEqual(exactUsd('1275000000'));
    expect(marginalRoyalty(foundingTiers, usd('425000000.00'))).toEqual(exactUsd('1375000000'));
  });

  it('keeps fractions of a cent exact', () => {
    expect(marginalRoyalty(foundingTiers, usd('0.01'))).toEqual(exactUsd('0.03'));
    expect(marginalRoyalty(foundingTiers, usd('250000000.01'))).toEqual(exactUsd('750000000.035'));
  });

  it('charges a year whose returns exceed its sales at the first tier’s rate, as a credit', () => {
    expect(marginalRoyalty(foundingTiers, usd('-1000000.00'))).toEqual(exactUsd('-3000000'));
  });

  it('shows the slices a quarter crosses: the rest of the 3% band and the start of the 3.5% band', () => {
    expect(marginalSlices(foundingTiers, usd('175000000.00'), usd('290000000.00'))).toEqual([
      {
        kind: 'sales',
        from: usd('175000000.00'),
        to: usd('250000000.00'),
        rate: percent('3'),
        royalty: exactUsd('225000000'),
      },
      {
        kind: 'sales',
        from: usd('250000000.00'),
        to: usd('290000000.00'),
        rate: percent('3.5'),
        royalty: exactUsd('140000000'),
      },
    ]);
  });

  it('walks the slices back down, as credits, when returns lower the year’s sales', () => {
    expect(marginalSlices(foundingTiers, usd('260000000.00'), usd('240000000.00'))).toEqual([
      {
        kind: 'sales',
        from: usd('260000000.00'),
        to: usd('250000000.00'),
        rate: percent('3.5'),
        royalty: exactUsd('-35000000'),
      },
      {
        kind: 'sales',
        from: usd('250000000.00'),
        to: usd('240000000.00'),
        rate: percent('3'),
        royalty: exactUsd('-30000000'),
      },
    ]);
    expect(marginalSlices(foundingTiers, usd('5.00'), usd('5.00'))).toEqual([]);
  });

  it('makes the slices between two points add up to the difference of the royalties at them', () => {
    const amount = fc.bigInt({ min: -(10n ** 11n), max: 10n ** 12n });
    const schedule = fc
      .uniqueArray(fc.bigInt({ min: 1n, max: 10n ** 12n }), { maxLength: 4 })
      .chain((starts) =>
        fc
          .array(fc.integer({ min: 0, max: 100_000 }), {
            minLength: starts.length + 1,
            maxLength: starts.length + 1,
          })
          .map((rates) =>
            [0n, ...[...starts].sort((a, b) => (a < b ? -1 : 1))].map((from, index) => ({
              from: money(from, USD),
              rate: ratio(BigInt(rates[index] ?? 0), 1_000_000n),
            })),
          ),
      );
    fc.assert(
      fc.property(schedule, amount, amount, (bands, from, to) => {
        const slices = marginalSlices(bands, money(from, USD), money(to, USD));
        const total = slices.reduce((sum, slice) => add(sum, slice.royalty.amountMinor), ZERO);
        const expected = subtract(
          marginalRoyalty(bands, money(to, USD)).amountMinor,
          marginalRoyalty(bands, money(from, USD)).amountMinor,
        );
        expect(total).toEqual(expected);
      }),
    );
  });

  it('uses a single band when the tiers have one', () => {
    expect(marginalRoyalty(tiers(['0', '5']), usd('1000.00'))).toEqual(exactUsd('5000'));
  });
});
