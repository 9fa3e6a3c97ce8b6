import type { AgreementEvent } from '../agreement/agreementEvent';
import type { AgreementState } from '../agreement/agreementState';
import { shortfallTrueUp } from '../agreement/assessYearEnd';
import { termsAt } from '../agreement/termsAt';
import { businessDate, type BusinessDate } from '../dates';
import { minimumRoyaltyYearRule } from '../royalties/minimumAnnualRoyalty';
import { tierYearOf } from '../royalties/tierYear';

export interface MinimumRoyaltyTrueUpInput {
  /** An event of the agreement's stream, just recorded. */
  readonly event: AgreementEvent;
  /** The agreement's state with that event folded in. */
  readonly state: AgreementState;
  readonly idFor: (key: string) => string;
}

/**
 * The minimum-royalty true-up policy: when a royalty of a year whose shortfall was assessed
 * changes after the assessment (a restatement's or a late report's RoyaltyAccrued, a reversed
 * royalty), the year's shortfall is trued up as a new AssessYearEnd would, so that the year's
 * royalties and shortfall keep adding up to the minimum; the change names its cause. Only years
 * with a recorded shortfall are known to have been assessed: a year that reached its minimum when
 * assessed and was restated below it later needs AssessYearEnd again (it is safe to repeat). Ids
 * derive from the year and what it had assessed, so a replayed policy writes nothing new.
 */
export function minimumRoyaltyTrueUp(input: MinimumRoyaltyTrueUpInput): AgreementEvent[] {
  const { event, state } = input;
  if (state.agreementId === null) return [];
  const arisesOn = royaltyDateOf(event, state);
  if (arisesOn === undefined) return [];
  const rule = minimumRoyaltyYearRule(termsAt(state, arisesOn).terms);
  const year = tierYearOf(rule, arisesOn);
  if (!state.assessedYears.has(year.label)) return [];
  return shortfallTrueUp(state, state.agreementId, year, event.eventId, input.idFor);
}

/** The day a royalty the event creates or reverses arose on, if it does. */
function royaltyDateOf(event: AgreementEvent, state: AgreementState): BusinessDate | undefined {
  if (event.type === 'RoyaltyAccrued') return businessDate(event.data.period.from);
  if (event.type !== 'EntryReversed') return undefined;
  const reversed = state.obligations.get(event.data.reversedEventId);
  return reversed?.kind === 'royalty' ? reversed.arisesOn : undefined;
}
