import type { Money } from '../money';
import { genericEntryCutApplies } from './genericEntry';
import type { RoyaltyCountryFacts, RoyaltyStatementTerms } from './royaltyReport';
import type { ReductionCircumstances } from './royaltyReductions';
import type { TierSchedule } from './tierSchedule';
import type { SalesPeriod } from './salesPeriod';
import { isCoveredByValidClaimOn } from './validClaim';

/** The facts of a period that price one line: its tier schedule and its reductions. */
export interface LineCircumstances extends ReductionCircumstances {
  readonly tierSchedule: TierSchedule;
}

/**
 * Valid Claim coverage is read on the period's last day: the rate applying at the end of the
 * quarter prices all of its sales, so a claim that expires during a quarter takes the claim's
 * rate off that whole quarter, and one granted during a quarter applies to all of it. Sales cannot
 * be split by day from a period total, and a pro-rata by days is a guess no contract makes; where
 * the contract prices at the date of sale, the licensee reports the days before and after the
 * change as two periods (any run of days within a tier year is a period). Where no claim covers,
 * the clause's tiers without a Valid Claim price the line if it has them; otherwise its
 * no-valid-claim reduction applies (if any).
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
    input.period.to,
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
