import { z } from 'zod';
import { dateField } from './dateField';
import { defineEvent } from './eventDefinition';
import { agreementIdField, eventIdField, obligationIdField, partyIdField } from './idFields';

// An obligation is earned before it is payable when its payment term counts from a notice or an
// invoice: these two events record the notice and the moment the due date was set, so "overdue"
// never has to re-derive payment terms.

export const paymentNoticeGiven = defineEvent({
  type: 'PaymentNoticeGiven',
  streams: ['agreement'],
  meaning:
    'A party gave the notice a payment term counts from (typically the licensee’s written ' +
    'notice that a milestone was achieved).',
  schema: z.strictObject({
    agreementId: agreementIdField,
    obligationId: obligationIdField.describe('the obligation the notice is about'),
    givenOn: dateField.describe('the day notice was given'),
    givenByPartyId: partyIdField.describe('who gave it'),
  }),
});

export const obligationBecamePayable = defineEvent({
  type: 'ObligationBecamePayable',
  streams: ['agreement'],
  meaning:
    'An earned obligation got its due date: the notice or invoice its payment term counts from ' +
    'was given, and `dueOn` is N calendar days later (rolled to a business day if the term ' +
    'says so). Obligations whose due date was known when they were created never need it.',
  schema: z.strictObject({
    agreementId: agreementIdField,
    obligationId: obligationIdField,
    dueAfter: z.enum(['notice', 'invoice']).describe('what the payment term counts from'),
    causedByEventId: eventIdField.describe('the PaymentNoticeGiven or InvoiceIssued'),
    dueOn: dateField.describe('when it falls due'),
  }),
});
