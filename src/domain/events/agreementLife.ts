import { z } from 'zod';
import { dateField, requireOnOrBefore } from './dateField';
import { defineEvent } from './eventDefinition';
import { agreementIdField, clauseIdField, partyField, referenceField, textField } from './idFields';
import { obligationKindField } from './obligationKinds';
import { requireSameAgreement, termsField } from './termsField';
import { uniqueItems } from './uniqueItems';

export const agreementSigned = defineEvent({
  type: 'AgreementSigned',
  streams: ['agreement'],
  meaning:
    'The licensor and the licensee signed the agreement. It carries the full terms as data: ' +
    'every clause the deciders apply later (upfront fee, milestones, royalties, FX rule, ' +
    'rounding, late interest, audit). The first event of an agreement stream; valid time is ' +
    '`terms.signedOn`.',
  schema: z
    .strictObject({
      agreementId: agreementIdField,
      terms: termsField,
    })
    .superRefine((event, ctx) => requireSameAgreement(ctx, event.agreementId, event.terms)),
});

export const agreementAmended = defineEvent({
  type: 'AgreementAmended',
  streams: ['agreement'],
  meaning:
    'The parties signed an amendment. It carries the complete terms as amended, not a patch: ' +
    'the new terms are checked as a whole (a changed clause can break a rule with another one), ' +
    'replay needs no merge logic, and an auditor reads exactly which terms applied from which ' +
    'date. The new terms apply to facts whose valid date is on or after `effectiveOn` (which may ' +
    'be before `signedOn`: amendments are often retroactive to a quarter start); obligations ' +
    'already recorded are not rewritten: where the amendment changes them, a decider records ' +
    'adjustments that refer to them. `changedClauseIds` lists the clauses that changed, for readers.',
  schema: z
    .strictObject({
      agreementId: agreementIdField,
      amendmentReference: referenceField.describe('the amendment’s name, e.g. "Amendment No. 2"'),
      signedOn: dateField.describe('when the amendment was signed'),
      effectiveOn: dateField.describe('from which date the amended terms apply'),
      reason: textField.describe('why the parties amended the agreement'),
      changedClauseIds: uniqueItems(z.array(clauseIdField)).describe(
        'clause references added, changed or removed, for readers',
      ),
      terms: termsField.describe('the complete terms as amended'),
    })
    // terms.signedOn stays the original signing date (it dates the upfront fee); the decider
    // checks that, as it knows the signed terms.
    .superRefine((event, ctx) => requireSameAgreement(ctx, event.agreementId, event.terms)),
});

export const agreementTerminated = defineEvent({
  type: 'AgreementTerminated',
  streams: ['agreement'],
  meaning:
    'The agreement ended on `terminatedOn`. Obligations that accrued before then survive ' +
    '(contracts say so); facts with a valid date after it create no new obligations.',
  schema: z
    .strictObject({
      agreementId: agreementIdField,
      terminatedOn: dateField.describe('the day the termination takes effect'),
      terminatedBy: z
        .enum(['licensor', 'licensee', 'both'])
        .describe('who terminated: either party, or both by mutual agreement'),
      grounds: z
        .enum([
          'material-breach',
          'convenience',
          'insolvency',
          'patent-challenge',
          'mutual-agreement',
          'expiry',
          'other',
        ])
        .describe('the contractual ground for termination'),
      reason: textField.describe('why, in words'),
      noticeGivenOn: dateField.optional().describe('when notice of termination was given'),
    })
    .superRefine((event, ctx) =>
      requireOnOrBefore(
        ctx,
        event.noticeGivenOn,
        event.terminatedOn,
        ['noticeGivenOn'],
        'notice is given on or before the termination takes effect',
      ),
    ),
});

export const payeeAssigned = defineEvent({
  type: 'PayeeAssigned',
  streams: ['agreement'],
  meaning:
    'From `effectiveOn`, another party receives the cash of some obligations: typically the ' +
    'licensor sold its royalties to an investor. It covers obligations of the listed kinds ' +
    'that arise on or after `effectiveOn` (a milestone achieved, a royalty period or minimum ' +
    'royalty year that begins, on or after that day); late interest follows the obligation it ' +
    'is charged on. Earlier obligations keep their payee. A later assignment of the same kinds ' +
    'supersedes this one from its own date.',
  schema: z.strictObject({
    agreementId: agreementIdField,
    payee: partyField.describe('the party who receives the cash from now on'),
    effectiveOn: dateField.describe('from which date the assignment applies'),
    obligationKinds: z
      .union([z.literal('all'), uniqueItems(z.array(obligationKindField).min(1))])
      .describe(
        '"all" (every obligation, including kinds added to the catalogue later) or a list, e.g. ["royalty"] for a royalty sale',
      ),
    reason: textField.describe('why, e.g. the royalty purchase agreement'),
    assignmentReference: referenceField.optional().describe('the assignment or sale agreement'),
  }),
});
