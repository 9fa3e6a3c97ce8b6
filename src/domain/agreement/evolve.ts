import { businessDate, yearOf, type BusinessDate } from '../dates';
import { DomainError } from '../domainError';
import type { EventData } from '../events/catalogue';
import { achievementKeyOf, type MilestoneScopeKey } from '../milestones/milestoneScope';
import { withAchievementRecorded, withoutMilestoneAchieved } from '../milestones/milestoneProgress';
import { add, money, negate, parseMoney, subtract, type Money } from '../money';
import { periodLabel, type SalesPeriod } from '../royalties/salesPeriod';
import type { AgreementEvent } from './agreementEvent';
import {
  accruedRoyaltyKey,
  type AgreementState,
  type CreditSource,
  type ReversibleEntry,
} from './agreementState';
import type { Obligation } from './obligation';
import {
  InvalidTermsError,
  termsFromStored,
  type AgreementTerms,
  type PaymentTerm,
  type TermsProblem,
} from './terms';
import { termsVersion } from './termsAt';

/**
 * Folds one event of the agreement's stream into its state. Never throws: history must always
 * replay, so an event this state cannot use (another stream's, or one naming an unknown
 * obligation) leaves the state as it was.
 */
export function evolve(state: AgreementState, event: AgreementEvent): AgreementState {
  try {
    return apply(state, event);
  } catch (error) {
    if (error instanceof DomainError) return state;
    throw error;
  }
}

function apply(state: AgreementState, event: AgreementEvent): AgreementState {
  switch (event.type) {
    case 'AgreementSigned':
      if (state.termsHistory.length > 0) return state;
      return withStoredTerms(
        { ...state, agreementId: event.data.agreementId },
        event.eventId,
        event.data.terms,
        null,
      );
    case 'AgreementAmended':
      if (state.termsHistory.length === 0) return state;
      return withStoredTerms(
        state,
        event.eventId,
        event.data.terms,
        businessDate(event.data.effectiveOn),
      );
    case 'AgreementTerminated':
      return { ...state, terminatedOn: businessDate(event.data.terminatedOn) };
    case 'PayeeAssigned':
      return {
        ...state,
        payees: [
          ...state.payees,
          {
            eventId: event.eventId,
            effectiveOn: businessDate(event.data.effectiveOn),
            payee: event.data.payee,
            obligationKinds: event.data.obligationKinds,
          },
        ],
      };
    case 'UpfrontFeeDue':
      return created(state, event.eventId, event.data, {
        kind: 'upfront-fee',
        amount: parseMoney(event.data.amount),
        arisesOn: businessDate(event.data.signedOn),
        clause: (terms) =>
          terms.upfrontFee && {
            clauseId: terms.upfrontFee.clauseId,
            payment: terms.upfrontFee.payment,
          },
      });
    case 'MilestoneTriggered': {
      const { data } = event;
      const scopeKey: MilestoneScopeKey =
        data.scope.kind === 'agreement'
          ? 'agreement'
          : data.scope.kind === 'product'
            ? `product:${data.scope.productId}`
            : `target:${data.scope.targetId}`;
      if (state.obligations.has(event.eventId)) return state;
      const next = created(state, event.eventId, data, {
        kind: 'milestone',
        amount: parseMoney(data.amount),
        arisesOn: businessDate(data.achievedOn),
        clause: (terms) => {
          const clause = terms.milestones.find((c) => c.clauseId === data.clauseId);
          return clause && { clauseId: clause.clauseId, payment: clause.payment };
        },
      });
      const achievementKey = achievementKeyOf(data.clauseId, scopeKey);
      return {
        ...withEntry(next, event.eventId, {
          kind: 'obligation',
          obligationId: event.eventId,
          achievement: { achievementKey, causedByEventId: data.causedByEventId },
        }),
        milestoneProgress: withAchievementRecorded(next.milestoneProgress, achievementKey, {
          obligationId: event.eventId,
          achievedOn: businessDate(data.achievedOn),
          factId: data.causedByEventId,
        }),
        appliedFactIds: new Set([...next.appliedFactIds, data.causedByEventId]),
      };
    }
    case 'RoyaltyAccrued': {
      const { data } = event;
      const amount = parseMoney(data.amount);
      const next = created(state, event.eventId, data, {
        kind: 'royalty',
        amount,
        arisesOn: businessDate(data.period.from),
        clause: (terms) => {
          const clause = terms.royalties.find((c) => c.clauseId === data.clauseId);
          return clause && { clauseId: clause.clauseId, payment: clause.payment };
        },
      });
      return withAccruedRoyalty(
        next,
        { ...data, period: periodOf(data.period) },
        amount,
        event.eventId,
      );
    }
    case 'MinimumRoyaltyShortfallAssessed': {
      const { data } = event;
      const next = created(state, event.eventId, data, {
        kind: 'minimum-royalty-shortfall',
        amount: parseMoney(data.amount),
        arisesOn: businessDate(data.yearPeriod.from),
        clause: (terms) =>
          terms.minimumAnnualRoyalty && {
            clauseId: terms.minimumAnnualRoyalty.clauseId,
            payment: terms.minimumAnnualRoyalty.payment,
          },
      });
      return {
        ...next,
        assessedYears: new Map([...next.assessedYears, [data.year, event.eventId]]),
      };
    }
    case 'LateInterestAccrued': {
      const { data } = event;
      const charged = state.obligations.get(data.obligationId);
      if (charged === undefined) return state;
      const interest = parseMoney(data.interest);
      const withCharged = updateObligation(state, charged.obligationId, (o) => ({
        ...o,
        interestAccruedThrough: businessDate(data.accruedUntil),
      }));
      if (interest.amountMinor === 0n) return withCharged;
      return created(withCharged, event.eventId, data, {
        kind: 'late-interest',
        amount: interest,
        arisesOn: businessDate(data.accruedFrom),
        clause: () => null,
        chargedOnObligationId: charged.obligationId,
      });
    }
    case 'AuditFindingsRecorded':
      return {
        ...state,
        audits: new Map([
          ...state.audits,
          [
            yearOf(businessDate(event.data.conductedOn)),
            { findingsEventId: event.eventId, auditReference: event.data.auditReference },
          ],
        ]),
      };
    case 'AuditShortfallAssessed':
    case 'AuditCostShifted': {
      const { data } = event;
      return created(state, event.eventId, data, {
        kind: event.type === 'AuditShortfallAssessed' ? 'audit-shortfall' : 'audit-cost',
        amount: parseMoney(data.amount),
        arisesOn: businessDate(data.assessedOn),
        clause: (terms) => {
          const clause = terms.royalties.find((c) => c.clauseId === data.clauseId);
          return clause && { clauseId: clause.clauseId, payment: clause.payment };
        },
      });
    }
    case 'PaymentNoticeGiven':
      return withNoticeDay(state, event.eventId, businessDate(event.data.givenOn));
    case 'ObligationBecamePayable':
      return updateObligation(state, event.data.obligationId, (o) => ({
        ...o,
        dueOn: businessDate(event.data.dueOn),
        // Always recorded together with its notice or invoice; the day it arose if not.
        dueKnownOn: state.noticeDays.get(event.data.causedByEventId) ?? o.arisesOn,
      }));
    case 'InvoiceIssued':
      return withNoticeDay(state, event.eventId, businessDate(event.data.issuedOn));
    case 'PaymentReceived': {
      const amount = parseMoney(event.data.amount);
      return {
        ...state,
        payments: new Map([
          ...state.payments,
          [
            event.eventId,
            {
              amount,
              receivedOn: businessDate(event.data.receivedOn),
              payeePartyId: event.data.payeePartyId,
              unapplied: amount,
            },
          ],
        ]),
      };
    }
    case 'PaymentApplied':
      return paymentApplied(state, event.eventId, event.data);
    case 'ObligationWaived': {
      const amount = parseMoney(event.data.amount);
      const next = updateObligation(state, event.data.obligationId, (o) => ({
        ...o,
        waived: add(o.waived, amount),
      }));
      return withEntry(next, event.eventId, {
        kind: 'waiver',
        obligationId: event.data.obligationId,
        amount,
      });
    }
    case 'ObligationDisputed': {
      const amount = parseMoney(event.data.amount);
      const next = updateObligation(state, event.data.obligationId, (o) => ({
        ...o,
        disputed: add(o.disputed, amount),
        disputes: [
          ...o.disputes,
          {
            disputeEventId: event.eventId,
            amount,
            disputedOn: businessDate(event.data.disputedOn),
            resolvedOn: null,
          },
        ],
      }));
      return {
        ...next,
        openDisputes: new Map([
          ...next.openDisputes,
          [event.eventId, { obligationId: event.data.obligationId, amount }],
        ]),
      };
    }
    case 'ObligationDisputeResolved': {
      const dispute = state.openDisputes.get(event.data.disputeEventId);
      if (dispute === undefined) return state;
      const next = updateObligation(state, dispute.obligationId, (o) => ({
        ...o,
        disputed: subtract(o.disputed, dispute.amount),
        disputes: o.disputes.map((d) =>
          d.disputeEventId === event.data.disputeEventId
            ? { ...d, resolvedOn: businessDate(event.data.resolvedOn) }
            : d,
        ),
      }));
      const openDisputes = new Map(next.openDisputes);
      openDisputes.delete(event.data.disputeEventId);
      return { ...next, openDisputes };
    }
    case 'MilestoneAchievementCorrected': {
      const { data } = event;
      const achievedOn = businessDate(data.achievedOn);
      const entry = state.entries.get(data.obligationId);
      const key = entry?.kind === 'obligation' ? entry.achievement?.achievementKey : undefined;
      if (key === undefined || !state.milestoneProgress.recorded.has(key)) return state;
      const next = updateObligation(state, data.obligationId, (o) => ({
        ...o,
        arisesOn: achievedOn,
        dueOn: data.dueOn === null ? null : businessDate(data.dueOn),
        dueKnownOn: correctedDueKnownOn(o, achievedOn, data.dueOn),
      }));
      return {
        ...next,
        milestoneProgress: withAchievementRecorded(next.milestoneProgress, key, {
          obligationId: data.obligationId,
          achievedOn,
          factId: data.causedByEventId,
        }),
        appliedFactIds: new Set([...next.appliedFactIds, data.causedByEventId]),
      };
    }
    case 'ObligationAdjusted': {
      const difference = parseMoney(event.data.difference);
      const next = updateObligation(state, event.data.obligationId, (o) => ({
        ...o,
        adjustments: add(o.adjustments, difference),
      }));
      return withEntry(next, event.eventId, {
        kind: 'adjustment',
        obligationId: event.data.obligationId,
        difference,
      });
    }
    case 'EntryReversed':
      return reversed(state, event.data.reversedEventId);
    case 'NetSalesReported':
    case 'NetSalesRestated': {
      const period = periodOf(event.data.period);
      return {
        ...state,
        netSalesReports: new Map([
          ...state.netSalesReports,
          [periodLabel(period), { eventId: event.eventId, period, lines: event.data.lines }],
        ]),
      };
    }
    case 'ThirdPartyRoyaltiesReported': {
      const period = periodOf(event.data.period);
      return {
        ...state,
        thirdPartyRoyalties: new Map([
          ...state.thirdPartyRoyalties,
          [periodLabel(period), { eventId: event.eventId, period, lines: event.data.lines }],
        ]),
      };
    }
    // Facts of product streams: policies read them, the agreement's state does not.
    case 'INDSubmitted':
    case 'INDBecameEffective':
    case 'ClinicalPhaseStarted':
    case 'RegulatoryFilingSubmitted':
    case 'RegulatoryApprovalGranted':
    case 'FirstCommercialSale':
    case 'GenericEntryReported':
    case 'ValidClaimCoverageStarted':
    case 'ValidClaimCoverageEnded':
      return state;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

const periodOf = (period: { from: string; to: string }): SalesPeriod => ({
  from: businessDate(period.from),
  to: businessDate(period.to),
});

/**
 * Recorded terms replay as recorded, whatever rules were added since; what those rules find wrong
 * is kept beside them. Terms that cannot be read at all add no version, and say why.
 */
function withStoredTerms(
  state: AgreementState,
  termsEventId: string,
  json: unknown,
  effectiveOn: BusinessDate | null,
): AgreementState {
  const withProblems = (s: AgreementState, problems: readonly TermsProblem[]): AgreementState =>
    problems.length === 0
      ? s
      : { ...s, termsProblems: [...s.termsProblems, { termsEventId, problems }] };
  try {
    const { terms, problems } = termsFromStored(json);
    return withProblems(withTerms(state, termsEventId, terms, effectiveOn), problems);
  } catch (error) {
    if (!(error instanceof InvalidTermsError)) throw error;
    return withProblems(state, error.problems);
  }
}

function withTerms(
  state: AgreementState,
  termsEventId: string,
  terms: AgreementTerms,
  effectiveOn: BusinessDate | null,
): AgreementState {
  return {
    ...state,
    termsHistory: [
      ...state.termsHistory,
      { termsEventId, effectiveOn: effectiveOn ?? terms.signedOn, terms },
    ],
  };
}

function created(
  state: AgreementState,
  obligationId: string,
  data: { readonly termsEventId: string; readonly dueOn: string | null },
  details: {
    readonly kind: Obligation['kind'];
    readonly amount: Money;
    readonly arisesOn: BusinessDate;
    readonly clause: (
      terms: AgreementTerms,
    ) => { clauseId: string; payment: PaymentTerm } | null | undefined;
    readonly chargedOnObligationId?: string;
  },
): AgreementState {
  if (state.obligations.has(obligationId)) return state;
  const terms = termsVersion(state, data.termsEventId)?.terms;
  const clause = terms === undefined ? undefined : details.clause(terms);
  const nothing = money(0n, details.amount.currency);
  const obligation: Obligation = {
    obligationId,
    kind: details.kind,
    clauseId: clause?.clauseId ?? null,
    termsEventId: data.termsEventId,
    amount: details.amount,
    adjustments: nothing,
    waived: nothing,
    payments: [],
    disputed: nothing,
    disputes: [],
    dueOn: data.dueOn === null ? null : businessDate(data.dueOn),
    dueKnownOn: data.dueOn === null ? null : details.arisesOn,
    payment: clause?.payment ?? null,
    arisesOn: details.arisesOn,
    reversed: false,
    interestAccruedThrough: null,
    ...(details.chargedOnObligationId !== undefined && {
      chargedOnObligationId: details.chargedOnObligationId,
    }),
  };
  return withEntry(
    { ...state, obligations: new Map([...state.obligations, [obligationId, obligation]]) },
    obligationId,
    { kind: 'obligation', obligationId },
  );
}

function withNoticeDay(state: AgreementState, eventId: string, day: BusinessDate): AgreementState {
  return { ...state, noticeDays: new Map([...state.noticeDays, [eventId, day]]) };
}

/**
 * A corrected achievement moves the day a due date counted from it was known; one counted from
 * a notice or an invoice was known from that day, which stays.
 */
function correctedDueKnownOn(
  obligation: Obligation,
  achievedOn: BusinessDate,
  dueOn: string | null,
): BusinessDate | null {
  if (dueOn === null) return null;
  const after = obligation.payment?.after;
  const countsFromNotice = after === 'notice' || after === 'invoice';
  return countsFromNotice ? (obligation.dueKnownOn ?? achievedOn) : achievedOn;
}

function updateObligation(
  state: AgreementState,
  obligationId: string,
  change: (obligation: Obligation) => Obligation,
): AgreementState {
  const obligation = state.obligations.get(obligationId);
  if (obligation === undefined) return state;
  return {
    ...state,
    obligations: new Map([...state.obligations, [obligationId, change(obligation)]]),
  };
}

function withEntry(state: AgreementState, eventId: string, entry: ReversibleEntry): AgreementState {
  return { ...state, entries: new Map([...state.entries, [eventId, entry]]) };
}

function withAccruedRoyalty(
  state: AgreementState,
  line: { clauseId: string; period: SalesPeriod; productId: string; country: string },
  amount: Money,
  obligationId: string,
): AgreementState {
  const key = accruedRoyaltyKey(line);
  const before = state.accruedRoyalties.get(key);
  return {
    ...state,
    accruedRoyalties: new Map([
      ...state.accruedRoyalties,
      [
        key,
        {
          clauseId: line.clauseId,
          period: line.period,
          productId: line.productId,
          country: line.country,
          royalty: before === undefined ? amount : add(before.royalty, amount),
          obligationIds: [...(before?.obligationIds ?? []), obligationId],
        },
      ],
    ]),
  };
}

function paymentApplied(
  state: AgreementState,
  eventId: string,
  data: EventData<'PaymentApplied'>,
): AgreementState {
  const payment =
    data.paymentEventId === undefined ? undefined : state.payments.get(data.paymentEventId);
  const note =
    data.creditObligationId === undefined
      ? undefined
      : state.obligations.get(data.creditObligationId);
  const source: CreditSource | undefined =
    payment !== undefined && data.paymentEventId !== undefined
      ? { kind: 'payment', paymentEventId: data.paymentEventId }
      : note !== undefined
        ? { kind: 'credit-note', obligationId: note.obligationId }
        : undefined;
  if (source === undefined) return state;
  const sourceId = source.kind === 'payment' ? source.paymentEventId : source.obligationId;
  const paidOn = data.appliedOn !== undefined ? businessDate(data.appliedOn) : payment?.receivedOn;
  if (paidOn === undefined) return state;
  const allocations = data.allocations.map((a) => ({
    obligationId: a.obligationId,
    amount: parseMoney(a.amount),
  }));
  const taken = allocations.reduce(
    (total, a) => add(total, a.amount),
    money(0n, parseMoney(data.available).currency),
  );
  const applications = [
    ...allocations,
    ...(source.kind === 'credit-note'
      ? [{ obligationId: source.obligationId, amount: negate(taken) }]
      : []),
  ];
  let next = state;
  for (const application of applications) {
    next = updateObligation(next, application.obligationId, (o) => ({
      ...o,
      payments: [
        ...o.payments,
        { paymentEventId: sourceId, appliedByEventId: eventId, paidOn, amount: application.amount },
      ],
    }));
  }
  if (payment !== undefined && data.paymentEventId !== undefined) {
    next = {
      ...next,
      payments: new Map([
        ...next.payments,
        [data.paymentEventId, { ...payment, unapplied: subtract(payment.unapplied, taken) }],
      ]),
    };
  }
  return withEntry(next, eventId, {
    kind: 'payment-application',
    source,
    allocations,
    applied: taken,
  });
}

/** A reversed milestone is earnable again, and the fact that caused it may be applied again. */
function withAchievementUndone(
  state: AgreementState,
  achievement: { readonly achievementKey: string; readonly causedByEventId: string },
): AgreementState {
  const appliedFactIds = new Set(state.appliedFactIds);
  appliedFactIds.delete(achievement.causedByEventId);
  return {
    ...state,
    milestoneProgress: withoutMilestoneAchieved(
      state.milestoneProgress,
      achievement.achievementKey,
    ),
    appliedFactIds,
  };
}

/** The exact negative of the entry: as if it had never taken effect. */
function reversed(state: AgreementState, reversedEventId: string): AgreementState {
  const entry = state.entries.get(reversedEventId);
  if (entry === undefined || state.reversedEventIds.has(reversedEventId)) return state;
  const next = {
    ...state,
    reversedEventIds: new Set([...state.reversedEventIds, reversedEventId]),
  };
  switch (entry.kind) {
    case 'obligation': {
      const obligation = next.obligations.get(entry.obligationId);
      const after = updateObligation(next, entry.obligationId, (o) => ({ ...o, reversed: true }));
      if (entry.achievement !== undefined) return withAchievementUndone(after, entry.achievement);
      if (obligation?.kind !== 'royalty') return after;
      const line = [...after.accruedRoyalties.values()].find((l) =>
        l.obligationIds.includes(entry.obligationId),
      );
      return line === undefined
        ? after
        : withAccruedRoyalty(after, line, negate(obligation.amount), entry.obligationId);
    }
    case 'adjustment':
      return updateObligation(next, entry.obligationId, (o) => ({
        ...o,
        adjustments: subtract(o.adjustments, entry.difference),
      }));
    case 'waiver':
      return updateObligation(next, entry.obligationId, (o) => ({
        ...o,
        waived: subtract(o.waived, entry.amount),
      }));
    case 'payment-application': {
      let after: AgreementState = next;
      const touched = [
        ...entry.allocations.map((a) => a.obligationId),
        ...(entry.source.kind === 'credit-note' ? [entry.source.obligationId] : []),
      ];
      for (const obligationId of touched) {
        after = updateObligation(after, obligationId, (o) => ({
          ...o,
          payments: o.payments.filter((p) => p.appliedByEventId !== reversedEventId),
        }));
      }
      if (entry.source.kind === 'credit-note') return after;
      const { paymentEventId } = entry.source;
      const payment = after.payments.get(paymentEventId);
      if (payment === undefined) return after;
      // Give back what this application took: later applications of the same payment stand.
      return {
        ...after,
        payments: new Map([
          ...after.payments,
          [paymentEventId, { ...payment, unapplied: add(payment.unapplied, entry.applied) }],
        ]),
      };
    }
    default: {
      const _exhaustive: never = entry;
      return _exhaustive;
    }
  }
}
