import { z } from 'zod';
import { dateField } from './dateField';
import { defineEvent } from './eventDefinition';
import { clauseIdField, productIdField, textField } from './idFields';
import { positiveMoneyField } from './moneyField';
import { obligationFields } from './obligationFields';

/** The unit a milestone is payable once for, as the clause's `scope` says. */
const milestoneScopeField = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('agreement') }),
    z.strictObject({ kind: z.literal('product'), productId: productIdField }),
    z.strictObject({
      kind: z.literal('target'),
      targetId: z
        .string()
        .min(1)
        .max(200)
        .describe('a target of a licensed product, as in the terms'),
    }),
  ])
  .describe('what it is payable once for: the agreement, a product, or a target');

export const milestoneTriggered = defineEvent({
  type: 'MilestoneTriggered',
  streams: ['agreement'],
  meaning:
    'The first achievement of a milestone clause’s event, within its scope, earned its fixed ' +
    'amount: an obligation. Written once per clause and scope whatever the order or ' +
    'duplication of facts. "First" is in valid time: the facts are taken in the order they ' +
    'happened (same day: by event id), and a fact recorded late that happened earlier corrects ' +
    'the achievement and due date (MilestoneAchievementCorrected). Under the skipped-milestone rule, a clause skipped over (Phase III ' +
    'started before the Phase II milestone was paid) gets its own MilestoneTriggered, with ' +
    '`skippedOverByClauseId` naming the clause whose achievement made it payable.',
  schema: z.strictObject({
    ...obligationFields,
    clauseId: clauseIdField.describe('the milestone clause whose amount this is'),
    description: textField.describe('the milestone, in the clause’s words'),
    amount: positiveMoneyField.describe('the milestone payment'),
    achievedOn: dateField.describe(
      'when the milestone event happened (for a skipped one: when the later one did)',
    ),
    scope: milestoneScopeField,
    skippedOverByClauseId: clauseIdField
      .optional()
      .describe('present when this clause was skipped over: the later clause achieved'),
  }),
});
