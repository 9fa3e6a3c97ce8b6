import { InvalidTermsError, parseTerms } from '../../../src/domain/agreement/terms';
import type { AgreementTermsJson } from '../../../src/domain/agreement/termsSchema';
import { ratio } from '../../../src/domain/ratio';
import { foundingDeal } from '../fixtures/foundingDeal';

function problemsOf(
  change: (terms: AgreementTermsJson) => void,
): { pointer: string; detail: string }[] {
  const terms = structuredClone(foundingDeal);
  change(terms);
  try {
    parseTerms(terms);
  } catch (error) {
    if (error instanceof InvalidTermsError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the terms to be refused');
}

describe('parseTerms', () => {
  it('reads the founding deal: money in cents, rates as exact fractions', () => {
    const terms = parseTerms(foundingDeal);
    expect(terms.upfrontFee?.amount).toEqual({ amountMinor: 100_000_000n, currency: 'USD' });
    expect(terms.milestones[0]).toMatchObject({
      clauseId: '5.2(a)',
      amount: { amountMinor: 150_000_000n, currency: 'USD' },
      trigger: { kind: 'development', eventType: 'INDSubmitted' },
    });
    expect(terms.royalties[0]?.tiers.map((tier) => tier.rate)).toEqual([
      ratio(3n, 100n),
      ratio(35n, 1000n),
      ratio(4n, 100n),
    ]);
    expect(terms.lateInterest).toEqual({
      kind: 'fixed',
      rate: ratio(1n, 100n),
      per: 'month',
      dayCount: 'actual/365',
    });
    expect(terms.audit?.costShiftThreshold).toEqual(ratio(5n, 100n));
  });

  it.each<[string, (terms: AgreementTermsJson) => void, string, RegExp]>([
    [
      'tiers that overlap',
      (terms) => (terms.royalties![0]!.tiers[2]!.fromAmount.amount = '250000000.00'),
      '/royalties/0/tiers/2/fromAmount',
      /strictly increasing/,
    ],
    [
      'tiers out of order',
      (terms) => (terms.royalties![0]!.tiers[1]!.fromAmount.amount = '500000000.00'),
      '/royalties/0/tiers/2/fromAmount',
      /strictly increasing/,
    ],
    [
      'a first tier above zero',
      (terms) => (terms.royalties![0]!.tiers[0]!.fromAmount.amount = '1.00'),
      '/royalties/0/tiers/0/fromAmount',
      /starts at 0/,
    ],
    [
      'a negative milestone',
      (terms) => (terms.milestones![0]!.amount.amount = '-1500000.00'),
      '/milestones/0/amount/amount',
      /negative/,
    ],
    [
      'a zero upfront fee',
      (terms) => (terms.upfrontFee!.amount.amount = '0.00'),
      '/upfrontFee/amount/amount',
      /more than zero/,
    ],
    [
      'an unknown currency',
      (terms) => (terms.paymentCurrency = 'XYZ'),
      '/paymentCurrency',
      /ISO 4217/,
    ],
    [
      'an amount in another currency',
      (terms) => (terms.milestones![1]!.amount = { amount: '3000000.00', currency: 'EUR' }),
      '/milestones/1/amount/currency',
      /payment currency USD/,
    ],
    [
      'more decimals than the currency has',
      (terms) => (terms.upfrontFee!.amount.amount = '1000000.005'),
      '/upfrontFee/amount/amount',
      /decimals/,
    ],
    [
      'a trigger on an unknown event type',
      (terms) =>
        ((terms.milestones![0]!.trigger as { eventType: string }).eventType = 'INDApproved'),
      '/milestones/0/trigger/eventType',
      /INDSubmitted/,
    ],
    [
      'a milestone on a product the agreement does not license',
      (terms) =>
        (terms.milestones![3]!.trigger = {
          kind: 'development',
          eventType: 'RegulatoryApprovalGranted',
          conditions: { productIds: ['other'] },
        }),
      '/milestones/3/trigger/conditions/productIds/0',
      /not a licensed product/,
    ],
    [
      'a clause reference used twice',
      (terms) => (terms.milestones![1]!.clauseId = '5.2(a)'),
      '/',
      /clause reference 5\.2\(a\) appears twice/,
    ],
    [
      'a rate above 100%',
      (terms) => (terms.royalties![0]!.tiers[0]!.ratePercent = '103'),
      '/royalties/0/tiers/0/ratePercent',
      /between 0 and 100/,
    ],
    [
      'a rate that is not a decimal',
      (terms) => (terms.royalties![0]!.tiers[0]!.ratePercent = '3%'),
      '/royalties/0/tiers/0/ratePercent',
      /not a decimal/,
    ],
    [
      'a fiscal year ending on a day that does not exist',
      (terms) => (terms.royalties![0]!.tierYear = { kind: 'fiscal', endsOn: '02-30' }),
      '/royalties/0/tierYear/endsOn',
      /calendar/,
    ],
    [
      'a royalty term of zero years',
      (terms) => (terms.royalties![0]!.royaltyTerm.years = 0),
      '/royalties/0/royaltyTerm/years',
      /./,
    ],
    [
      'two royalty clauses for the same product and country',
      (terms) =>
        terms.royalties!.push({
          ...structuredClone(terms.royalties![0]!),
          clauseId: '6.2',
          countries: ['JP'],
        }),
      '/royalties/1',
      /overlaps \/royalties\/0 for product biib015/,
    ],
    ['royalties without an FX rule', (terms) => delete terms.fx, '/fx', /FX rule/],
    [
      'a phase on an IND milestone',
      (terms) =>
        ((terms.milestones![0]!.trigger as { conditions: object }).conditions = { phase: 'II' }),
      '/milestones/0/trigger/conditions/phase',
      /ClinicalPhaseStarted/,
    ],
    [
      'a signing date that is not in the calendar',
      (terms) => (terms.signedOn = '2004-02-30'),
      '/signedOn',
      /calendar/,
    ],
    [
      'a filing type on an IND milestone',
      (terms) =>
        ((terms.milestones![0]!.trigger as { conditions: object }).conditions = {
          filingTypes: ['BLA'],
        }),
      '/milestones/0/trigger/conditions/filingTypes',
      /only to RegulatoryFilingSubmitted/,
    ],
    [
      'a per-target milestone on products without targets',
      (terms) => {
        terms.products[0]!.targets = [];
        terms.milestones![3]!.scope = 'target';
      },
      '/milestones/3/scope',
      /needs a product with targets/,
    ],
    [
      'a sequence that mixes scopes',
      (terms) => (terms.milestones![1]!.scope = 'agreement'),
      '/milestones/1/scope',
      /must share one scope/,
    ],
    [
      'a fiscal year that ends inside a calendar quarter',
      (terms) => (terms.royalties![0]!.tierYear = { kind: 'fiscal', endsOn: '05-31' }),
      '/royalties/0/tierYear/endsOn',
      /calendar quarter end/,
    ],
    [
      'a product id that cannot name an event stream',
      (terms) => (terms.products[0]!.productId = 'BIIB 015'),
      '/products/0/productId',
      /letters, digits/,
    ],
    [
      'a jurisdiction in lower case',
      (terms) =>
        ((terms.milestones![3]!.trigger as { conditions: object }).conditions = {
          jurisdictions: ['us'],
        }),
      '/milestones/3/trigger/conditions/jurisdictions/0',
      /upper-case/,
    ],
    [
      'an unknown member, pointed at itself',
      (terms) => ((terms.upfrontFee as Record<string, unknown>)['dueDays'] = 30),
      '/upfrontFee/dueDays',
      /./,
    ],
  ])('refuses %s, naming the clause', (_, change, pointer, detail) => {
    const problems = problemsOf(change);
    expect(problems).toContainEqual({ pointer, detail: expect.stringMatching(detail) });
  });

  it('lists every problem at once', () => {
    const problems = problemsOf((terms) => {
      terms.paymentCurrency = 'XYZ';
      terms.milestones![0]!.amount.amount = '-1.00';
      delete terms.fx;
    });
    expect(problems.map((problem) => problem.pointer)).toEqual(
      expect.arrayContaining(['/paymentCurrency', '/milestones/0/amount/amount', '/fx']),
    );
  });
});
