import type { Money } from '../money';
import { genericEntryCutApplies } from './genericEntry';
import type { RoyaltyCountryFacts, RoyaltyStatementTerms } from './royaltyReport';
import type { ReductionCircumstances } from './royaltyReductions';
import type { TierSchedule } from './royaltyYearToDate';
import type { SalesPeriod } from './salesPeriod';
import { isCoveredByValidClaimOn } from './validClaim';

/** The facts of a period that price one line: its tier schedule and its reductions. */
export interface LineCircumstances extends ReductionCircumstances {
  readonly tierSchedule: TierSchedule;
}

/**
 * Valid Claim coverage is read on the period's first day: a claim granted or lost during a period
 * changes the rate from the next period, as a generic entry does from the next full quarter
 * (sales cannot be split by day from a period total). Where no claim covers, the clause's tiers
 * without a Valid Claim price the line if it has them; otherwise its no-valid-claim reduction
 * applies (if any).
 */
export function lineCircumstances(input: {
  readonly terms: RoyaltyStatementTerms;
  readonly period: SalesPeriod;
  readonly facts: RoyaltyCountryFacts | undefined;
  readonly thirdPartyRoyalties: Money;
}): LineCircumstances {
  const { clause } = input.terms;
  const coveredByValidClaim = isCoveredByValidClaimOn(
    input.facts?.validClaims ?? [],
    input.period.from,
  );
  const tierSchedule: TierSchedule =
    !coveredByValidClaim && clause.tiersWithoutValidClaim !== undefined
      ? 'tiersWithoutValidClaim'
      : 'tiers';
  const cutsForGenerics = clause.reductions.some((reduction) => reduction.kind === 'generic-entry');
  return {
    tierSchedule,
    coveredByValidClaim,
    pricedWithTiersWithoutValidClaim: tierSchedule === 'tiersWithoutValidClaim',
    genericCutApplies:
      cutsForGenerics && genericEntryCutApplies(input.facts?.genericEntryOn, input.period),
    thirdPartyRoyalties: input.thirdPartyRoyalties,
  };
}
