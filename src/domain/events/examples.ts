import type { AgreementTermsJson } from '../agreement/termsSchema';
import type { EventDataInput, EventType } from './catalogue';

/**
 * One example of every event's data, telling the founding deal's story (Biogen Idec's 2004
 * licence of ImmunoGen's TAP technology for BIIB015; the $1.5M IND milestone paid in February
 * 2008). Figures after 2008 are illustrative. docs/events.md is generated from these
 * (`npm run docs:events`), and a test parses every one, so the documentation cannot drift from the
 * schemas.
 */

const AGREEMENT_ID = '0b7f2c1e-2004-4a4e-9b1d-5f0c0a1d2004';

/** Event ids of the story, so the examples refer to each other as real events do. */
export const EXAMPLE_EVENT_IDS = {
  agreementSigned: '5e0f8a6c-2004-4c1d-8a10-000000000001',
  agreementAmended: '5e0f8a6c-2009-4c1d-8a10-000000000002',
  upfrontFeeDue: '5e0f8a6c-2004-4c1d-8a10-000000000003',
  indSubmitted: '5e0f8a6c-2008-4c1d-8a10-000000000004',
  indMilestone: '5e0f8a6c-2008-4c1d-8a10-000000000005',
  phaseTwoMilestone: '5e0f8a6c-2010-4c1d-8a10-000000000006',
  noticeOfPhaseTwo: '5e0f8a6c-2010-4c1d-8a10-000000000007',
  indInvoice: '5e0f8a6c-2008-4c1d-8a10-000000000008',
  indPayment: '5e0f8a6c-2008-4c1d-8a10-000000000009',
  netSalesQ1: '5e0f8a6c-2015-4c1d-8a10-000000000010',
  netSalesQ1Restated: '5e0f8a6c-2015-4c1d-8a10-000000000011',
  thirdPartyQ1: '5e0f8a6c-2015-4c1d-8a10-000000000012',
  royaltyGermanyQ1: '5e0f8a6c-2015-4c1d-8a10-000000000013',
  royaltyPayment: '5e0f8a6c-2015-4c1d-8a10-000000000014',
  lateInterest: '5e0f8a6c-2015-4c1d-8a10-000000000015',
  royaltyDispute: '5e0f8a6c-2015-4c1d-8a10-000000000016',
  royaltyDisputeResolved: '5e0f8a6c-2015-4c1d-8a10-000000000020',
  royaltyAccruals2016: [
    '5e0f8a6c-2016-4c1d-8a10-000000000017',
    '5e0f8a6c-2016-4c1d-8a10-000000000018',
  ],
  misplacedPhaseStart: '5e0f8a6c-2009-4c1d-8a10-000000000019',
  phaseTwoStartRecordedLate: '5e0f8a6c-2009-4c1d-8a10-000000000021',
  shortfall2016: '5e0f8a6c-2017-4c1d-8a10-000000000022',
  royaltyRestated2016: '5e0f8a6c-2017-4c1d-8a10-000000000023',
  auditFindings2017: '5e0f8a6c-2017-4c1d-8a10-000000000024',
} as const;

const ids = EXAMPLE_EVENT_IDS;
const usd = (amount: string) => ({ amount, currency: 'USD' });
const atAchievement = { daysAfter: 30, after: 'achievement', businessDayRoll: 'none' } as const;

const FOUNDING_TERMS: AgreementTermsJson = {
  agreementId: AGREEMENT_ID,
  title: 'Exclusive licence to maytansinoid TAP technology for Cripto antibodies',
  licensor: { partyId: 'immunogen', name: 'ImmunoGen, Inc.' },
  licensee: { partyId: 'biogen-idec', name: 'Biogen Idec Inc.' },
  signedOn: '2004-10-01',
  paymentCurrency: 'USD',
  rounding: 'half-up',
  products: [{ productId: 'biib015', name: 'BIIB015 (anti-Cripto DM4)', targets: ['cripto'] }],
  upfrontFee: { clauseId: '5.1', amount: usd('1000000.00'), payment: atAchievement },
  milestones: [
    {
      clauseId: '5.2(a)',
      description: 'Submission of the first IND for a licensed product',
      amount: usd('1500000.00'),
      trigger: { kind: 'development', eventType: 'INDSubmitted', conditions: {} },
      scope: 'product',
      payment: atAchievement,
      sequence: { name: 'development', order: 1 },
      skippedMilestones: 'payable-with-next',
    },
    {
      clauseId: '5.2(b)',
      description: 'First patient dosed in a Phase II trial',
      amount: usd('3000000.00'),
      trigger: {
        kind: 'development',
        eventType: 'ClinicalPhaseStarted',
        conditions: { phase: 'II' },
      },
      scope: 'product',
      payment: { daysAfter: 30, after: 'notice', businessDayRoll: 'none' },
      sequence: { name: 'development', order: 2 },
      skippedMilestones: 'payable-with-next',
    },
  ],
  royalties: [
    {
      clauseId: '6.1',
      productIds: ['biib015'],
      countries: ['*'],
      tierModel: 'marginal',
      tierYear: { kind: 'calendar' },
      tiers: [
        { fromAmount: usd('0.00'), ratePercent: '3' },
        { fromAmount: usd('250000000.00'), ratePercent: '3.5' },
      ],
      royaltyTerm: { years: 10, extendedWhileValidClaim: true },
      reductions: [{ kind: 'third-party-stacking', offsetPercent: '50', floorPercent: '50' }],
      payment: { daysAfter: 60, after: 'period-end', businessDayRoll: 'following' },
    },
  ],
  fx: { rateDate: 'last-business-day-of-period', source: 'The Wall Street Journal' },
  lateInterest: { kind: 'fixed', ratePercent: '1', per: 'month', dayCount: 'actual/365' },
  audit: { lookBackYears: 3, costShiftThresholdPercent: '5' },
};

const AMENDED_TERMS: AgreementTermsJson = {
  ...FOUNDING_TERMS,
  milestones: [
    ...(FOUNDING_TERMS.milestones ?? []),
    {
      clauseId: '5.3(b)',
      description: 'First marketing authorisation in the European Union',
      amount: usd('5000000.00'),
      trigger: {
        kind: 'development',
        eventType: 'RegulatoryApprovalGranted',
        conditions: { jurisdictions: ['EU'] },
      },
      scope: 'product',
      payment: atAchievement,
      skippedMilestones: 'not-payable',
    },
  ],
};

const Q1_2015 = { from: '2015-01-01', to: '2015-03-31' };

export const EVENT_EXAMPLES: { readonly [Type in EventType]: EventDataInput<Type> } = {
  AgreementSigned: { agreementId: AGREEMENT_ID, terms: FOUNDING_TERMS },
  AgreementAmended: {
    agreementId: AGREEMENT_ID,
    amendmentReference: 'Amendment No. 1',
    signedOn: '2009-07-15',
    effectiveOn: '2009-07-01',
    reason: 'Adds a milestone on the first marketing authorisation in the European Union',
    changedClauseIds: ['5.3(b)'],
    terms: AMENDED_TERMS,
  },
  AgreementTerminated: {
    agreementId: AGREEMENT_ID,
    terminatedOn: '2022-03-31',
    terminatedBy: 'licensee',
    grounds: 'convenience',
    reason: 'The licensee ended the programme after portfolio review',
    noticeGivenOn: '2021-12-31',
  },
  PayeeAssigned: {
    agreementId: AGREEMENT_ID,
    payee: { partyId: 'example-royalty-fund', name: 'Example Royalty Fund LP' },
    effectiveOn: '2016-01-01',
    obligationKinds: ['royalty', 'minimum-royalty-shortfall'],
    reason: 'The licensor sold its royalty interest in BIIB015',
    assignmentReference: 'Royalty Purchase Agreement of 2015-12-18',
  },
  INDSubmitted: {
    productId: 'biib015',
    jurisdiction: 'US',
    submittedOn: '2008-01-22',
    indication: 'Cripto-positive solid tumours',
  },
  INDBecameEffective: {
    productId: 'biib015',
    jurisdiction: 'US',
    effectiveOn: '2008-02-21',
    indication: 'Cripto-positive solid tumours',
  },
  ClinicalPhaseStarted: {
    productId: 'biib015',
    phase: 'II',
    firstPatientDosedOn: '2010-03-08',
    indication: 'Cripto-positive solid tumours',
    trialId: 'NCT01234567',
    jurisdiction: 'US',
  },
  RegulatoryFilingSubmitted: {
    productId: 'biib015',
    filingType: 'BLA',
    jurisdiction: 'US',
    indication: 'Cripto-positive solid tumours',
    submittedOn: '2013-06-28',
  },
  RegulatoryApprovalGranted: {
    productId: 'biib015',
    jurisdiction: 'US',
    indication: 'Cripto-positive solid tumours',
    approvedOn: '2014-04-25',
    filingType: 'BLA',
  },
  FirstCommercialSale: { productId: 'biib015', country: 'US', soldOn: '2014-05-12' },
  GenericEntryReported: {
    productId: 'biib015',
    country: 'DE',
    enteredOn: '2026-02-16',
    description: 'A biosimilar launched in Germany, reported by the licensee',
  },
  ValidClaimCoverageStarted: {
    productId: 'biib015',
    country: 'DE',
    claimReference: 'EP 0 000 001 B1 claim 1 (illustrative)',
    coveredFrom: '2004-10-01',
    basis: 'existing-at-signing',
    scheduledExpiryOn: '2025-09-30',
  },
  ValidClaimCoverageEnded: {
    productId: 'biib015',
    country: 'DE',
    claimReference: 'EP 0 000 001 B1 claim 1 (illustrative)',
    endedOn: '2025-10-01',
    cause: 'expired',
  },
  NetSalesReported: {
    agreementId: AGREEMENT_ID,
    reportReference: 'BIIB-ROY-2015-Q1',
    period: Q1_2015,
    reportedOn: '2015-04-28',
    paymentCurrency: 'USD',
    lines: [
      {
        productId: 'biib015',
        country: 'US',
        netSales: usd('30000000.00'),
        exchangeRate: { localUnitsPerPaymentUnit: '1', rateDate: '2015-03-31' },
        royaltyReported: usd('900000.00'),
      },
      {
        productId: 'biib015',
        country: 'DE',
        netSales: { amount: '9215000.00', currency: 'EUR' },
        exchangeRate: { localUnitsPerPaymentUnit: '0.9215', rateDate: '2015-03-31' },
        royaltyReported: usd('290000.00'),
      },
      {
        productId: 'biib015',
        country: 'JP',
        netSales: { amount: '240200000', currency: 'JPY' },
        exchangeRate: { localUnitsPerPaymentUnit: '120.10', rateDate: '2015-03-31' },
      },
    ],
  },
  NetSalesRestated: {
    agreementId: AGREEMENT_ID,
    reportReference: 'BIIB-ROY-2015-Q1-R1',
    period: Q1_2015,
    reportedOn: '2015-08-14',
    paymentCurrency: 'USD',
    restatesEventId: ids.netSalesQ1,
    reason: 'German returns reserve understated in the original report',
    lines: [
      {
        productId: 'biib015',
        country: 'US',
        netSales: usd('30000000.00'),
        exchangeRate: { localUnitsPerPaymentUnit: '1', rateDate: '2015-03-31' },
      },
      {
        productId: 'biib015',
        country: 'DE',
        netSales: { amount: '8293500.00', currency: 'EUR' },
        exchangeRate: { localUnitsPerPaymentUnit: '0.9215', rateDate: '2015-03-31' },
      },
      {
        productId: 'biib015',
        country: 'JP',
        netSales: { amount: '240200000', currency: 'JPY' },
        exchangeRate: { localUnitsPerPaymentUnit: '120.10', rateDate: '2015-03-31' },
      },
    ],
  },
  ThirdPartyRoyaltiesReported: {
    agreementId: AGREEMENT_ID,
    period: Q1_2015,
    reportedOn: '2015-04-28',
    paymentCurrency: 'USD',
    lines: [
      {
        productId: 'biib015',
        country: 'DE',
        thirdParty: 'Example Linker Patents GmbH',
        amount: usd('20000.00'),
      },
    ],
  },
  AuditFindingsRecorded: {
    agreementId: AGREEMENT_ID,
    termsEventId: ids.agreementAmended,
    auditReference: 'ImmunoGen royalty audit 2017 (KPMG report 17-0412)',
    conductedOn: '2017-09-15',
    auditedPeriod: { from: '2015-01-01', to: '2016-12-31' },
    lookBackWindow: { from: '2014-01-01', to: '2016-12-31' },
    auditCost: usd('85000.00'),
    lines: [
      {
        clauseId: '6.1',
        period: { from: '2015-01-01', to: '2015-03-31' },
        productId: 'biib015',
        country: 'DE',
        accrued: usd('290000.00'),
        royaltyDue: usd('490000.00'),
        difference: usd('200000.00'),
        originalDueOn: '2015-06-01',
        interestExact: '4305600/73',
      },
    ],
    royaltiesAccrued: usd('3400000.00'),
    shortfall: usd('200000.00'),
    dueForPeriod: usd('3600000.00'),
    underpaymentRatio: '1/18',
    costShiftThresholdPercent: '5',
    costShifts: true,
    interestThrough: '2017-11-14',
    interest: usd('58980.82'),
  },
  InvoiceIssued: {
    agreementId: AGREEMENT_ID,
    invoiceNumber: 'IMGN-2008-014',
    issuedByPartyId: 'immunogen',
    obligationIds: [ids.indMilestone],
    issuedOn: '2008-01-25',
    amount: usd('1500000.00'),
  },
  PaymentReceived: {
    agreementId: AGREEMENT_ID,
    amount: usd('1500000.00'),
    receivedOn: '2008-02-19',
    payerPartyId: 'biogen-idec',
    payeePartyId: 'immunogen',
    reference: 'FEDWIRE 20080219-000123',
    intendedObligationIds: [ids.indMilestone],
  },
  UpfrontFeeDue: {
    agreementId: AGREEMENT_ID,
    termsEventId: ids.agreementSigned,
    causedByEventId: ids.agreementSigned,
    amount: usd('1000000.00'),
    signedOn: '2004-10-01',
    dueOn: '2004-10-31',
  },
  MilestoneTriggered: {
    agreementId: AGREEMENT_ID,
    termsEventId: ids.agreementSigned,
    causedByEventId: ids.indSubmitted,
    clauseId: '5.2(a)',
    description: 'Submission of the first IND for a licensed product',
    amount: usd('1500000.00'),
    achievedOn: '2008-01-22',
    dueOn: '2008-02-21',
    scope: { kind: 'product', productId: 'biib015' },
  },
  RoyaltyAccrued: {
    agreementId: AGREEMENT_ID,
    termsEventId: ids.agreementAmended,
    causedByEventId: ids.netSalesQ1,
    clauseId: '6.1',
    period: Q1_2015,
    productId: 'biib015',
    country: 'DE',
    computation: {
      netSalesLocal: { amount: '9215000.00', currency: 'EUR' },
      exchangeRate: { localUnitsPerPaymentUnit: '0.9215', rateDate: '2015-03-31' },
      netSales: usd('10000000.00'),
      validClaim: true,
      tierModel: 'marginal',
      tierYear: { from: '2015-01-01', to: '2015-12-31' },
      yearToDateNetSalesBefore: usd('0.00'),
      yearToDateNetSalesAfter: usd('40000000.00'),
      tierSlices: [
        {
          kind: 'sales',
          fromAmount: usd('0.00'),
          toAmount: usd('250000000.00'),
          ratePercent: '3',
          netSalesExact: '10000000',
          royaltyExact: '300000',
        },
      ],
      royaltyBeforeReductions: usd('300000.00'),
      reductions: [
        {
          kind: 'third-party-stacking',
          offsetPercent: '50',
          floorPercent: '50',
          thirdPartyRoyalties: usd('20000.00'),
          thirdPartyReportEventId: ids.thirdPartyQ1,
          amountExact: '10000.00',
        },
      ],
      roundingMode: 'half-up',
      yearToDate: {
        royaltyExactBefore: '0',
        royaltyExactAfter: '290000',
        productRoyaltyExactBefore: '0',
        productRoyaltyExactAfter: '1190000',
        royaltyRoundedBefore: usd('0.00'),
        royaltyRoundedAfter: usd('290000.00'),
      },
    },
    royalty: usd('290000.00'),
    previouslyAccrued: usd('0.00'),
    amount: usd('290000.00'),
    dueOn: '2015-06-01',
  },
  MinimumRoyaltyShortfallAssessed: {
    agreementId: AGREEMENT_ID,
    termsEventId: ids.agreementAmended,
    causedByEventId: ids.royaltyRestated2016,
    year: 2016,
    yearPeriod: { from: '2016-01-01', to: '2016-12-31' },
    minimum: usd('2000000.00'),
    royaltiesAccrued: usd('1700000.00'),
    shortfall: usd('300000.00'),
    assessedBefore: usd('250000.00'),
    amount: usd('50000.00'),
    correctsEventIds: [ids.shortfall2016],
    royaltyObligationIds: [...ids.royaltyAccruals2016, ids.royaltyRestated2016],
    dueOn: '2017-03-01',
  },
  LateInterestAccrued: {
    agreementId: AGREEMENT_ID,
    termsEventId: ids.agreementAmended,
    causedByEventId: ids.royaltyGermanyQ1,
    obligationId: ids.royaltyGermanyQ1,
    accruedFrom: '2015-06-01',
    accruedUntil: '2015-06-07',
    stretches: [
      {
        accruedFrom: '2015-06-01',
        accruedUntil: '2015-06-07',
        days: 6,
        dayCount: 'actual/365',
        rate: { kind: 'fixed', ratePercent: '1', per: 'month' },
        principal: usd('280000.00'),
        interestExact: '40320/73',
      },
    ],
    interestThrough: usd('552.33'),
    accruedBefore: usd('0.00'),
    interest: usd('552.33'),
    dueOn: '2015-06-07',
  },
  AuditShortfallAssessed: {
    agreementId: AGREEMENT_ID,
    termsEventId: ids.agreementAmended,
    causedByEventId: ids.auditFindings2017,
    clauseId: '6.1',
    auditReference: 'ImmunoGen royalty audit 2017 (KPMG report 17-0412)',
    assessedOn: '2017-09-15',
    shortfall: usd('200000.00'),
    interest: usd('58980.82'),
    amount: usd('258980.82'),
    correctsEventIds: [ids.royaltyGermanyQ1],
    dueOn: '2017-11-14',
  },
  AuditCostShifted: {
    agreementId: AGREEMENT_ID,
    termsEventId: ids.agreementAmended,
    causedByEventId: ids.auditFindings2017,
    clauseId: '6.1',
    auditReference: 'ImmunoGen royalty audit 2017 (KPMG report 17-0412)',
    assessedOn: '2017-09-15',
    amount: usd('85000.00'),
    dueOn: '2017-11-14',
  },
  PaymentNoticeGiven: {
    agreementId: AGREEMENT_ID,
    obligationId: ids.phaseTwoMilestone,
    givenOn: '2010-03-22',
    givenByPartyId: 'biogen-idec',
  },
  ObligationBecamePayable: {
    agreementId: AGREEMENT_ID,
    obligationId: ids.phaseTwoMilestone,
    dueAfter: 'notice',
    causedByEventId: ids.noticeOfPhaseTwo,
    dueOn: '2010-04-21',
  },
  PaymentApplied: {
    agreementId: AGREEMENT_ID,
    paymentEventId: ids.indPayment,
    available: usd('1500000.00'),
    allocations: [{ obligationId: ids.indMilestone, amount: usd('1500000.00') }],
    unapplied: usd('0.00'),
  },
  ObligationWaived: {
    agreementId: AGREEMENT_ID,
    obligationId: ids.lateInterest,
    reason: 'Waived as a courtesy: the bank delayed the licensee’s transfer',
    waivedOn: '2015-07-01',
    amount: usd('552.33'),
  },
  ObligationDisputed: {
    agreementId: AGREEMENT_ID,
    obligationId: ids.royaltyGermanyQ1,
    reason: 'The licensee claims a larger third-party offset for Germany',
    disputedOn: '2015-05-20',
    disputedBy: 'licensee',
    amount: usd('10000.00'),
  },
  ObligationDisputeResolved: {
    agreementId: AGREEMENT_ID,
    obligationId: ids.royaltyGermanyQ1,
    reason: 'The parties agreed the offset at 75% of the third-party royalties for Q1 2015',
    disputeEventId: ids.royaltyDispute,
    resolvedOn: '2015-06-30',
    outcome: 'obligation-adjusted',
  },
  ObligationAdjusted: {
    agreementId: AGREEMENT_ID,
    obligationId: ids.royaltyGermanyQ1,
    reason: 'Settlement of the dispute on the German third-party offset',
    difference: usd('-5000.00'),
    adjustedOn: '2015-06-30',
    causedByEventId: ids.royaltyDisputeResolved,
  },
  MilestoneAchievementCorrected: {
    agreementId: AGREEMENT_ID,
    obligationId: ids.phaseTwoMilestone,
    clauseId: '5.2(b)',
    causedByEventId: ids.phaseTwoStartRecordedLate,
    previousAchievedOn: '2010-03-08',
    achievedOn: '2009-11-02',
    previousDueOn: '2010-04-21',
    dueOn: '2010-04-21',
    reason:
      'A Phase II start of 2009-11-02 was recorded after the one of 2010-03-08 that triggered ' +
      '5.2(b): the first achievement is the earlier one; due 30 days after the notice, as before',
  },
  EntryReversed: {
    productId: 'biib015',
    reversedEventId: ids.misplacedPhaseStart,
    reversedEventType: 'ClinicalPhaseStarted',
    reason: 'The Phase II start was posted for BIIB015 but belonged to another programme',
  },
};

/**
 * NetSalesReported as version 1 stored it: calendar quarter, one rate per currency per report.
 * Upcast, it is the version 2 example's report without the licensee's own royalties.
 */
export const NET_SALES_REPORTED_V1_EXAMPLE = {
  agreementId: AGREEMENT_ID,
  year: 2015,
  quarter: 1,
  reportedOn: '2015-04-28',
  paymentCurrency: 'USD',
  rateDate: '2015-03-31',
  exchangeRates: { EUR: '0.9215', JPY: '120.10' },
  lines: [
    { productId: 'biib015', country: 'US', netSales: usd('30000000.00') },
    { productId: 'biib015', country: 'DE', netSales: { amount: '9215000.00', currency: 'EUR' } },
    { productId: 'biib015', country: 'JP', netSales: { amount: '240200000', currency: 'JPY' } },
  ],
};

const { yearToDate: _yearToDate, ...royaltyComputationV2 } =
  EVENT_EXAMPLES.RoyaltyAccrued.computation;

/**
 * RoyaltyAccrued as version 2 stored it: no year to date. Upcast, it is the version 3 example
 * with a null `yearToDate`.
 */
export const ROYALTY_ACCRUED_V2_EXAMPLE = {
  ...EVENT_EXAMPLES.RoyaltyAccrued,
  computation: royaltyComputationV2,
};

/**
 * RoyaltyAccrued as version 1 stored it: slices without a kind, their net sales rounded to the
 * cent. Upcast, it is the version 2 example, then the version 3 one without a year to date.
 */
export const ROYALTY_ACCRUED_V1_EXAMPLE = {
  ...EVENT_EXAMPLES.RoyaltyAccrued,
  computation: {
    ...royaltyComputationV2,
    tierSlices: EVENT_EXAMPLES.RoyaltyAccrued.computation.tierSlices.map(
      ({ kind: _kind, netSalesExact: _exact, ...slice }) => ({
        ...slice,
        netSales: usd('10000000.00'),
      }),
    ),
  },
};

/**
 * MinimumRoyaltyShortfallAssessed as version 1 stored it: the year's first and only assessment.
 * Upcast, it assessed nothing before and its amount is its shortfall.
 */
export const MINIMUM_ROYALTY_SHORTFALL_ASSESSED_V1_EXAMPLE = {
  agreementId: AGREEMENT_ID,
  termsEventId: ids.agreementAmended,
  causedByEventId: null,
  year: 2016,
  yearPeriod: { from: '2016-01-01', to: '2016-12-31' },
  minimum: usd('2000000.00'),
  royaltiesAccrued: usd('1750000.00'),
  shortfall: usd('250000.00'),
  royaltyObligationIds: [...ids.royaltyAccruals2016],
  dueOn: '2017-03-01',
};

/**
 * LateInterestAccrued as version 1 stored it: one stretch, its interest rounded on its own.
 * Upcast, it has that stretch and no totals.
 */
export const LATE_INTEREST_ACCRUED_V1_EXAMPLE = {
  agreementId: AGREEMENT_ID,
  termsEventId: ids.agreementAmended,
  causedByEventId: ids.royaltyPayment,
  obligationId: ids.royaltyGermanyQ1,
  accruedFrom: '2015-06-01',
  accruedUntil: '2015-06-07',
  days: 6,
  dayCount: 'actual/365',
  rate: { kind: 'fixed', ratePercent: '1', per: 'month' },
  principal: usd('280000.00'),
  interest: usd('552.33'),
  dueOn: '2015-07-07',
};

/** Examples of the older versions of events, shown in docs/events.md with their upcasting. */
export const OLDER_VERSION_EXAMPLES: readonly {
  readonly type: EventType;
  readonly schemaVersion: number;
  readonly description: string;
  readonly data: unknown;
}[] = [
  {
    type: 'NetSalesReported',
    schemaVersion: 1,
    description:
      'Version 1 had calendar quarters only (`year`, `quarter`) and one exchange rate per local ' +
      'currency for the whole report, all of one `rateDate`. Licensees with fiscal quarters, and ' +
      'reports converting each country at its own rate date, did not fit. The upcaster turns the ' +
      'quarter into a period of dates and copies the report’s rate for each line’s currency ' +
      '(exactly 1 for the payment currency) onto the line, with the report’s rate date; a line ' +
      'whose currency has no rate makes the stored event invalid, pointing at that line.',
    data: NET_SALES_REPORTED_V1_EXAMPLE,
  },
  {
    type: 'RoyaltyAccrued',
    schemaVersion: 1,
    description:
      'Version 1 wrote each tier slice’s `netSales` rounded to the cent, and the unrounded shares ' +
      'of a slice to 12 decimals where they have no finite decimal; its `ratePercent` could not ' +
      'be negative, so a whole-sales true-up into a lower band could not be written. Version 2 ' +
      'gives each slice its `kind` (`sales` or `true-up`, a signed `rateChangePercent`) and exact ' +
      '`netSalesExact` (a fraction when needed). The upcaster infers the kind (under whole-sales ' +
      'bands the first slice spanning the year before to the year after is the sales, the others ' +
      'true-ups; under marginal tiers every slice is sales) and keeps the stored, rounded net sales.',
    data: ROYALTY_ACCRUED_V1_EXAMPLE,
  },
  {
    type: 'RoyaltyAccrued',
    schemaVersion: 2,
    description:
      'Version 2 carried no year to date, so the cumulative rounding could not be recomputed from ' +
      'the event, and a whole-sales true-up repriced all the year’s earlier sales in one slice with ' +
      'the period’s own reductions. Version 3 adds `computation.yearToDate` (the line’s and the ' +
      'product’s exact royalty of the tier year before and after, and the line’s share of the ' +
      'product’s rounded year) and gives each true-up the earlier period it reprices, the change ' +
      'of that period’s reductions and its royalty after them. The upcaster writes `yearToDate` ' +
      'as null and a true-up’s period and royalty after reductions as null (version 2 did not ' +
      'record them; nothing is made up), with no reductions of its own.',
    data: ROYALTY_ACCRUED_V2_EXAMPLE,
  },
  {
    type: 'LateInterestAccrued',
    schemaVersion: 1,
    description:
      'Version 1 accrued one stretch of days at a time (`days`, `dayCount`, `rate`, `principal` ' +
      'at the top level), rounded on its own and never revisited, so a payment, dispute or ' +
      'adjustment recorded after its days were accrued left its interest wrong, and the total ' +
      'depended on how often accruals ran. The upcaster moves its one stretch into `stretches` ' +
      'and keeps its interest; it has no `interestThrough` or `accruedBefore`. The next accrual ' +
      'on the same obligation trues the total up.',
    data: LATE_INTEREST_ACCRUED_V1_EXAMPLE,
  },
  {
    type: 'MinimumRoyaltyShortfallAssessed',
    schemaVersion: 1,
    description:
      'Version 1 assessed a year once: a restatement of the year’s royalties afterwards left the ' +
      'shortfall as it was, and the minimum of the termination year was never pro-rated. The ' +
      'upcaster reads it as the year’s first assessment: `assessedBefore` zero, `amount` its ' +
      'shortfall, no `correctsEventIds`.',
    data: MINIMUM_ROYALTY_SHORTFALL_ASSESSED_V1_EXAMPLE,
  },
];
