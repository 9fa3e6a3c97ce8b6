import { AGREEMENT_FACT_TYPES, isAgreementFactType } from '../application/agreementFacts';
import { isProductFactType } from '../application/productFacts';
import { EVENT_DEFINITIONS } from '../domain/events/catalogue';

/**
 * The facts an integration may post: what happened to a product (development, regulatory,
 * market, patent facts) and what a licensee's or a bank's systems report about an agreement
 * (net sales, third-party royalties, invoices, payments). Everything else the service derives
 * (milestones, royalties, interest) or an admin records (terms, corrections).
 */
export const POSTABLE_FACT_TYPES: readonly string[] = [
  ...EVENT_DEFINITIONS.map((definition) => definition.type).filter(isProductFactType),
  ...AGREEMENT_FACT_TYPES,
];

export function isPostableFactType(type: string): boolean {
  return isProductFactType(type) || isAgreementFactType(type);
}
