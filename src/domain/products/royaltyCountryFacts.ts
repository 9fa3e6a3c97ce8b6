import type { AgreementEvent } from '../agreement/agreementEvent';
import { businessDate, earlierOf, type BusinessDate } from '../dates';
import { lineKey, type RoyaltyCountryFacts } from '../royalties/royaltyReport';
import type { ValidClaimCoverage } from '../royalties/validClaim';

interface CountryFacts {
  firstCommercialSaleOn?: BusinessDate;
  genericEntryOn?: BusinessDate;
  /** By claim reference: one claim may start covering, end, and start again (reinstated). */
  readonly claims: Map<string, ValidClaimCoverage[]>;
}

/**
 * What a product's stream says about it country by country, as a royalty statement needs it:
 * the first commercial sale (the earliest reported), each Valid Claim's coverage, the first
 * generic entry. Facts an EntryReversed cancelled are left out, wherever the reversal stands.
 */
export function royaltyCountryFactsOf(
  productEvents: readonly AgreementEvent[],
): RoyaltyCountryFacts[] {
  const reversed = new Set(
    productEvents.flatMap((event) =>
      event.type === 'EntryReversed' ? [event.data.reversedEventId] : [],
    ),
  );
  const byCountry = new Map<string, { productId: string; country: string; facts: CountryFacts }>();
  const factsOf = (productId: string, country: string): CountryFacts => {
    const key = lineKey({ productId, country });
    let entry = byCountry.get(key);
    if (entry === undefined) {
      entry = { productId, country, facts: { claims: new Map() } };
      byCountry.set(key, entry);
    }
    return entry.facts;
  };
  for (const event of productEvents) {
    if (reversed.has(event.eventId)) continue;
    if (event.type === 'FirstCommercialSale') {
      const facts = factsOf(event.data.productId, event.data.country);
      const soldOn = businessDate(event.data.soldOn);
      facts.firstCommercialSaleOn =
        facts.firstCommercialSaleOn === undefined
          ? soldOn
          : earlierOf(facts.firstCommercialSaleOn, soldOn);
    } else if (event.type === 'GenericEntryReported') {
      const facts = factsOf(event.data.productId, event.data.country);
      const enteredOn = businessDate(event.data.enteredOn);
      facts.genericEntryOn =
        facts.genericEntryOn === undefined ? enteredOn : earlierOf(facts.genericEntryOn, enteredOn);
    } else if (event.type === 'ValidClaimCoverageStarted') {
      const { claims } = factsOf(event.data.productId, event.data.country);
      const coverages = claims.get(event.data.claimReference) ?? [];
      coverages.push({ coveredFrom: businessDate(event.data.coveredFrom) });
      claims.set(event.data.claimReference, coverages);
    } else if (event.type === 'ValidClaimCoverageEnded') {
      const { claims } = factsOf(event.data.productId, event.data.country);
      const coverages = claims.get(event.data.claimReference) ?? [];
      const open = coverages.findIndex((coverage) => coverage.endedOn === undefined);
      // An end with no recorded start ends nothing: the claim never counted as covering.
      if (open >= 0) {
        const coverage = coverages[open];
        if (coverage !== undefined)
          coverages[open] = { ...coverage, endedOn: businessDate(event.data.endedOn) };
      }
    }
  }
  return [...byCountry.values()].map(({ productId, country, facts }) => ({
    productId,
    country,
    ...(facts.firstCommercialSaleOn !== undefined && {
      firstCommercialSaleOn: facts.firstCommercialSaleOn,
    }),
    ...(facts.genericEntryOn !== undefined && { genericEntryOn: facts.genericEntryOn }),
    validClaims: [...facts.claims.values()].flat(),
  }));
}
