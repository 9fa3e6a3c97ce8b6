import fc from 'fast-check';
import { parseTerms, type AgreementTerms } from '../../../src/domain/agreement/terms';
import { dateOf } from '../../../src/domain/dates';
import type {
  DevelopmentEventType,
  DevelopmentFact,
} from '../../../src/domain/milestones/developmentFact';
import { milestonesInValidTime } from '../../../src/domain/milestones/milestonesInValidTime';
import { formatMoney } from '../../../src/domain/money';
import { foundingDeal } from '../fixtures/foundingDeal';
import { approvalGranted, indSubmitted, phaseStarted, summary } from './developmentFacts';
import { multiTargetDeal } from './multiTargetDeal';

const founding = parseTerms(foundingDeal);
const multiTarget = parseTerms(multiTargetDeal);

/** Every fact judged under the same terms, in the order given. */
const achievedBy = (terms: AgreementTerms, ...facts: DevelopmentFact[]) =>
  milestonesInValidTime(facts.map((fact) => ({ fact, version: { terms } }))).map((a) =>
    summary(a.achievement),
  );

describe('milestones decided by when facts happened', () => {
  it('pays Phase II on its own start when that earlier start is recorded after the Phase III start', () => {
    const ind = indSubmitted('ind', 'biib015', '2008-02-01');
    const phase2 = phaseStarted('p2', 'biib015', 'II', '2009-03-02');
    const phase3 = phaseStarted('p3', 'biib015', 'III', '2010-05-03');
    const expected = [
      '5.2(a) for product:biib015 on 2008-02-01',
      '5.2(b) for product:biib015 on 2009-03-02',
      '5.2(c) for product:biib015 on 2010-05-03',
    ];
    expect(achievedBy(founding, ind, phase3, phase2)).toEqual(expected);
    expect(achievedBy(founding, phase3, phase2, ind)).toEqual(expected);
  });

  it('takes the earlier of two INDs as the first achievement, whichever was recorded first', () => {
    const later = indSubmitted('ind-later', 'biib015', '2008-09-01');
    const earlier = indSubmitted('ind-earlier', 'biib015', '2008-02-01');
    expect(achievedBy(founding, later, earlier)).toEqual([
      '5.2(a) for product:biib015 on 2008-02-01',
    ]);
  });

  it('breaks a tie of two facts of the same day by fact id', () => {
    const a = indSubmitted('a', 'biib015', '2008-02-01');
    const b = indSubmitted('b', 'biib015', '2008-02-01');
    const [first] = milestonesInValidTime([
      { fact: b, version: { terms: founding } },
      { fact: a, version: { terms: founding } },
    ]);
    expect(first?.achievement.factId).toBe('a');
  });

  it('counts the second distinct US indication in the order the approvals happened', () => {
    const lung = approvalGranted('lung', 'adc-1', 'US', 'lung cancer', '2013-01-10');
    const breast = approvalGranted('breast', 'adc-1', 'US', 'breast cancer', '2012-01-10');
    const expected = ['R2 for product:adc-1 on 2012-01-10', 'R3 for product:adc-1 on 2013-01-10'];
    expect(achievedBy(multiTarget, lung, breast)).toEqual(expected);
    expect(achievedBy(multiTarget, breast, lung)).toEqual(expected);
  });

  it('earns nothing with a fact judged under no terms (before the signing), yet counts its indication', () => {
    const before = approvalGranted('before', 'adc-1', 'US', 'breast cancer', '2012-01-10');
    const after = approvalGranted('after', 'adc-1', 'US', 'lung cancer', '2013-01-10');
    const achieved = milestonesInValidTime([
      { fact: before },
      { fact: after, version: { terms: multiTarget } },
    ]).map((a) => summary(a.achievement));
    expect(achieved).toEqual([
      'R2 for product:adc-1 on 2013-01-10',
      'R3 for product:adc-1 on 2013-01-10',
    ]);
  });
});

const EVENT_TYPES: readonly DevelopmentEventType[] = [
  'INDSubmitted',
  'ClinicalPhaseStarted',
  'RegulatoryFilingSubmitted',
  'RegulatoryApprovalGranted',
  'FirstCommercialSale',
];

function factsAbout(productIds: readonly string[]): fc.Arbitrary<DevelopmentFact[]> {
  const fact = fc.record(
    {
      eventType: fc.constantFrom(...EVENT_TYPES),
      productId: fc.constantFrom(...productIds),
      occurredOn: fc
        .record({
          year: fc.integer({ min: 2005, max: 2012 }),
          month: fc.integer({ min: 1, max: 12 }),
          day: fc.integer({ min: 1, max: 28 }),
        })
        .map(({ year, month, day }) => dateOf(year, month, day)),
      jurisdiction: fc.constantFrom('US', 'EU', 'JP'),
      phase: fc.constantFrom('I' as const, 'II' as const, 'III' as const),
      filingType: fc.constantFrom('BLA' as const, 'MAA' as const),
      indication: fc.constantFrom('breast cancer', 'lung cancer', 'lymphoma'),
    },
    { requiredKeys: ['eventType', 'productId', 'occurredOn'] },
  );
  return fc
    .array(fact, { maxLength: 20 })
    .map((facts) => facts.map((f, index) => ({ ...f, factId: `fact-${index}` })));
}

/** The same facts in any order, some delivered twice. */
const shuffledWithRepeats = (facts: readonly DevelopmentFact[]) =>
  fc
    .tuple(
      fc.array(fc.nat({ max: Math.max(facts.length - 1, 0) }), { maxLength: facts.length ? 8 : 0 }),
      fc.array(fc.nat(), { minLength: facts.length + 8, maxLength: facts.length + 8 }),
    )
    .map(([repeats, keys]) =>
      [...facts, ...repeats.map((i) => facts[i]!)]
        .map((fact, i) => ({ fact, key: keys[i] ?? 0 }))
        .sort((a, b) => a.key - b.key)
        .map(({ fact }) => fact),
    );

describe.each([
  ['the founding deal', founding],
  ['a multi-target deal', multiTarget],
])('the milestones of %s', (_name, terms) => {
  it('are the same, with the same dates and facts, whatever the order or duplication of the facts', () => {
    const identity = (facts: readonly DevelopmentFact[]) =>
      milestonesInValidTime(facts.map((fact) => ({ fact, version: { terms } })))
        .map(({ achievement: a }) =>
          JSON.stringify([a.clauseId, a.scopeKey, formatMoney(a.amount), a.achievedOn, a.factId]),
        )
        .sort();
    fc.assert(
      fc.property(
        factsAbout(terms.products.map((p) => p.productId)).chain((facts) =>
          shuffledWithRepeats(facts).map((again) => ({ facts, again })),
        ),
        ({ facts, again }) => {
          const once = identity(facts);
          expect(identity(again)).toEqual(once);
          expect(new Set(once.map((s) => s.split(',').slice(0, 2).join())).size).toBe(once.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});
