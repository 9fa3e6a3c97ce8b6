import { z } from 'zod';
import { defineEvent } from './eventDefinition';
import { eventIdField, textField } from './idFields';
import { checkNetSalesLines, netSalesReportFields } from './netSalesLines';

export const netSalesRestated = defineEvent({
  type: 'NetSalesRestated',
  streams: ['agreement'],
  meaning:
    'The licensee corrected an earlier report for the same period. It carries the full ' +
    'corrected lines (not differences), and names the report it restates: the original ' +
    'NetSalesReported or, for a second correction, the latest NetSalesRestated. Nothing is ' +
    'edited: the royalty decider accrues the exact difference between the corrected and the ' +
    'previously accrued royalties as new entries.',
  schema: z
    .strictObject({
      ...netSalesReportFields,
      restatesEventId: eventIdField.describe(
        'the report this one corrects: a NetSalesReported or the latest NetSalesRestated of it',
      ),
      reason: textField.describe('why the report was restated, e.g. an audit finding'),
    })
    .superRefine(checkNetSalesLines),
});
