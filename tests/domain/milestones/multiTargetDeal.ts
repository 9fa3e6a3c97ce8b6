import type { AgreementTermsJson } from '../../../src/domain/agreement/termsSchema';

const usd = (amount: string) => ({ amount, currency: 'USD' });
const net30 = { daysAfter: 30, after: 'achievement', businessDayRoll: 'none' } as const;

/**
 * An illustrative multi-target licence shaped like the per-target TAP licences of the same era
 * (one antibody-drug conjugate per licensed target, milestones per target, per product and per
 * agreement). The amounts are made up; the shapes are the point: every scope, a skippable
 * clinical sequence, jurisdiction, filing-type and indication conditions, and sales milestones.
 */
export const multiTargetDeal: AgreementTermsJson = {
  agreementId: '5f1e9a3c-2006-4b1d-8c2e-7a9b0c1d2e3f',
  title: 'Multi-target licence to an antibody-drug conjugate platform',
  licensor: { partyId: 'platform-co', name: 'Platform Co.' },
  licensee: { partyId: 'pharma-co', name: 'Pharma Co.' },
  signedOn: '2006-07-01',
  paymentCurrency: 'USD',
  rounding: 'half-up',
  products: [
    { productId: 'adc-1', name: 'ADC-1 (anti-HER2)', targets: ['her2'] },
    { productId: 'adc-2', name: 'ADC-2 (bispecific HER2 x EGFR)', targets: ['her2', 'egfr'] },
    { productId: 'adc-3', name: 'ADC-3 (anti-CD19)', targets: ['cd19'] },
  ],
  milestones: [
    {
      clauseId: 'M1',
      description: 'First IND for a product directed to the target',
      amount: usd('1000000.00'),
      trigger: { kind: 'development', eventType: 'INDSubmitted', conditions: {} },
      scope: 'target',
      payment: net30,
      sequence: { name: 'clinical', order: 1 },
      skippedMilestones: 'payable-with-next',
    },
    {
      clauseId: 'M2',
      description: 'First patient dosed in a Phase I trial, per target',
      amount: usd('2000000.00'),
      trigger: {
        kind: 'development',
        eventType: 'ClinicalPhaseStarted',
        conditions: { phase: 'I' },
      },
      scope: 'target',
      payment: net30,
      sequence: { name: 'clinical', order: 2 },
      skippedMilestones: 'not-payable',
    },
    {
      clauseId: 'M3',
      description: 'First patient dosed in a Phase III trial, per target',
      amount: usd('5000000.00'),
      trigger: {
        kind: 'development',
        eventType: 'ClinicalPhaseStarted',
        conditions: { phase: 'III' },
      },
      scope: 'target',
      payment: net30,
      sequence: { name: 'clinical', order: 3 },
      skippedMilestones: 'payable-with-next',
    },
    {
      clauseId: 'R1',
      description: 'First BLA or NDA filed in the United States, per product',
      amount: usd('4000000.00'),
      trigger: {
        kind: 'development',
        eventType: 'RegulatoryFilingSubmitted',
        conditions: { jurisdictions: ['US'], filingTypes: ['BLA', 'NDA'] },
      },
      scope: 'product',
      payment: net30,
    },
    {
      clauseId: 'R2',
      description: 'First US approval, per product',
      amount: usd('8000000.00'),
      trigger: {
        kind: 'development',
        eventType: 'RegulatoryApprovalGranted',
        conditions: { jurisdictions: ['US'], nthDistinctIndication: 1 },
      },
      scope: 'product',
      payment: net30,
    },
    {
      clauseId: 'R3',
      description: 'US approval of a second, different indication, per product',
      amount: usd('3000000.00'),
      trigger: {
        kind: 'development',
        eventType: 'RegulatoryApprovalGranted',
        conditions: { jurisdictions: ['US'], nthDistinctIndication: 2 },
      },
      scope: 'product',
      payment: net30,
    },
    {
      clauseId: 'R4',
      description: 'First approval in the EU or Japan',
      amount: usd('6000000.00'),
      trigger: {
        kind: 'development',
        eventType: 'RegulatoryApprovalGranted',
        conditions: { jurisdictions: ['EU', 'JP'] },
      },
      scope: 'agreement',
      payment: { daysAfter: 45, after: 'notice', businessDayRoll: 'following' },
    },
    {
      clauseId: 'R5',
      description: 'Approval of a third indication of any one product, anywhere',
      amount: usd('2500000.00'),
      trigger: {
        kind: 'development',
        eventType: 'RegulatoryApprovalGranted',
        conditions: { nthDistinctIndication: 3 },
      },
      scope: 'agreement',
      payment: net30,
    },
    {
      clauseId: 'C1',
      description: 'First commercial sale in Japan, per product',
      amount: usd('1500000.00'),
      trigger: {
        kind: 'development',
        eventType: 'FirstCommercialSale',
        conditions: { jurisdictions: ['JP'] },
      },
      scope: 'product',
      payment: { daysAfter: 30, after: 'invoice', businessDayRoll: 'none' },
    },
    {
      clauseId: 'I1',
      description: 'First IND of ADC-3 in lymphoma',
      amount: usd('750000.00'),
      trigger: {
        kind: 'development',
        eventType: 'INDSubmitted',
        conditions: { productIds: ['adc-3'], indication: 'lymphoma' },
      },
      scope: 'agreement',
      payment: net30,
    },
    {
      clauseId: 'S1',
      description: 'Annual net sales of a product first exceeding $100M',
      amount: usd('10000000.00'),
      trigger: { kind: 'net-sales', basis: 'annual', threshold: usd('100000000.00') },
      scope: 'product',
      payment: { daysAfter: 60, after: 'period-end', businessDayRoll: 'none' },
    },
    {
      clauseId: 'S2',
      description: 'Cumulative net sales of all products first exceeding $500M',
      amount: usd('20000000.00'),
      trigger: { kind: 'net-sales', basis: 'cumulative', threshold: usd('500000000.00') },
      scope: 'agreement',
      payment: { daysAfter: 60, after: 'period-end', businessDayRoll: 'none' },
    },
    {
      clauseId: 'S3',
      description: 'Annual net sales of ADC-1 first exceeding $50M',
      amount: usd('5000000.00'),
      trigger: {
        kind: 'net-sales',
        basis: 'annual',
        threshold: usd('50000000.00'),
        productIds: ['adc-1'],
      },
      scope: 'agreement',
      payment: { daysAfter: 60, after: 'period-end', businessDayRoll: 'none' },
    },
  ],
};
