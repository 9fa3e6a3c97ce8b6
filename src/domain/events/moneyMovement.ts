import { z } from 'zod';
import { dateField } from './dateField';
import { defineEvent } from './eventDefinition';
import { agreementIdField, obligationIdField, partyIdField, referenceField } from './idFields';
import { positiveMoneyField } from './moneyField';
import { uniqueItems } from './uniqueItems';

export const invoiceIssued = defineEvent({
  type: 'InvoiceIssued',
  streams: ['agreement'],
  meaning:
    'The payee invoiced the licensee for one or more obligations. Where the payment term counts ' +
    'from the invoice, the obligations become payable (see ObligationBecamePayable).',
  schema: z.strictObject({
    agreementId: agreementIdField,
    invoiceNumber: referenceField.describe('the issuer’s invoice number'),
    issuedByPartyId: partyIdField.describe('the payee who issued it'),
    obligationIds: uniqueItems(z.array(obligationIdField).min(1)).describe(
      'the obligations it covers',
    ),
    issuedOn: dateField.describe('the invoice date'),
    amount: positiveMoneyField.describe('the invoice total'),
  }),
});

export const paymentReceived = defineEvent({
  type: 'PaymentReceived',
  streams: ['agreement'],
  meaning:
    'Cash arrived from the licensee. It is a fact about money, not yet about obligations: ' +
    'PaymentApplied says which obligations it settles (the ones named here, else the oldest ' +
    'first) and what is left as a credit.',
  schema: z.strictObject({
    agreementId: agreementIdField,
    amount: positiveMoneyField.describe('the amount received'),
    receivedOn: dateField.describe('the value date of the payment'),
    payerPartyId: partyIdField.describe('who paid'),
    payeePartyId: partyIdField.describe('who received it (the licensor, or an assignee)'),
    reference: referenceField.describe('the bank or remittance reference'),
    intendedObligationIds: uniqueItems(z.array(obligationIdField).min(1))
      .optional()
      .describe('the obligations the payer said it pays, if it said'),
  }),
});
