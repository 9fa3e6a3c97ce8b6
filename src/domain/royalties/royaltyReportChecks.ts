import { DomainError } from '../domainError';
import { add, money, type Money } from '../money';
import {
  lineKey,
  type RoyaltyCountryFacts,
  type RoyaltyReport,
  type RoyaltyReportLine,
  type RoyaltyStatementTerms,
} from './royaltyReport';

// What a report must satisfy before any of it is computed: a refused report is never half-applied.

export function checkClauseCurrency({ clause, paymentCurrency }: RoyaltyStatementTerms): void {
  for (const tier of [...clause.tiers, ...(clause.tiersWithoutValidClaim ?? [])]) {
    if (tier.from.currency !== paymentCurrency) {
      throw new DomainError(
        'currency-mismatch',
        `clause ${clause.clauseId} has tiers in ${tier.from.currency}, not the payment currency ${paymentCurrency}`,
      );
    }
  }
}

/** Every line is a product and country the clause covers, and appears once. */
export function checkReportLines(
  { clause }: RoyaltyStatementTerms,
  lines: readonly RoyaltyReportLine[],
): void {
  const seen = new Map<string, number>();
  lines.forEach((line, index) => {
    const pointer = `/lines/${index}`;
    if (!clause.productIds.includes(line.productId)) {
      throw new DomainError(
        'product-not-in-clause',
        `clause ${clause.clauseId} does not cover product ${line.productId}`,
        `${pointer}/productId`,
      );
    }
    if (!/^[A-Z]{2}$/.test(line.country)) {
      throw new DomainError(
        'invalid-country',
        `${JSON.stringify(line.country)} is not an ISO 3166-1 alpha-2 country code`,
        `${pointer}/country`,
      );
    }
    if (!clause.countries.includes('*') && !clause.countries.includes(line.country)) {
      throw new DomainError(
        'country-not-in-clause',
        `clause ${clause.clauseId} does not cover ${line.country}`,
        `${pointer}/country`,
      );
    }
    const first = seen.get(lineKey(line));
    if (first !== undefined) {
      throw new DomainError(
        'duplicate-report-line',
        `a second line for ${line.productId} in ${line.country} (first: /lines/${first})`,
        pointer,
      );
    }
    seen.set(lineKey(line), index);
  });
}

export function factsByLine(
  facts: readonly RoyaltyCountryFacts[],
): ReadonlyMap<string, RoyaltyCountryFacts> {
  const byKey = new Map<string, RoyaltyCountryFacts>();
  for (const fact of facts) {
    if (byKey.has(lineKey(fact))) {
      throw new DomainError(
        'duplicate-facts',
        `facts for ${fact.productId} in ${fact.country} are given twice`,
      );
    }
    byKey.set(lineKey(fact), fact);
  }
  return byKey;
}

/** Third-party royalties per product and country, in the payment currency, never negative. */
export function thirdPartyRoyaltiesByLine(
  { paymentCurrency }: RoyaltyStatementTerms,
  report: RoyaltyReport,
): ReadonlyMap<string, Money> {
  const byKey = new Map<string, Money>();
  (report.thirdPartyRoyalties ?? []).forEach((payment, index) => {
    const pointer = `/thirdPartyRoyalties/${index}/royaltiesPaid`;
    if (payment.royaltiesPaid.currency !== paymentCurrency) {
      throw new DomainError(
        'currency-mismatch',
        `third-party royalties are in the payment currency ${paymentCurrency}, not ${payment.royaltiesPaid.currency}`,
        `${pointer}/currency`,
      );
    }
    if (payment.royaltiesPaid.amountMinor < 0n) {
      throw new DomainError(
        'negative-amount',
        'royalties paid to third parties are not negative',
        pointer,
      );
    }
    const key = lineKey(payment);
    byKey.set(key, add(byKey.get(key) ?? money(0n, paymentCurrency), payment.royaltiesPaid));
  });
  return byKey;
}
