import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { foundingDeal } from './domain/fixtures/foundingDeal';

describe('the README walkthrough’s example files', () => {
  it('examples/founding-deal.json signs the founding deal the tests sign', () => {
    const file = JSON.parse(
      readFileSync(join(__dirname, '..', 'examples', 'founding-deal.json'), 'utf8'),
    ) as unknown;
    expect(file).toEqual({ terms: foundingDeal });
  });
});
