import { z } from 'zod';
import { dateField } from './dateField';
import { defineEvent } from './eventDefinition';
import { productIdField, referenceField } from './idFields';
import { indicationField, jurisdictionField } from './placeFields';

// Development and regulatory facts happen to a product, whichever agreements cover it: they go
// to its product stream, and a policy triggers the matching milestones of every such agreement.

export const indSubmitted = defineEvent({
  type: 'INDSubmitted',
  streams: ['product'],
  meaning:
    'An Investigational New Drug application (or the jurisdiction’s equivalent) was submitted ' +
    'to the regulator: the fact behind the founding deal’s $1.5M milestone. Not the same as the ' +
    'IND becoming effective (see INDBecameEffective): the contract’s wording decides which one ' +
    'a milestone pays on.',
  schema: z.strictObject({
    productId: productIdField,
    jurisdiction: jurisdictionField,
    submittedOn: dateField.describe('when the IND was submitted'),
    indication: indicationField.optional(),
    indReference: referenceField.optional().describe('the regulator’s number, e.g. "IND 100123"'),
  }),
});

export const indBecameEffective = defineEvent({
  type: 'INDBecameEffective',
  streams: ['product'],
  meaning:
    'The IND went into effect: clinical trials may start (in the US, 30 days after the FDA ' +
    'received it unless it placed a clinical hold). Added to the catalogue because DOMAIN.md ' +
    'distinguishes submission from effectiveness and contracts word milestones either way.',
  schema: z.strictObject({
    productId: productIdField,
    jurisdiction: jurisdictionField,
    effectiveOn: dateField.describe('when the IND went into effect'),
    indication: indicationField.optional(),
    indReference: referenceField.optional().describe('the regulator’s number, e.g. "IND 100123"'),
  }),
});

export const clinicalPhaseStarted = defineEvent({
  type: 'ClinicalPhaseStarted',
  streams: ['product'],
  meaning:
    'The first patient was dosed in a trial of the given phase: the usual wording of ' +
    'development milestones ("first patient dosed in a Phase II trial").',
  schema: z.strictObject({
    productId: productIdField,
    phase: z.enum(['I', 'II', 'III']).describe('clinical phase'),
    firstPatientDosedOn: dateField.describe('when the first patient was dosed'),
    indication: indicationField,
    trialId: referenceField.optional().describe('trial registry id, e.g. "NCT01234567"'),
    jurisdiction: jurisdictionField.optional().describe('where the first patient was dosed'),
  }),
});

/** Marketing applications. An IND is not one: it has its own event, INDSubmitted. */
export const MARKETING_FILING_TYPES = ['BLA', 'NDA', 'MAA', 'JNDA', 'other'] as const;

export const regulatoryFilingSubmitted = defineEvent({
  type: 'RegulatoryFilingSubmitted',
  streams: ['product'],
  meaning:
    'A marketing application (BLA, NDA, MAA, JNDA, ...) for an indication was submitted to a ' +
    'regulator: regulatory milestones are often per jurisdiction and per indication.',
  schema: z.strictObject({
    productId: productIdField,
    filingType: z.enum(MARKETING_FILING_TYPES).describe('kind of marketing application'),
    jurisdiction: jurisdictionField,
    indication: indicationField,
    submittedOn: dateField.describe('when the application was submitted'),
    filingReference: referenceField.optional().describe('the regulator’s application number'),
  }),
});

export const regulatoryApprovalGranted = defineEvent({
  type: 'RegulatoryApprovalGranted',
  streams: ['product'],
  meaning:
    'A regulator approved the product for an indication in a jurisdiction (marketing ' +
    'authorisation). Approval milestones pay on the first approval per jurisdiction, and ' +
    'sometimes per indication ("first extended indication").',
  schema: z.strictObject({
    productId: productIdField,
    jurisdiction: jurisdictionField,
    indication: indicationField,
    approvedOn: dateField.describe('when the approval was granted'),
    filingType: z
      .enum(MARKETING_FILING_TYPES)
      .optional()
      .describe('the kind of application approved'),
    approvalReference: referenceField.optional().describe('the regulator’s reference'),
  }),
});
