import type { Reduction } from '../../../src/domain/agreement/terms';
import { applyReductions } from '../../../src/domain/royalties/royaltyReductions';
import { exactUsd, percent, usd } from './support/royaltyExamples';

const STACKING: Reduction = {
  kind: 'third-party-stacking',
  offset: percent('50'),
  floor: percent('50'),
};
const GENERIC: Reduction = { kind: 'generic-entry', reduction: percent('50') };
const NO_VALID_CLAIM: Reduction = { kind: 'no-valid-claim', reduction: percent('25') };

const circumstances = {
  genericCutApplies: false,
  coveredByValidClaim: true,
  pricedWithTiersWithoutValidClaim: false,
  thirdPartyRoyalties: usd('0.00'),
};
// $2.4M of royalty before reductions, in cents.
const ROYALTY = exactUsd('240000000');

describe('royalty reductions', () => {
  it('deducts half of the $1M the licensee paid third parties from a $2.4M royalty', () => {
    const result = applyReductions(ROYALTY, [STACKING], {
      ...circumstances,
      thirdPartyRoyalties: usd('1000000.00'),
    });
    expect(result.royalty).toEqual(exactUsd('190000000'));
    expect(result.applied).toEqual([
      {
        kind: 'third-party-stacking',
        base: ROYALTY,
        amount: exactUsd('50000000'),
        thirdPartyRoyalties: usd('1000000.00'),
      },
    ]);
  });

  it('never takes the royalty below its floor, whatever the licensee paid third parties', () => {
    const result = applyReductions(ROYALTY, [STACKING], {
      ...circumstances,
      thirdPartyRoyalties: usd('6000000.00'),
    });
    expect(result.royalty).toEqual(exactUsd('120000000'));
  });

  it('deducts nothing for third parties when none were paid, or from a credit', () => {
    expect(applyReductions(ROYALTY, [STACKING], circumstances)).toEqual({
      royalty: ROYALTY,
      applied: [],
    });
    const credit = exactUsd('-1000');
    expect(
      applyReductions(credit, [STACKING], {
        ...circumstances,
        thirdPartyRoyalties: usd('1000000.00'),
      }).royalty,
    ).toEqual(credit);
  });

  it('halves the royalty from the first full quarter after generic entry, and not before', () => {
    expect(
      applyReductions(ROYALTY, [GENERIC], { ...circumstances, genericCutApplies: true }),
    ).toEqual({
      royalty: exactUsd('120000000'),
      applied: [{ kind: 'generic-entry', base: ROYALTY, amount: exactUsd('120000000') }],
    });
    expect(applyReductions(ROYALTY, [GENERIC], circumstances).applied).toEqual([]);
  });

  it('applies the reductions in the order the contract states them', () => {
    const facts = {
      ...circumstances,
      genericCutApplies: true,
      thirdPartyRoyalties: usd('1000000.00'),
    };
    // Stacking first: (2.4M - 0.5M) x 50% = 0.95M. Generic entry first: 1.2M - 0.5M = 0.7M.
    const stackingFirst = applyReductions(ROYALTY, [STACKING, GENERIC], facts);
    expect(stackingFirst.royalty).toEqual(exactUsd('95000000'));
    expect(stackingFirst.applied.map((reduction) => reduction.base)).toEqual([
      ROYALTY,
      exactUsd('190000000'),
    ]);
    expect(applyReductions(ROYALTY, [GENERIC, STACKING], facts).royalty).toEqual(
      exactUsd('70000000'),
    );
  });

  it('reduces by the no-valid-claim share where no Valid Claim covers the product', () => {
    expect(
      applyReductions(ROYALTY, [NO_VALID_CLAIM], { ...circumstances, coveredByValidClaim: false })
        .royalty,
    ).toEqual(exactUsd('180000000'));
    expect(applyReductions(ROYALTY, [NO_VALID_CLAIM], circumstances).royalty).toEqual(ROYALTY);
  });

  it('does not reduce twice where the rates without a Valid Claim already priced it', () => {
    expect(
      applyReductions(ROYALTY, [NO_VALID_CLAIM], {
        ...circumstances,
        coveredByValidClaim: false,
        pricedWithTiersWithoutValidClaim: true,
      }).applied,
    ).toEqual([]);
  });
});
