import type { RoyaltyClause } from '../agreement/terms';
import { addDays, dateOf, isOnOrBefore, yearOf, type BusinessDate } from '../dates';
import { DomainError } from '../domainError';
import { periodLabel, type SalesPeriod } from './salesPeriod';

export type TierYearRule = RoyaltyClause['tierYear'];

/**
 * The year over which tiers accumulate net sales. A fiscal year is named after the calendar year
 * it ends in (the year ending 31 March 2025 is 2025), as a minimum annual royalty's `firstYear`
 * counts them.
 */
export interface TierYear {
  readonly label: number;
  readonly startsOn: BusinessDate;
  readonly endsOn: BusinessDate;
}

export function tierYearOf(rule: TierYearRule, date: BusinessDate): TierYear {
  const year = yearOf(date);
  if (rule.kind === 'calendar') {
    return { label: year, startsOn: dateOf(year, 1, 1), endsOn: dateOf(year, 12, 31) };
  }
  const end = (endYear: number): BusinessDate => fiscalYearEnd(rule.endsOn, endYear);
  const endsOn = isOnOrBefore(date, end(year)) ? end(year) : end(year + 1);
  const label = yearOf(endsOn);
  return { label, startsOn: addDays(end(label - 1), 1), endsOn };
}

/** The tier year a whole sales period lies in; a period may not run across a tier year's end. */
export function tierYearOfPeriod(rule: TierYearRule, period: SalesPeriod): TierYear {
  const year = tierYearOf(rule, period.from);
  if (!isOnOrBefore(period.to, year.endsOn)) {
    throw new DomainError(
      'period-straddles-tier-year',
      `the period ${periodLabel(period)} runs past the end of the tier year on ${year.endsOn}; ` +
        'tiers accumulate per tier year, so each period must lie within one',
    );
  }
  return year;
}

export const sameTierYear = (a: TierYear, b: TierYear): boolean =>
  a.startsOn === b.startsOn && a.endsOn === b.endsOn;

function fiscalYearEnd(endsOn: string, year: number): BusinessDate {
  const [month = 0, day = 0] = endsOn.split('-').map(Number);
  return dateOf(year, month, day, '/tierYear/endsOn');
}
