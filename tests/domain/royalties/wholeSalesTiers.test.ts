import { tierContaining } from '../../../src/domain/royalties/tierContaining';
import { wholeSalesRoyalty } from '../../../src/domain/royalties/wholeSalesTiers';
import { exactUsd, foundingTiers, percent, usd } from './support/royaltyExamples';

describe('whole-sales bands', () => {
  it('charges all of a $300M year at 3.5%, the band its total falls in', () => {
    expect(wholeSalesRoyalty(foundingTiers, usd('300000000.00'))).toEqual(exactUsd('1050000000'));
  });

  it('puts a total exactly on a band’s start in that band', () => {
    expect(tierContaining(foundingTiers, usd('250000000.00')).rate).toEqual(percent('3.5'));
    expect(tierContaining(foundingTiers, usd('249999999.99')).rate).toEqual(percent('3'));
    expect(tierContaining(foundingTiers, usd('400000000.00')).rate).toEqual(percent('4'));
  });

  it('charges nothing on no sales, and credits returns at the first band’s rate', () => {
    expect(wholeSalesRoyalty(foundingTiers, usd('0.00'))).toEqual(exactUsd('0'));
    expect(wholeSalesRoyalty(foundingTiers, usd('-10.00'))).toEqual(exactUsd('-30'));
  });
});
