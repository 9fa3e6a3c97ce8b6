import { z } from 'zod';

/** ISO 3166-1 alpha-2, as in the royalty clauses: royalties are reported country by country. */
export const countryField = z
  .string()
  .regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code such as "US"')
  .meta({ docType: 'country', description: 'a country, ISO 3166-1 alpha-2, e.g. "DE"' });

/**
 * Where a regulator decides: a country code (`US`, `JP`) or a regional authority's code (`EU`
 * for the EMA's centralised procedure), as the milestone conditions name it.
 */
export const jurisdictionField = z
  .string()
  .regex(/^[A-Z]{2,10}$/, 'an upper-case jurisdiction code such as "US" or "EU"')
  .meta({
    docType: 'jurisdiction',
    description: 'where a regulator decides: "US", "EU", "JP", ...',
  });

export const indicationField = z
  .string()
  .trim()
  .min(1)
  .max(500)
  .meta({ docType: 'text', description: 'the indication (disease), as the contract names it' });
