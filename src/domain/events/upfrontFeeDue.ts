import { z } from 'zod';
import { dateField } from './dateField';
import { defineEvent } from './eventDefinition';
import { positiveMoneyField } from './moneyField';
import { obligationFields } from './obligationFields';

export const upfrontFeeDue = defineEvent({
  type: 'UpfrontFeeDue',
  streams: ['agreement'],
  meaning:
    'Signing made the upfront fee of the terms (`terms.upfrontFee`, a clause without a clause ' +
    'reference of its own) payable: an obligation, due N days after signing.',
  schema: z.strictObject({
    ...obligationFields,
    amount: positiveMoneyField.describe('the upfront fee'),
    signedOn: dateField.describe('the signing date the payment term counts from'),
  }),
});
