import type { AgreementTerms } from '../agreement/terms';
import { isOnOrBefore } from '../dates';
import { DomainError } from '../domainError';
import { compareMoney, money, subtract, sum, type Money } from '../money';
import type { AccruedRoyaltyLine } from './royaltyAdjustment';
import { periodLabel } from './salesPeriod';
import { sameTierYear, tierYearOf, type TierYear, type TierYearRule } from './tierYear';

export type MinimumAnnualRoyalty = NonNullable<AgreementTerms['minimumAnnualRoyalty']>;

/**
 * The year a minimum annual royalty is measured over. DOMAIN.md says "a year": the clauses' tier
 * year when they all share one (a fiscal year ending 31 March), else the calendar year.
 */
export function minimumRoyaltyYearRule(terms: Pick<AgreementTerms, 'royalties'>): TierYearRule {
  const [first, ...others] = terms.royalties.map((clause) => clause.tierYear);
  const shared =
    first !== undefined &&
    others.every(
      (rule) =>
        rule.kind === first.kind &&
        (rule.kind === 'calendar' || (first.kind === 'fiscal' && rule.endsOn === first.endsOn)),
    );
  return shared ? first : { kind: 'calendar' };
}

/**
 * The royalties accrued for a year: every line (and adjustment) of a period within it. A line's
 * period must not straddle the year's end.
 */
export function royaltiesAccruedIn(
  year: TierYear,
  rule: TierYearRule,
  lines: readonly AccruedRoyaltyLine[],
  currency: AgreementTerms['paymentCurrency'],
): Money {
  const within = lines.filter((line) => {
    const lineYear = tierYearOf(rule, line.period.from);
    if (!isOnOrBefore(line.period.to, lineYear.endsOn)) {
      throw new DomainError(
        'period-straddles-tier-year',
        `the period ${periodLabel(line.period)} runs past the year's end on ${lineYear.endsOn}`,
      );
    }
    return sameTierYear(lineYear, year);
  });
  return sum(
    within.map((line) => line.royalty),
    currency,
  );
}

/**
 * If a year's royalties fall short of the minimum, the shortfall is due: max(0, minimum -
 * royalties accrued for the year), from the clause's first year on. Assessed again after a
 * restatement, the difference from the earlier assessment is what to accrue.
 */
export function minimumAnnualRoyaltyShortfall(input: {
  readonly minimum: Pick<MinimumAnnualRoyalty, 'amount' | 'firstYear'>;
  readonly year: TierYear;
  readonly royaltiesAccrued: Money;
}): Money {
  const { minimum, year, royaltiesAccrued } = input;
  const nothing = money(0n, minimum.amount.currency);
  if (year.label < minimum.firstYear) return nothing;
  const shortfall = subtract(minimum.amount, royaltiesAccrued);
  return compareMoney(shortfall, nothing) > 0 ? shortfall : nothing;
}
