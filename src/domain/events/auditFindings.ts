import { z } from 'zod';
import { dateField, periodField } from './dateField';
import { exactAmountField, percentField } from './decimalField';
import { defineEvent } from './eventDefinition';
import {
  agreementIdField,
  clauseIdField,
  eventIdField,
  productIdField,
  referenceField,
} from './idFields';
import {
  minorUnits,
  moneyField,
  nonNegativeMoneyField,
  positiveMoneyField,
  requireCurrency,
} from './moneyField';
import { obligationFields } from './obligationFields';
import { countryField } from './placeFields';

const auditReferenceField = referenceField.describe(
  'the audit’s reference, e.g. the auditor’s report number',
);

const findingLineSchema = z.strictObject({
  clauseId: clauseIdField.describe('the royalty clause of the statement line'),
  period: periodField.describe('the statement line’s period'),
  productId: productIdField,
  country: countryField,
  accrued: moneyField.describe('what was accrued for the line, net of corrections, when audited'),
  royaltyDue: moneyField.describe('what the auditor found was due for the line'),
  difference: moneyField.describe('royaltyDue − accrued: underpaid when positive'),
  originalDueOn: dateField.describe(
    'when the line’s royalty was originally due: interest on its difference runs from the day after',
  ),
  interestExact: exactAmountField.describe(
    'simple interest on the difference from originalDueOn through interestThrough, unrounded (negative for an overpaid line)',
  ),
});

export const auditFindingsRecorded = defineEvent({
  type: 'AuditFindingsRecorded',
  streams: ['agreement'],
  meaning:
    'The licensor’s audit of the licensee’s royalty reports found what was due per statement ' +
    'line of the audited period (`terms.audit`). The audited period lies within the look-back ' +
    'window (the `lookBackYears` calendar years before the audit), one audit per calendar year. ' +
    'It records the computation: what was due for the whole audited period (the royalties ' +
    'accrued for it plus the shortfall found, lines netted), the shortfall, its ratio to what was ' +
    'due, the threshold, and whether the audit’s cost shifts to the licensee (ratio strictly ' +
    'greater than the threshold). Interest on each line’s difference runs, simple, per the ' +
    'late-interest terms, from the day after the line was originally due through ' +
    '`interestThrough` (the shortfall’s due date), summed exactly and rounded once. The ' +
    'obligations follow: AuditShortfallAssessed (shortfall plus interest) and, when the cost ' +
    'shifts, AuditCostShifted; both name this event as their cause.',
  schema: z
    .strictObject({
      agreementId: agreementIdField,
      termsEventId: eventIdField.describe(
        'the terms in force on conductedOn, whose audit clause applies',
      ),
      auditReference: auditReferenceField,
      conductedOn: dateField.describe('the day the findings were delivered'),
      auditedPeriod: periodField.describe('the period audited'),
      lookBackWindow: periodField.describe(
        'the lookBackYears calendar years before conductedOn’s year: the audited period lies within it',
      ),
      auditCost: nonNegativeMoneyField.describe('what the audit cost'),
      lines: z.array(findingLineSchema).min(1).describe('the findings, per statement line'),
      royaltiesAccrued: moneyField.describe(
        'every royalty accrued for the audited period (all its lines, found or not), net of corrections',
      ),
      shortfall: moneyField.describe('the sum of the lines’ differences: underpaid when positive'),
      dueForPeriod: moneyField.describe(
        'royaltiesAccrued + shortfall: what was due for the whole audited period',
      ),
      underpaymentRatio: exactAmountField
        .nullable()
        .describe('shortfall ÷ dueForPeriod, exact; null when nothing was due'),
      costShiftThresholdPercent: percentField.describe('the terms’ threshold'),
      costShifts: z
        .boolean()
        .describe(
          'whether the licensee pays the audit’s cost: underpaymentRatio × 100 > costShiftThresholdPercent',
        ),
      interestThrough: dateField.describe('the last day of interest on the lines'),
      interest: nonNegativeMoneyField.describe(
        'the lines’ interest summed exactly and rounded once with the terms’ rounding; none when nothing is underpaid',
      ),
    })
    .superRefine((event, ctx) => {
      const currency = event.royaltiesAccrued.currency;
      requireCurrency(ctx, currency, [
        [['shortfall'], event.shortfall],
        [['dueForPeriod'], event.dueForPeriod],
        [['interest'], event.interest],
        [['auditCost'], event.auditCost],
      ]);
      const accrued = minorUnits(event.royaltiesAccrued);
      const shortfall = minorUnits(event.shortfall);
      const due = minorUnits(event.dueForPeriod);
      if (
        accrued !== undefined &&
        shortfall !== undefined &&
        due !== undefined &&
        due !== accrued + shortfall
      )
        ctx.addIssue({
          code: 'custom',
          message: 'what was due is the royalties accrued plus the shortfall',
          path: ['dueForPeriod'],
        });
      let total = 0n;
      for (const [index, line] of event.lines.entries()) {
        const lineAccrued = minorUnits(line.accrued);
        const lineDue = minorUnits(line.royaltyDue);
        const difference = minorUnits(line.difference);
        if (lineAccrued === undefined || lineDue === undefined || difference === undefined) return;
        if (difference !== lineDue - lineAccrued)
          ctx.addIssue({
            code: 'custom',
            message: 'the difference is royaltyDue less accrued',
            path: ['lines', index, 'difference'],
          });
        total += difference;
      }
      if (shortfall !== undefined && total !== shortfall)
        ctx.addIssue({
          code: 'custom',
          message: 'the shortfall is the sum of the lines’ differences',
          path: ['shortfall'],
        });
    }),
});

export const auditShortfallAssessed = defineEvent({
  type: 'AuditShortfallAssessed',
  streams: ['agreement'],
  meaning:
    'The royalties an audit found underpaid, with simple interest on them from when each was ' +
    'originally due through this obligation’s due date, became an obligation of the licensee: ' +
    'due N days after the findings per the royalty clause’s payment term. Its cause is the ' +
    'AuditFindingsRecorded whose computation it carries forward; the royalty obligations it ' +
    'corrects are left as they were (a correction is a new entry referring to the originals).',
  schema: z
    .strictObject({
      ...obligationFields,
      causedByEventId: eventIdField.describe('the AuditFindingsRecorded'),
      clauseId: clauseIdField.describe('the royalty clause whose payment term it follows'),
      auditReference: auditReferenceField,
      assessedOn: dateField.describe('the day of the findings'),
      shortfall: positiveMoneyField.describe('the audit’s shortfall'),
      interest: nonNegativeMoneyField.describe('the interest on it through dueOn'),
      amount: positiveMoneyField.describe('shortfall + interest: what is owed'),
      correctsEventIds: z
        .array(eventIdField)
        .describe('the RoyaltyAccrued obligations of the underpaid lines'),
    })
    .superRefine((event, ctx) => {
      requireCurrency(ctx, event.amount.currency, [
        [['shortfall'], event.shortfall],
        [['interest'], event.interest],
      ]);
      const shortfall = minorUnits(event.shortfall);
      const interest = minorUnits(event.interest);
      const amount = minorUnits(event.amount);
      if (
        shortfall !== undefined &&
        interest !== undefined &&
        amount !== undefined &&
        amount !== shortfall + interest
      )
        ctx.addIssue({
          code: 'custom',
          message: 'the amount is the shortfall plus the interest',
          path: ['amount'],
        });
    }),
});

export const auditCostShifted = defineEvent({
  type: 'AuditCostShifted',
  streams: ['agreement'],
  meaning:
    'An audit found an underpayment strictly greater than the terms’ threshold share of what was ' +
    'due for the whole audited period: the licensee pays the audit’s cost, due like the audit’s ' +
    'shortfall. Its cause is the AuditFindingsRecorded, which shows the ratio and the threshold.',
  schema: z.strictObject({
    ...obligationFields,
    causedByEventId: eventIdField.describe('the AuditFindingsRecorded'),
    clauseId: clauseIdField.describe('the royalty clause whose payment term it follows'),
    auditReference: auditReferenceField,
    assessedOn: dateField.describe('the day of the findings'),
    amount: positiveMoneyField.describe('the audit’s cost'),
  }),
});
