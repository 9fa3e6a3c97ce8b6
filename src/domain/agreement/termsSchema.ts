import { z } from 'zod';

/**
 * The terms of a licence agreement as data: what AgreementSigned and AgreementAmended carry, and
 * what a SignAgreement command posts. This is the wire shape (strings for money, rates and
 * dates); `parseTerms` turns it into checked domain values and rejects impossible terms with a
 * pointer to the clause.
 */

// The read models keep minor units as exact integers (below 2^53, about 9 * 10^15): an amount of
// a trillion or more, accepted, would stop them at its event. Below it, with at most three
// decimals, the sums and the interest derived from amounts keep room to spare.
const MAX_WHOLE_DIGITS = 12;

/** Digits before the decimal point, leading zeros aside; 0 for what is not a decimal (refused elsewhere). */
function wholeDigitsOf(amount: string): number {
  const whole = /^[+-]?0*(\d*)/.exec(amount)?.[1] ?? '';
  return whole.length;
}

export const moneySchema = z.strictObject({
  amount: z
    .string()
    .refine((amount) => wholeDigitsOf(amount) <= MAX_WHOLE_DIGITS, {
      message: 'must be less than a trillion (1000000000000) in absolute value',
    })
    .describe(
      'Decimal string with at most the currency’s decimals, less than a trillion, e.g. "1500000.00"',
    ),
  currency: z.string().describe('ISO 4217 code, e.g. "USD"'),
});

const dateSchema = z.string().describe('A calendar date, YYYY-MM-DD');
const percentSchema = z.string().describe('An exact decimal percentage, e.g. "3.5" for 3.5%');
const idSchema = z.string().min(1).max(200);
// Product ids name the product's event stream (`product-<id>`): the event store's characters.
const productIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:@+=-]{0,150}$/,
    'a product id is letters, digits and . _ : @ + = -',
  );
// Countries and regions as facts name them: ISO 3166-1 alpha-2, or a region such as EU.
const jurisdictionSchema = z
  .string()
  .regex(/^[A-Z]{2,3}$/, 'a jurisdiction is an upper-case code such as US, EU or JP');

export const partySchema = z.strictObject({ partyId: idSchema, name: z.string().min(1).max(500) });

/** When an amount falls due: N calendar days after an event, optionally rolled to a weekday. */
export const paymentTermSchema = z.strictObject({
  daysAfter: z.number().int().min(0).max(3650),
  after: z.enum(['achievement', 'notice', 'invoice', 'period-end']),
  businessDayRoll: z.enum(['none', 'following', 'preceding']).default('none'),
});

export const DEVELOPMENT_EVENT_TYPES = [
  'INDSubmitted',
  'INDBecameEffective',
  'ClinicalPhaseStarted',
  'RegulatoryFilingSubmitted',
  'RegulatoryApprovalGranted',
  'FirstCommercialSale',
] as const;

const developmentTriggerSchema = z.strictObject({
  kind: z.literal('development'),
  eventType: z.enum(DEVELOPMENT_EVENT_TYPES),
  conditions: z
    .strictObject({
      productIds: z.array(productIdSchema).min(1).optional(),
      jurisdictions: z.array(jurisdictionSchema).min(1).optional(),
      phase: z.enum(['I', 'II', 'III']).optional(),
      filingTypes: z
        .array(z.enum(['BLA', 'NDA', 'MAA', 'JNDA', 'other']))
        .min(1)
        .optional(),
      indication: z.string().min(1).optional(),
      /** 1 for the first indication, 2 for the "second extended indication", ... */
      nthDistinctIndication: z.number().int().min(1).max(100).optional(),
    })
    .default({}),
});

const salesTriggerSchema = z.strictObject({
  kind: z.literal('net-sales'),
  /** `annual`: one tier year's net sales; `cumulative`: all net sales since the first sale. */
  basis: z.enum(['annual', 'cumulative']),
  threshold: moneySchema,
  productIds: z.array(productIdSchema).min(1).optional(),
});

export const milestoneClauseSchema = z.strictObject({
  clauseId: idSchema.describe('The contract’s own reference, e.g. "4.2(a)"'),
  description: z.string().min(1).max(2000),
  amount: moneySchema,
  trigger: z.discriminatedUnion('kind', [developmentTriggerSchema, salesTriggerSchema]),
  /** Payable once per agreement, once per licensed product, or once per target. */
  scope: z.enum(['agreement', 'product', 'target']).default('agreement'),
  payment: paymentTermSchema,
  /**
   * Milestones of one ordered sequence (e.g. Phase I, II, III starts): with `payable-with-next`, a
   * milestone skipped over (Phase III started before Phase II) becomes payable with the next one.
   */
  sequence: z.strictObject({ name: idSchema, order: z.number().int().min(1) }).optional(),
  skippedMilestones: z.enum(['payable-with-next', 'not-payable']).default('not-payable'),
});

const tierSchema = z.strictObject({
  /** The tier applies to the part of the tier year's net sales from this amount (first tier: 0). */
  fromAmount: moneySchema,
  ratePercent: percentSchema,
});

const reductionSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('generic-entry'),
    /** The royalty rate falls by this share, from the first full quarter after generic entry. */
    reductionPercent: percentSchema,
  }),
  z.strictObject({
    kind: z.literal('third-party-stacking'),
    /** The share of royalties paid to third parties that may be deducted. */
    offsetPercent: percentSchema,
    /** The royalty after the deduction is never below this share of the royalty before it. */
    floorPercent: percentSchema,
  }),
  z.strictObject({
    kind: z.literal('no-valid-claim'),
    /** Where no Valid Claim covers the product in the country, the royalty falls by this share. */
    reductionPercent: percentSchema,
  }),
]);

export const royaltyClauseSchema = z.strictObject({
  clauseId: idSchema,
  productIds: z.array(productIdSchema).min(1),
  /** ISO 3166-1 alpha-2 codes, or `["*"]` for every country. */
  countries: z.array(z.string().regex(/^([A-Z]{2}|\*)$/)).min(1),
  tierModel: z.enum(['marginal', 'whole-sales']),
  /** Calendar years, or fiscal years ending on a month-day (`"03-31"`). */
  tierYear: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('calendar') }),
    z.strictObject({ kind: z.literal('fiscal'), endsOn: z.string().regex(/^\d{2}-\d{2}$/) }),
  ]),
  /** Tiered rates where a Valid Claim covers the product in the country. */
  tiers: z.array(tierSchema).min(1),
  /** Rates where none does; absent: the same tiers, then any no-valid-claim reduction. */
  tiersWithoutValidClaim: z.array(tierSchema).min(1).optional(),
  /** Country by country, from First Commercial Sale: N years, or longer while a Valid Claim lasts. */
  royaltyTerm: z.strictObject({
    years: z.number().int().min(1).max(50),
    extendedWhileValidClaim: z.boolean(),
  }),
  /** Applied in this order, as the contract states them. */
  reductions: z.array(reductionSchema).default([]),
  payment: paymentTermSchema,
});

export const fxRuleSchema = z.strictObject({
  /**
   * Local net sales are converted as (local amount / units of local currency per unit of the
   * payment currency), at the rate of this date, and rounded; then the royalty rate applies.
   */
  rateDate: z.enum(['last-business-day-of-period', 'period-end']),
  source: z
    .string()
    .min(1)
    .max(200)
    .describe('Where rates come from, e.g. "WSJ" or "ECB reference"'),
});

export const lateInterestSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('fixed'),
    ratePercent: percentSchema,
    per: z.enum(['month', 'year']),
    dayCount: z.enum(['actual/365', 'actual/360', '30/360']),
  }),
  z.strictObject({
    kind: z.literal('prime-plus'),
    marginPercent: percentSchema,
    dayCount: z.enum(['actual/365', 'actual/360', '30/360']),
  }),
]);

export const auditTermsSchema = z.strictObject({
  lookBackYears: z.number().int().min(1).max(20),
  /** If the underpayment exceeds this share of what was due for the whole audited period, the licensee pays the audit. */
  costShiftThresholdPercent: percentSchema,
});

export const agreementTermsSchema = z.strictObject({
  agreementId: z.uuid(),
  title: z.string().min(1).max(500),
  licensor: partySchema,
  licensee: partySchema,
  signedOn: dateSchema,
  /** The currency every obligation is paid in. */
  paymentCurrency: z.string(),
  rounding: z.enum(['half-up', 'half-even']).default('half-up'),
  products: z
    .array(
      z.strictObject({
        productId: productIdSchema,
        name: z.string().min(1),
        targets: z.array(idSchema).default([]),
      }),
    )
    .min(1),
  upfrontFee: z
    .strictObject({ clauseId: idSchema, amount: moneySchema, payment: paymentTermSchema })
    .optional(),
  milestones: z.array(milestoneClauseSchema).default([]),
  royalties: z.array(royaltyClauseSchema).default([]),
  minimumAnnualRoyalty: z
    .strictObject({
      clauseId: idSchema,
      amount: moneySchema,
      /**
       * The first tier year the minimum applies to, in the royalty clauses' tier years; a fiscal
       * year is named after the calendar year it ends in (April 2024 to March 2025 is 2025).
       */
      firstYear: z.number().int().min(1900).max(2200),
      payment: paymentTermSchema,
    })
    .optional(),
  fx: fxRuleSchema.optional(),
  lateInterest: lateInterestSchema.optional(),
  audit: auditTermsSchema.optional(),
});

export type AgreementTermsJson = z.input<typeof agreementTermsSchema>;
export type ParsedTermsJson = z.output<typeof agreementTermsSchema>;
