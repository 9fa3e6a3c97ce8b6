import { dateField } from './dateField';
import { agreementIdField, eventIdField } from './idFields';

/**
 * What every event that creates an obligation carries. The obligation's id is the event id of
 * that event: policies derive it deterministically (so a replayed policy writes nothing new), and
 * every later entry (payment applied, waiver, adjustment, reversal) refers to it.
 */
export const obligationFields = {
  agreementId: agreementIdField,
  termsEventId: eventIdField.describe(
    'the AgreementSigned or AgreementAmended whose terms the amount was computed under',
  ),
  causedByEventId: eventIdField.describe(
    'the fact that created the obligation (also the metadata’s causationId)',
  ),
  dueOn: dateField
    .nullable()
    .describe(
      'when it falls due; null while the payment term counts from a notice or an invoice not given yet (see ObligationBecamePayable)',
    ),
};
