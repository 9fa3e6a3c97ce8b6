import { z } from 'zod';
import { periodField } from './dateField';
import { exactAmountField, percentField, signedPercentField } from './decimalField';
import { defineEvent, defineUpcaster } from './eventDefinition';
import { clauseIdField, eventIdField, productIdField } from './idFields';
import { minorUnits, moneyField, nonNegativeMoneyField, requireCurrency } from './moneyField';
import { exchangeRateField } from './netSalesLines';
import { obligationFields } from './obligationFields';
import { countryField } from './placeFields';

const bandFields = {
  fromAmount: moneyField.describe(
    'where the slice starts in the tier year’s net sales (negative after returns exceed sales)',
  ),
  toAmount: moneyField.nullable().describe('where it ends; null for the top band'),
};

const exactSliceFields = {
  netSalesExact: exactAmountField.describe(
    'the part of the line’s net sales charged, unrounded, in major units of the payment currency (a fraction when a country’s share of the slice has no finite decimal)',
  ),
  royaltyExact: exactAmountField.describe(
    'net sales × rate, unrounded, in major units of the payment currency',
  ),
};

const reductionField = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('generic-entry'),
    reductionPercent: percentField,
    amountExact: exactAmountField.describe('the deduction, unrounded, in major units'),
  }),
  z.strictObject({
    kind: z.literal('third-party-stacking'),
    offsetPercent: percentField,
    floorPercent: percentField,
    thirdPartyRoyalties: nonNegativeMoneyField.describe('what the licensee paid third parties'),
    thirdPartyReportEventId: eventIdField.describe('the ThirdPartyRoyaltiesReported it used'),
    amountExact: exactAmountField.describe('the deduction after the floor, unrounded'),
  }),
  z.strictObject({
    kind: z.literal('no-valid-claim'),
    reductionPercent: percentField,
    amountExact: exactAmountField.describe('the deduction, unrounded, in major units'),
  }),
]);

const salesSliceField = z.strictObject({
  kind: z.literal('sales').describe('the period’s sales in one band, at its rate'),
  ...bandFields,
  ratePercent: percentField.describe('the band’s royalty rate'),
  ...exactSliceFields,
});

const trueUpDescription =
  'whole-sales bands: the year’s earlier sales repriced because the year’s total moved into another band';
const rateChangeField = signedPercentField.describe(
  'the new band’s rate less the old one’s: negative when the year’s total fell into a lower band (returns), a credit',
);

/** Version 2 slices: a true-up of all the year's earlier sales at once, reduced with the line. */
const tierSliceV2Field = z.discriminatedUnion('kind', [
  salesSliceField,
  z.strictObject({
    kind: z.literal('true-up').describe(trueUpDescription),
    ...bandFields,
    rateChangePercent: rateChangeField,
    ...exactSliceFields,
  }),
]);

const tierSliceField = z.discriminatedUnion('kind', [
  salesSliceField,
  z.strictObject({
    kind: z.literal('true-up').describe(trueUpDescription),
    ...bandFields,
    rateChangePercent: rateChangeField,
    ...exactSliceFields,
    repricedPeriod: periodField
      .nullable()
      .describe(
        'the earlier period whose sales this true-up reprices (one true-up per period); null on an event of version 2, whose one true-up repriced all the year’s earlier sales',
      ),
    reductions: z
      .array(reductionField)
      .describe(
        'how each reduction that period’s sales bore changes: what it takes at the new rate less what it took at the old, from that period’s own circumstances (its generic cut, its Valid Claim, its third-party royalties and their floor)',
      ),
    royaltyAfterReductionsExact: exactAmountField
      .nullable()
      .describe(
        'the true-up after those reductions: what it adds to the line, unrounded; null on an event of version 2, which reduced it with the line',
      ),
  }),
]);

/** Version 1 slices: no kind, a rate of 0 to 100%, and the slice's net sales rounded to the cent. */
const tierSliceV1Field = z.strictObject({
  ...bandFields,
  ratePercent: percentField,
  netSales: moneyField,
  royaltyExact: exactAmountField,
});

const computationFieldOf = <
  Slice extends z.ZodType,
  Extra extends z.ZodRawShape = Record<never, never>,
>(
  sliceField: Slice,
  extra: Extra = {} as Extra,
) =>
  z
    .strictObject({
      netSalesLocal: moneyField.describe('the line’s net sales in the local currency, as reported'),
      exchangeRate: exchangeRateField,
      netSales: moneyField.describe(
        'converted to the payment currency and rounded (local ÷ localUnitsPerPaymentUnit)',
      ),
      validClaim: z
        .boolean()
        .describe(
          'whether a Valid Claim covered the product there on the period’s last day: which tiers and reductions applied',
        ),
      tierModel: z
        .enum(['marginal', 'whole-sales'])
        .describe('marginal: each band’s slice at its rate; whole-sales: one rate for all'),
      tierYear: periodField.describe('the tier year the cumulative sales are counted in'),
      yearToDateNetSalesBefore: moneyField.describe('the tier year’s net sales before this line'),
      yearToDateNetSalesAfter: moneyField.describe('… and including it'),
      tierSlices: z.array(sliceField).describe('how the line’s net sales fell into the bands'),
      royaltyBeforeReductions: moneyField.describe(
        'the slices’ royalties added up, rounded to show (what is accrued is `royalty`)',
      ),
      reductions: z
        .array(reductionField)
        .describe(
          'in the order the contract applies them: to the period’s own sales (since version 3; a true-up shows its own)',
        ),
      roundingMode: z
        .enum(['half-up', 'half-even'])
        .describe('the agreement’s rounding mode, applied once per line'),
      ...extra,
    })
    .describe('how the royalty was computed, step by step, for auditors');

const yearToDateField = z
  .strictObject({
    royaltyExactBefore: exactAmountField.describe(
      'the line’s royalty of the tier year before the period, after reductions, unrounded, in major units',
    ),
    royaltyExactAfter: exactAmountField.describe(
      '… after the period: royaltyExactBefore plus the period’s sales slices and true-ups after their reductions',
    ),
    productRoyaltyExactBefore: exactAmountField.describe(
      'the product’s royalty of the tier year before the period under the clause, all its countries’ lines added, unrounded',
    ),
    productRoyaltyExactAfter: exactAmountField.describe('… after the period'),
    royaltyRoundedBefore: moneyField.describe(
      'the line’s share of round(productRoyaltyExactBefore), as accrued for it so far',
    ),
    royaltyRoundedAfter: moneyField.describe(
      'its share of round(productRoyaltyExactAfter): the whole units shared out by the largest remainder of the lines’ exact royalties (ties to the first country code), a line whose exact royalty the period leaves unchanged keeping its share while the others can take the rounding; `royalty` = royaltyRoundedAfter − royaltyRoundedBefore',
    ),
  })
  .nullable()
  .describe(
    'the cumulative method, per product: the year to date an auditor recomputes the royalty from; null on events recorded before version 3',
  );

const computationField = computationFieldOf(tierSliceField, { yearToDate: yearToDateField });

const royaltyAccruedV1Schema = z.strictObject({
  ...obligationFields,
  causedByEventId: eventIdField,
  clauseId: clauseIdField,
  period: periodField,
  productId: productIdField,
  country: countryField,
  computation: computationFieldOf(tierSliceV1Field),
  royalty: moneyField,
  previouslyAccrued: moneyField,
  amount: moneyField,
});

/**
 * Version 1 wrote a slice's net sales rounded to the cent and its unrounded shares to 12 decimals,
 * and had no room for a true-up at a lower rate. Its slices get their kind (under whole-sales
 * bands, the first slice spanning the year before to the year after is the period's sales, the
 * others are true-ups) and their net sales as stored (rounded: version 1 kept nothing finer).
 */
const upcastV1 = defineUpcaster({
  fromVersion: 1,
  schema: royaltyAccruedV1Schema,
  upcast: (v1) => ({
    ...v1,
    computation: {
      ...v1.computation,
      tierSlices: v1.computation.tierSlices.map(({ netSales, ratePercent, ...slice }, index) => {
        const sales =
          v1.computation.tierModel === 'marginal' ||
          (index === 0 &&
            slice.fromAmount.amount === v1.computation.yearToDateNetSalesBefore.amount &&
            slice.toAmount?.amount === v1.computation.yearToDateNetSalesAfter.amount);
        return sales
          ? { kind: 'sales', ...slice, ratePercent, netSalesExact: netSales.amount }
          : {
              kind: 'true-up',
              ...slice,
              rateChangePercent: ratePercent,
              netSalesExact: netSales.amount,
            };
      }),
    },
  }),
});

const royaltyAccruedV2Schema = z.strictObject({
  ...obligationFields,
  causedByEventId: eventIdField,
  clauseId: clauseIdField,
  period: periodField,
  productId: productIdField,
  country: countryField,
  computation: computationFieldOf(tierSliceV2Field),
  royalty: moneyField,
  previouslyAccrued: moneyField,
  amount: moneyField,
});

/**
 * Version 2 had no year to date, so the rounding could not be recomputed from the event, and
 * priced a whole-sales true-up of all the year's earlier sales in one slice, reduced with the
 * period's own reductions. Its year to date is null (not recorded, never made up), and its true-up
 * keeps its one slice, without a period, its reductions those of the line.
 */
const upcastV2 = defineUpcaster({
  fromVersion: 2,
  schema: royaltyAccruedV2Schema,
  upcast: (v2) => ({
    ...v2,
    computation: {
      ...v2.computation,
      tierSlices: v2.computation.tierSlices.map((slice) =>
        slice.kind === 'sales'
          ? slice
          : { ...slice, repricedPeriod: null, reductions: [], royaltyAfterReductionsExact: null },
      ),
      yearToDate: null,
    },
  }),
});

export const royaltyAccrued = defineEvent({
  type: 'RoyaltyAccrued',
  schemaVersion: 3,
  upcasters: [upcastV1, upcastV2],
  streams: ['agreement'],
  meaning:
    'A royalty statement line (product × country × period) accrued from a net sales report: ' +
    'an obligation due N days after the period end. It shows the whole computation: the FX ' +
    'conversion (rounded), the tier slices with their rates, the reductions in the contract’s ' +
    'order and the rounding mode, every unrounded step exact (a fraction where it has no finite ' +
    'decimal). The cumulative method applies per product: the product’s exact royalty of the ' +
    'tier year to date across its countries is rounded once and its whole units shared out to ' +
    'the lines by the largest remainder (ties to the first country code); a line accrues its ' +
    'share after the period less its share before (`computation.yearToDate`), so a product’s ' +
    'periods add up to its year computed at once, to the cent, whatever the order of the ' +
    'report’s lines. A country whose share moves by a unit with nothing reported gets a line ' +
    'for that unit alone. Under whole-sales bands each earlier period’s sales are trued up with ' +
    'the reductions that period bore. From a restatement, or third-party royalties reported ' +
    'after the net sales, `amount` is the exact difference between the corrected royalty and ' +
    'what was accrued before for the same line (negative: a credit).',
  schema: z
    .strictObject({
      ...obligationFields,
      causedByEventId: eventIdField.describe(
        'the NetSalesReported, NetSalesRestated or ThirdPartyRoyaltiesReported',
      ),
      clauseId: clauseIdField.describe('the royalty clause'),
      period: periodField.describe('the royalty period'),
      productId: productIdField,
      country: countryField,
      computation: computationField,
      royalty: moneyField.describe('the line’s royalty for the period, rounded once'),
      previouslyAccrued: moneyField.describe(
        'what earlier accruals for the same line came to ("0.00" for a first report)',
      ),
      amount: moneyField.describe('royalty − previouslyAccrued: what this obligation is for'),
    })
    .superRefine((event, ctx) => {
      const currency = event.royalty.currency;
      const { computation } = event;
      requireCurrency(ctx, currency, [
        [['previouslyAccrued'], event.previouslyAccrued],
        [['amount'], event.amount],
        [['computation', 'netSales'], computation.netSales],
        [['computation', 'yearToDateNetSalesBefore'], computation.yearToDateNetSalesBefore],
        [['computation', 'yearToDateNetSalesAfter'], computation.yearToDateNetSalesAfter],
        [['computation', 'royaltyBeforeReductions'], computation.royaltyBeforeReductions],
        ...computation.tierSlices.flatMap((slice, index) => [
          [['computation', 'tierSlices', index, 'fromAmount'], slice.fromAmount] as const,
          [['computation', 'tierSlices', index, 'toAmount'], slice.toAmount ?? undefined] as const,
        ]),
        ...computation.reductions.map(
          (reduction, index) =>
            [
              ['computation', 'reductions', index, 'thirdPartyRoyalties'],
              reduction.kind === 'third-party-stacking' ? reduction.thirdPartyRoyalties : undefined,
            ] as const,
        ),
      ]);
      const { yearToDate } = computation;
      if (yearToDate !== null) {
        requireCurrency(ctx, currency, [
          [['computation', 'yearToDate', 'royaltyRoundedBefore'], yearToDate.royaltyRoundedBefore],
          [['computation', 'yearToDate', 'royaltyRoundedAfter'], yearToDate.royaltyRoundedAfter],
        ]);
        const roundedBefore = minorUnits(yearToDate.royaltyRoundedBefore);
        const roundedAfter = minorUnits(yearToDate.royaltyRoundedAfter);
        const line = minorUnits(event.royalty);
        if (
          roundedBefore !== undefined &&
          roundedAfter !== undefined &&
          line !== undefined &&
          line !== roundedAfter - roundedBefore
        )
          ctx.addIssue({
            code: 'custom',
            message: 'the royalty is the line’s rounded year to date after less the one before',
            path: ['royalty'],
          });
      }
      const royalty = minorUnits(event.royalty);
      const before = minorUnits(event.previouslyAccrued);
      const amount = minorUnits(event.amount);
      if (royalty !== undefined && before !== undefined && amount !== undefined) {
        if (amount !== royalty - before)
          ctx.addIssue({
            code: 'custom',
            message: 'the amount is the royalty less what was accrued before',
            path: ['amount'],
          });
      }
    }),
});
