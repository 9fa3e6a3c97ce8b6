import { addDays, isBefore, isOnOrBefore, laterOf, type BusinessDate } from '../dates';
import { DomainError } from '../domainError';

/**
 * One Valid Claim (a live patent claim) covering the product in a country: from `coveredFrom`
 * until the day before `endedOn` (the first day it no longer covers, as ValidClaimCoverageEnded
 * records it); no `endedOn` while it still covers.
 */
export interface ValidClaimCoverage {
  readonly coveredFrom: BusinessDate;
  readonly endedOn?: BusinessDate;
}

export function isCoveredByValidClaimOn(
  claims: readonly ValidClaimCoverage[],
  date: BusinessDate,
): boolean {
  return checked(claims).some(
    (claim) =>
      isOnOrBefore(claim.coveredFrom, date) &&
      (claim.endedOn === undefined || isBefore(date, claim.endedOn)),
  );
}

/** The last day any claim covers; `no-end-known` while one covers with no end recorded. */
export function lastDayCoveredByValidClaim(
  claims: readonly ValidClaimCoverage[],
): BusinessDate | 'no-end-known' | undefined {
  let last: BusinessDate | undefined;
  for (const claim of checked(claims)) {
    if (claim.endedOn === undefined) return 'no-end-known';
    if (claim.endedOn === claim.coveredFrom) continue;
    const lastDay = addDays(claim.endedOn, -1);
    last = last === undefined ? lastDay : laterOf(last, lastDay);
  }
  return last;
}

function checked(claims: readonly ValidClaimCoverage[]): readonly ValidClaimCoverage[] {
  for (const claim of claims) {
    if (claim.endedOn !== undefined && isBefore(claim.endedOn, claim.coveredFrom)) {
      throw new DomainError(
        'invalid-valid-claim',
        `a Valid Claim cannot end on ${claim.endedOn}, before it covers from ${claim.coveredFrom}`,
      );
    }
  }
  return claims;
}
