import type { RoyaltyClause } from '../agreement/terms';
import type { CurrencyCode } from '../currency';
import type { BusinessDate } from '../dates';
import type { Money } from '../money';
import type { RoundingMode } from '../rounding';
import type { SalesPeriod } from './salesPeriod';
import type { ValidClaimCoverage } from './validClaim';

/** The terms a royalty statement is computed under: one clause, and the agreement's money rules. */
export interface RoyaltyStatementTerms {
  readonly clause: RoyaltyClause;
  readonly rounding: RoundingMode;
  readonly paymentCurrency: CurrencyCode;
}

/** One line of the licensee's report: a product's net sales in a country for the period. */
export interface RoyaltyReportLine {
  readonly productId: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
  /** In the local currency; negative when returns exceed sales. */
  readonly localNetSales: Money;
  /** Units of the local currency per one unit of the payment currency; "1" or absent when the same. */
  readonly exchangeRate?: string;
  /**
   * Only for the period in which the country's royalty term ends: the part of `localNetSales`
   * made on or before the term's last day (the rest bears no royalty).
   */
  readonly localNetSalesWithinRoyaltyTerm?: Money;
}

/** Royalties the licensee paid third parties for a product in a country, for the period. */
export interface ThirdPartyRoyalty {
  readonly productId: string;
  readonly country: string;
  /** In the payment currency, as ThirdPartyRoyaltiesReported carries them. */
  readonly royaltiesPaid: Money;
}

export interface RoyaltyReport {
  readonly period: SalesPeriod;
  readonly lines: readonly RoyaltyReportLine[];
  readonly thirdPartyRoyalties?: readonly ThirdPartyRoyalty[];
}

/** What is known about a product in a country, as of the computation. */
export interface RoyaltyCountryFacts {
  readonly productId: string;
  readonly country: string;
  readonly firstCommercialSaleOn?: BusinessDate;
  readonly validClaims: readonly ValidClaimCoverage[];
  /** The day a generic was first sold there. */
  readonly genericEntryOn?: BusinessDate;
}

export const lineKey = (line: { readonly productId: string; readonly country: string }): string =>
  `${line.productId}|${line.country}`;
