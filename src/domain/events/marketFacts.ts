import { z } from 'zod';
import { dateField } from './dateField';
import { defineEvent } from './eventDefinition';
import { productIdField, textField } from './idFields';
import { countryField } from './placeFields';

// Facts about the product's market in one country: they start a royalty term, trigger
// commercial milestones and cut royalty rates, for every agreement that covers the product.

export const firstCommercialSale = defineEvent({
  type: 'FirstCommercialSale',
  streams: ['product'],
  meaning:
    'The product was sold commercially for the first time in a country. It starts the royalty ' +
    'term in that country (country by country) and may trigger a commercial milestone.',
  schema: z.strictObject({
    productId: productIdField,
    country: countryField,
    soldOn: dateField.describe('the day of the first commercial sale'),
  }),
});

export const genericEntryReported = defineEvent({
  type: 'GenericEntryReported',
  streams: ['product'],
  meaning:
    'A generic or biosimilar competitor entered the market in a country. Royalty clauses with a ' +
    'generic-entry reduction cut the rate from the first full quarter after `enteredOn`.',
  schema: z.strictObject({
    productId: productIdField,
    country: countryField,
    enteredOn: dateField.describe('the day the generic was first sold'),
    description: textField.optional().describe('which generic, and how the entry was learnt'),
  }),
});
