import type { AgreementEvent } from './agreementEvent';
import { initialState, type AgreementState } from './agreementState';
import { evolve } from './evolve';
import { amountDueOf } from './obligation';
import { subtract, type Money } from '../money';
import type { ObligationKind } from '../events/obligationKinds';

/** A correction of an obligation's amount owed: it names the event it corrects. */
export interface CorrectionEffect {
  readonly eventId: string;
  readonly type: 'ObligationAdjusted' | 'ObligationWaived' | 'EntryReversed';
  /** The event it names: the obligation's creating event, or the adjustment or waiver reversed. */
  readonly correctsEventId: string;
  readonly reason: string;
  /** What it changed in the amount owed: negative when it reduced it. */
  readonly effect: Money;
  /** The amount owed after it. */
  readonly amountAfter: Money;
}

/** A later obligation that names this one as corrected (an audit's shortfall, a true-up). */
export interface Supplement {
  readonly eventId: string;
  readonly type: string;
  readonly amount: Money;
}

/** One original entry beside its corrections, for the audit trail to show side by side. */
export interface CorrectedEntry {
  /** The creating event's id, which is the obligation's id. */
  readonly originalEventId: string;
  readonly originalType: string;
  readonly kind: ObligationKind;
  /** The amount as created. */
  readonly original: Money;
  readonly corrections: readonly CorrectionEffect[];
  /** original + the corrections' effects: the amount owed now (nothing once reversed). */
  readonly resulting: Money;
  readonly supplementedBy: readonly Supplement[];
}

/**
 * Each obligation of the agreement's stream with the corrections of its amount owed, in the order
 * recorded: adjustments, waivers and reversals (of the obligation, or of an earlier adjustment or
 * waiver of it). The effect of each is measured on the state the decider sees, before and after
 * the correction is folded in, so the side-by-side view cannot disagree with what is owed; an
 * entry's effects always sum to resulting − original. Later obligations that name an obligation
 * they correct (`correctsEventIds`) are listed beside it, not added to it: they are owed apart.
 */
export function correctionsOf(events: readonly AgreementEvent[]): CorrectedEntry[] {
  let state: AgreementState = initialState;
  const types = new Map<string, string>();
  const corrections = new Map<string, CorrectionEffect[]>();
  const supplements = new Map<string, Supplement[]>();
  for (const event of events) {
    const before = state;
    state = evolve(state, event);
    types.set(event.eventId, event.type);
    const corrected = correctedBy(before, event);
    if (corrected !== undefined) {
      const was = before.obligations.get(corrected.obligationId);
      const now = state.obligations.get(corrected.obligationId);
      if (was !== undefined && now !== undefined && state !== before) {
        const amountAfter = amountDueOf(now);
        const list = corrections.get(corrected.obligationId) ?? [];
        list.push({
          eventId: event.eventId,
          type: corrected.type,
          correctsEventId: corrected.correctsEventId,
          reason: corrected.reason,
          effect: subtract(amountAfter, amountDueOf(was)),
          amountAfter,
        });
        corrections.set(corrected.obligationId, list);
      }
    }
    const created = state.obligations.get(event.eventId);
    if (created !== undefined && !before.obligations.has(event.eventId)) {
      for (const correctedId of correctsEventIdsOf(event)) {
        const list = supplements.get(correctedId) ?? [];
        list.push({ eventId: event.eventId, type: event.type, amount: created.amount });
        supplements.set(correctedId, list);
      }
    }
  }
  return [...state.obligations.values()].map((obligation) => ({
    originalEventId: obligation.obligationId,
    originalType: types.get(obligation.obligationId) ?? 'unknown',
    kind: obligation.kind,
    original: obligation.amount,
    corrections: corrections.get(obligation.obligationId) ?? [],
    resulting: amountDueOf(obligation),
    supplementedBy: supplements.get(obligation.obligationId) ?? [],
  }));
}

function correctedBy(
  state: AgreementState,
  event: AgreementEvent,
):
  | {
      obligationId: string;
      type: CorrectionEffect['type'];
      correctsEventId: string;
      reason: string;
    }
  | undefined {
  if (event.type === 'ObligationAdjusted' || event.type === 'ObligationWaived') {
    return {
      obligationId: event.data.obligationId,
      type: event.type,
      correctsEventId: event.data.obligationId,
      reason: event.data.reason,
    };
  }
  if (event.type !== 'EntryReversed') return undefined;
  const entry = state.entries.get(event.data.reversedEventId);
  // A reversed payment application changes what was paid, not what is owed.
  if (entry === undefined || entry.kind === 'payment-application') return undefined;
  return {
    obligationId: entry.obligationId,
    type: 'EntryReversed',
    correctsEventId: event.data.reversedEventId,
    reason: event.data.reason,
  };
}

function correctsEventIdsOf(event: AgreementEvent): readonly string[] {
  return event.type === 'AuditShortfallAssessed' || event.type === 'MinimumRoyaltyShortfallAssessed'
    ? event.data.correctsEventIds
    : [];
}
