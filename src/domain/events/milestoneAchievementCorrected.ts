import { z } from 'zod';
import { dateField, isDate } from './dateField';
import { defineEvent } from './eventDefinition';
import {
  agreementIdField,
  clauseIdField,
  eventIdField,
  obligationIdField,
  textField,
} from './idFields';
import { isBefore } from '../dates';

export const milestoneAchievementCorrected = defineEvent({
  type: 'MilestoneAchievementCorrected',
  streams: ['agreement'],
  meaning:
    'A fact recorded late (a Phase II start recorded after the Phase III start that paid it as ' +
    'skipped, an earlier IND delivered after a later one) shows that a milestone already ' +
    'triggered was first achieved earlier. Milestones are decided by when facts happened, not by ' +
    'when they were recorded, so the MilestoneTriggered is corrected, never triggered twice: its ' +
    'achievement date becomes the earlier one, and a due date counted from the achievement (or ' +
    'its quarter end) moves with it; one counted from a notice or an invoice stays. Late interest ' +
    'is then owed from the corrected due date.',
  schema: z
    .strictObject({
      agreementId: agreementIdField,
      obligationId: obligationIdField.describe('the MilestoneTriggered corrected'),
      clauseId: clauseIdField.describe('its milestone clause'),
      causedByEventId: eventIdField.describe('the fact now known to be the first achievement'),
      previousAchievedOn: dateField.describe('the achievement date recorded so far'),
      achievedOn: dateField.describe('the first achievement, earlier'),
      previousDueOn: dateField.nullable().describe('the due date recorded so far'),
      dueOn: dateField
        .nullable()
        .describe('the due date as corrected; null while it counts from a notice or an invoice'),
      skippedOverByClauseId: clauseIdField
        .optional()
        .describe('present when it is now payable as skipped over by this later clause'),
      reason: textField.describe('why, in words'),
    })
    .superRefine((event, ctx) => {
      if (
        isDate(event.achievedOn) &&
        isDate(event.previousAchievedOn) &&
        !isBefore(event.achievedOn, event.previousAchievedOn)
      ) {
        ctx.addIssue({
          code: 'custom',
          message: 'a correction moves the achievement earlier',
          path: ['achievedOn'],
        });
      }
    }),
});
