import { moneySchema } from '../../../src/domain/agreement/termsSchema';
import { minorUnitsOf, currencyCode } from '../../../src/domain/currency';
import type { EventType } from '../../../src/domain/events/catalogue';
import { EVENT_EXAMPLES } from '../../../src/domain/events/examples';
import { datesIn, moneyIn, objectsIn, replaceAt } from './jsonPaths';
import { problemsOf } from './parseProblems';

// Rules every schema keeps, tried at every place of every example: strict objects, money as a
// decimal string with at most its currency's decimals, real calendar dates; each refusal points
// at the field.

const examples = Object.entries(EVENT_EXAMPLES) as [EventType, unknown][];
const everywhere = <T>(find: (data: unknown) => { pointer: string; value: T }[]) =>
  examples.flatMap(([type, data]) =>
    find(data).map(({ pointer, value }) => [type, pointer || '/', data, value] as const),
  );

const objects = everywhere(objectsIn);
const amounts = everywhere(moneyIn);
const dates = everywhere(datesIn);

describe('every event schema', () => {
  it('is tried on money wherever an event carries money, and on dates wherever it has dates', () => {
    const without = (found: readonly (readonly [EventType, ...unknown[]])[]) =>
      examples.map(([type]) => type).filter((type) => !found.some(([other]) => other === type));
    expect(without(amounts).sort()).toEqual(
      [
        'AgreementTerminated',
        'PayeeAssigned',
        'INDSubmitted',
        'INDBecameEffective',
        'ClinicalPhaseStarted',
        'RegulatoryFilingSubmitted',
        'RegulatoryApprovalGranted',
        'FirstCommercialSale',
        'GenericEntryReported',
        'ValidClaimCoverageStarted',
        'ValidClaimCoverageEnded',
        'PaymentNoticeGiven',
        'ObligationBecamePayable',
        'ObligationDisputeResolved',
        'MilestoneAchievementCorrected',
        'EntryReversed',
      ].sort(),
    );
    expect(without(dates).sort()).toEqual(['EntryReversed', 'PaymentApplied']);
  });

  it.each(objects)('%s refuses an unknown member at %s', (type, pointer, data) => {
    const at = pointer === '/' ? '' : pointer;
    const changed = replaceAt(data, at, (object) => ({
      ...(object as object),
      unexpectedMember: true,
    }));
    expect(problemsOf(type, changed)).toContainEqual({
      pointer: `${at}/unexpectedMember`,
      detail: 'unknown member "unexpectedMember"',
    });
  });

  it.each(amounts)('%s refuses a number for the amount at %s', (type, pointer, data, money) => {
    const changed = replaceAt(data, `${pointer}/amount`, () => Number(money.amount) + 0.5);
    expect(problemsOf(type, changed)).toContainEqual({
      pointer: `${pointer}/amount`,
      detail: expect.stringMatching(/expected string/),
    });
  });

  it.each(amounts)(
    '%s refuses more decimals than the currency has at %s',
    (type, pointer, data, money) => {
      const decimals = minorUnitsOf(currencyCode(money.currency));
      const whole = money.amount.split('.')[0]!;
      const tooPrecise = `${whole}.${'0'.repeat(decimals)}1`;
      const changed = replaceAt(data, `${pointer}/amount`, () => tooPrecise);
      expect(problemsOf(type, changed)).toContainEqual({
        pointer: `${pointer}/amount`,
        detail: expect.stringMatching(/decimals/),
      });
    },
  );

  it.each(amounts)(
    '%s refuses a trillion or more, which the read models could not keep exact, at %s',
    (type, pointer, data, money) => {
      const sign = money.amount.startsWith('-') ? '-' : '';
      for (const tooLarge of [`${sign}1000000000000`, `${sign}9999999999999999999999999.00`]) {
        const changed = replaceAt(data, `${pointer}/amount`, () => tooLarge);
        expect(problemsOf(type, changed)).toContainEqual({
          pointer: `${pointer}/amount`,
          detail: 'must be less than a trillion (1000000000000) in absolute value',
        });
      }
    },
  );

  it('takes an amount just below a trillion, leading zeros and sign aside', () => {
    for (const amount of ['999999999999.99', '-999999999999.99', '000999999999999', '0.01'])
      expect(moneySchema.safeParse({ amount, currency: 'USD' }).success).toBe(true);
  });

  it.each(amounts)('%s refuses an unknown currency at %s', (type, pointer, data) => {
    const changed = replaceAt(data, `${pointer}/currency`, () => 'XYZ');
    expect(problemsOf(type, changed)).toContainEqual({
      pointer: `${pointer}/currency`,
      detail: expect.stringMatching(/ISO 4217/),
    });
  });

  it.each(dates)('%s refuses a day that does not exist at %s', (type, pointer, data) => {
    const changed = replaceAt(data, pointer, () => '2023-02-29');
    expect(problemsOf(type, changed)).toContainEqual({
      pointer,
      detail: expect.stringMatching(/calendar/),
    });
  });

  it.each(dates)('%s refuses a date in another format at %s', (type, pointer, data) => {
    const changed = replaceAt(data, pointer, () => '29/02/2024');
    expect(problemsOf(type, changed)).toContainEqual({
      pointer,
      detail: expect.stringMatching(/YYYY-MM-DD/),
    });
  });
});
