import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import { emit } from '../../../src/domain/agreement/agreementEvent';
import { royaltyCountryFactsOf } from '../../../src/domain/products/royaltyCountryFacts';
import { idFor } from '../support/agreementSpec';

const PRODUCT = 'biib015';
let next = 0;
const fact = (type: string, data: object): AgreementEvent =>
  emit(idFor(`fact-${next++}`), type as never, { productId: PRODUCT, ...data } as never);

describe('what a product stream says about each country, for royalty statements', () => {
  it('takes the earliest first commercial sale and generic entry, whatever the order recorded', () => {
    const facts = royaltyCountryFactsOf([
      fact('FirstCommercialSale', { country: 'US', soldOn: '2014-03-01' }),
      fact('FirstCommercialSale', { country: 'US', soldOn: '2014-01-15' }),
      fact('GenericEntryReported', { country: 'US', enteredOn: '2026-05-01' }),
      fact('GenericEntryReported', { country: 'US', enteredOn: '2026-02-01' }),
      fact('FirstCommercialSale', { country: 'DE', soldOn: '2015-06-30' }),
    ]);
    expect(facts).toEqual([
      {
        productId: PRODUCT,
        country: 'US',
        firstCommercialSaleOn: '2014-01-15',
        genericEntryOn: '2026-02-01',
        validClaims: [],
      },
      { productId: PRODUCT, country: 'DE', firstCommercialSaleOn: '2015-06-30', validClaims: [] },
    ]);
  });

  it('pairs each Valid Claim’s start with its end, claim by claim, reinstatements included', () => {
    const claim = 'US 7,374,762 claim 1';
    const other = 'US 8,000,000 claim 3';
    const facts = royaltyCountryFactsOf([
      fact('ValidClaimCoverageStarted', {
        country: 'US',
        claimReference: claim,
        coveredFrom: '2010-01-01',
        basis: 'existing-at-signing',
      }),
      fact('ValidClaimCoverageStarted', {
        country: 'US',
        claimReference: other,
        coveredFrom: '2012-01-01',
        basis: 'granted',
      }),
      fact('ValidClaimCoverageEnded', {
        country: 'US',
        claimReference: claim,
        endedOn: '2020-01-01',
        cause: 'invalidated',
      }),
      fact('ValidClaimCoverageStarted', {
        country: 'US',
        claimReference: claim,
        coveredFrom: '2021-06-01',
        basis: 'reinstated',
      }),
    ]);
    expect(facts[0]?.validClaims).toEqual([
      { coveredFrom: '2010-01-01', endedOn: '2020-01-01' },
      { coveredFrom: '2021-06-01' },
      { coveredFrom: '2012-01-01' },
    ]);
  });

  it('leaves out what a reversal cancelled, wherever the reversal stands', () => {
    const wrong = fact('FirstCommercialSale', { country: 'JP', soldOn: '2013-01-01' });
    const facts = royaltyCountryFactsOf([
      wrong,
      fact('FirstCommercialSale', { country: 'JP', soldOn: '2016-04-01' }),
      emit(idFor('reversal'), 'EntryReversed', {
        productId: PRODUCT,
        reversedEventId: wrong.eventId,
        reversedEventType: 'FirstCommercialSale',
        reason: 'recorded for the wrong country',
      }),
    ]);
    expect(facts).toEqual([
      { productId: PRODUCT, country: 'JP', firstCommercialSaleOn: '2016-04-01', validClaims: [] },
    ]);
  });

  it('ignores an end with no recorded start', () => {
    const facts = royaltyCountryFactsOf([
      fact('ValidClaimCoverageEnded', {
        country: 'FR',
        claimReference: 'EP 1 claim 1',
        endedOn: '2020-01-01',
        cause: 'expired',
      }),
    ]);
    expect(facts).toEqual([{ productId: PRODUCT, country: 'FR', validClaims: [] }]);
  });
});
