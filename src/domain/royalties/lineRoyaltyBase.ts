import { DomainError } from '../domainError';
import { money, type Money } from '../money';
import { convertNetSales, type FxConversion } from './fxConversion';
import type {
  RoyaltyCountryFacts,
  RoyaltyReportLine,
  RoyaltyStatementTerms,
} from './royaltyReport';
import {
  royaltyTermInCountry,
  royaltyTermStatus,
  type RoyaltyTermInCountry,
  type RoyaltyTermStatus,
} from './royaltyTerm';
import { periodLabel, type SalesPeriod } from './salesPeriod';

/** A reported line's net sales in the payment currency, and the part of them that bears royalty. */
export interface LineRoyaltyBase {
  readonly conversion: FxConversion;
  /** Absent while no First Commercial Sale is recorded (then the line must have no sales). */
  readonly royaltyTerm?: RoyaltyTermInCountry;
  readonly royaltyTermStatus: RoyaltyTermStatus;
  /** In the period the term ends: the conversion of the part of the sales made within it. */
  readonly withinTermConversion?: FxConversion;
  /** What the tiers count and the rates apply to: nothing after the term ends. */
  readonly royaltyBearingNetSales: Money;
}

/**
 * Converts a line (DOMAIN.md's FX order: convert and round first) and keeps the sales made within
 * the country's royalty term. Sales cannot be split by day from a period total, so in the period
 * where the term ends the licensee states the part made on or before the term's last day
 * (`localNetSalesWithinRoyaltyTerm`); without it the report is refused rather than guessed (no
 * pro-rata by days: the contract does not say so).
 */
export function royaltyBaseOfLine(input: {
  readonly line: RoyaltyReportLine;
  readonly pointer: string;
  readonly terms: RoyaltyStatementTerms;
  readonly period: SalesPeriod;
  readonly facts: RoyaltyCountryFacts | undefined;
}): LineRoyaltyBase {
  const { line, pointer, terms, period, facts } = input;
  const convert = (localNetSales: Money, at: string): FxConversion =>
    convertNetSales({
      localNetSales,
      ...(line.exchangeRate !== undefined && { exchangeRate: line.exchangeRate }),
      paymentCurrency: terms.paymentCurrency,
      rounding: terms.rounding,
      pointer: at,
    });
  const conversion = convert(line.localNetSales, pointer);
  const nothing = money(0n, terms.paymentCurrency);
  const where = `${line.productId} in ${line.country}`;
  const hasSales = line.localNetSales.amountMinor !== 0n;

  if (facts?.firstCommercialSaleOn === undefined) {
    if (hasSales) {
      throw new DomainError(
        'first-commercial-sale-unknown',
        `no First Commercial Sale is recorded for ${where}, so its royalty term is unknown`,
        `${pointer}/localNetSales`,
      );
    }
    refuseWithinTermSales(line, pointer, 'no royalty term has started');
    return {
      conversion,
      royaltyTermStatus: 'before-first-commercial-sale',
      royaltyBearingNetSales: nothing,
    };
  }
  const royaltyTerm = royaltyTermInCountry({
    firstCommercialSaleOn: facts.firstCommercialSaleOn,
    validClaims: facts.validClaims,
    term: terms.clause.royaltyTerm,
  });
  const status = royaltyTermStatus(royaltyTerm, period);
  const base = { conversion, royaltyTerm, royaltyTermStatus: status };
  switch (status) {
    case 'before-first-commercial-sale':
      if (hasSales) {
        throw new DomainError(
          'sales-before-first-commercial-sale',
          `net sales of ${where} in ${periodLabel(period)}, before its First Commercial Sale on ${royaltyTerm.startsOn}`,
          `${pointer}/localNetSales`,
        );
      }
      refuseWithinTermSales(line, pointer, 'the royalty term has not started');
      return { ...base, royaltyBearingNetSales: nothing };
    case 'in-term':
      refuseWithinTermSales(line, pointer, 'the whole period is within the royalty term');
      return { ...base, royaltyBearingNetSales: conversion.netSales };
    case 'ended':
      refuseWithinTermSales(line, pointer, 'the royalty term ended before the period');
      return { ...base, royaltyBearingNetSales: nothing };
    case 'ends-within-period': {
      const within = line.localNetSalesWithinRoyaltyTerm;
      if (within === undefined) {
        throw new DomainError(
          'royalty-term-ends-within-period',
          `the royalty term for ${where} ends on ${royaltyTerm.lastRoyaltyDay}, within ${periodLabel(period)}: ` +
            'report the net sales made on or before that day as netSalesWithinRoyaltyTerm',
          `${pointer}/netSalesWithinRoyaltyTerm`,
        );
      }
      if (within.currency !== line.localNetSales.currency) {
        throw new DomainError(
          'currency-mismatch',
          `the sales within the term are in ${within.currency}, the line's in ${line.localNetSales.currency}`,
          `${pointer}/netSalesWithinRoyaltyTerm/currency`,
        );
      }
      const withinTermConversion = convert(within, pointer);
      return {
        ...base,
        withinTermConversion,
        royaltyBearingNetSales: withinTermConversion.netSales,
      };
    }
    default: {
      const _exhaustive: never = status;
      return _exhaustive;
    }
  }
}

function refuseWithinTermSales(line: RoyaltyReportLine, pointer: string, why: string): void {
  if (line.localNetSalesWithinRoyaltyTerm !== undefined) {
    throw new DomainError(
      'royalty-term-does-not-end-within-period',
      `sales within the royalty term are stated only for the period in which it ends; here ${why}`,
      `${pointer}/netSalesWithinRoyaltyTerm`,
    );
  }
}
