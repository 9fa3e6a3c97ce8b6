import type { BusinessDate } from '../dates';
import type { EventData } from '../events/catalogue';
import type { ObligationKind } from '../events/obligationKinds';
import { NO_MILESTONE_PROGRESS, type MilestoneProgress } from '../milestones/milestoneProgress';
import type { Money } from '../money';
import type { SalesPeriod } from '../royalties/salesPeriod';
import type { Obligation } from './obligation';
import type { AgreementTerms, Party, TermsProblem } from './terms';

/** Terms as signed or as amended, and the valid date from which they apply. */
export interface TermsVersion {
  readonly termsEventId: string;
  readonly effectiveOn: BusinessDate;
  readonly terms: AgreementTerms;
}

/** What today's rules find wrong in terms recorded earlier: replayed as recorded, and shown. */
export interface StoredTermsProblems {
  readonly termsEventId: string;
  readonly problems: readonly TermsProblem[];
}

export interface PayeeAssignment {
  readonly eventId: string;
  readonly effectiveOn: BusinessDate;
  readonly payee: Party;
  readonly obligationKinds: 'all' | readonly ObligationKind[];
}

/** A net sales report (or its latest restatement) of one period. */
export interface ReportedNetSales {
  readonly eventId: string;
  readonly period: SalesPeriod;
  readonly lines: EventData<'NetSalesReported'>['lines'];
}

export interface ReportedThirdPartyRoyalties {
  readonly eventId: string;
  readonly period: SalesPeriod;
  readonly lines: EventData<'ThirdPartyRoyaltiesReported'>['lines'];
}

/** What was accrued for one statement line (clause x product x country x period), net. */
export interface AccruedRoyalty {
  readonly clauseId: string;
  readonly period: SalesPeriod;
  readonly productId: string;
  readonly country: string;
  readonly royalty: Money;
  readonly obligationIds: readonly string[];
}

export interface ReceivedPaymentRecord {
  readonly amount: Money;
  readonly receivedOn: BusinessDate;
  /** Who received it: its credit settles only that payee's obligations. */
  readonly payeePartyId: string;
  /** What no obligation took: the payer's credit. */
  readonly unapplied: Money;
}

/** Entries a later EntryReversed may name, with what its reversal undoes. */
export type ReversibleEntry =
  | {
      readonly kind: 'obligation';
      readonly obligationId: string;
      /** A milestone's achievement, given back when it is reversed so the real fact can earn it. */
      readonly achievement?: { readonly achievementKey: string; readonly causedByEventId: string };
    }
  | { readonly kind: 'adjustment'; readonly obligationId: string; readonly difference: Money }
  | { readonly kind: 'waiver'; readonly obligationId: string; readonly amount: Money }
  | {
      readonly kind: 'payment-application';
      /** The PaymentReceived, or the negative obligation (credit note), whose money was applied. */
      readonly source: CreditSource;
      readonly allocations: readonly { readonly obligationId: string; readonly amount: Money }[];
      /** What it took from its source: given back when it is reversed, whatever came after. */
      readonly applied: Money;
    };

export type CreditSource =
  | { readonly kind: 'payment'; readonly paymentEventId: string }
  | { readonly kind: 'credit-note'; readonly obligationId: string };

export interface OpenDispute {
  readonly obligationId: string;
  readonly amount: Money;
}

/**
 * An agreement as its own stream's events made it: the only input `decide` reads besides the
 * command. Built by `evolve` alone, so it replays.
 */
export interface AgreementState {
  readonly agreementId: string | null;
  /** In the order recorded; `termsAt` picks the version that applies on a date. */
  readonly termsHistory: readonly TermsVersion[];
  /** Recorded terms that today's rules would refuse (or cannot read at all), in the order recorded. */
  readonly termsProblems: readonly StoredTermsProblems[];
  readonly terminatedOn: BusinessDate | null;
  readonly payees: readonly PayeeAssignment[];
  /** By obligation id, in the order created. */
  readonly obligations: ReadonlyMap<string, Obligation>;
  readonly milestoneProgress: MilestoneProgress;
  /** Product facts that created obligations here: a fact applied twice is a no-op. */
  readonly appliedFactIds: ReadonlySet<string>;
  /** By period label, the latest report of each period. */
  readonly netSalesReports: ReadonlyMap<string, ReportedNetSales>;
  readonly thirdPartyRoyalties: ReadonlyMap<string, ReportedThirdPartyRoyalties>;
  /** By `accruedRoyaltyKey`. */
  readonly accruedRoyalties: ReadonlyMap<string, AccruedRoyalty>;
  readonly payments: ReadonlyMap<string, ReceivedPaymentRecord>;
  /** The day of each payment notice and invoice, by event id: due dates they set are known from it. */
  readonly noticeDays: ReadonlyMap<string, BusinessDate>;
  readonly entries: ReadonlyMap<string, ReversibleEntry>;
  readonly reversedEventIds: ReadonlySet<string>;
  /** By the ObligationDisputed event id, while unresolved. */
  readonly openDisputes: ReadonlyMap<string, OpenDispute>;
  /** Minimum royalty years assessed, with the shortfall obligation. */
  readonly assessedYears: ReadonlyMap<number, string>;
  /** Audits recorded, by the calendar year they were conducted in (one a year). */
  readonly audits: ReadonlyMap<number, RecordedAudit>;
}

export interface RecordedAudit {
  readonly findingsEventId: string;
  readonly auditReference: string;
}

export const initialState: AgreementState = {
  agreementId: null,
  termsHistory: [],
  termsProblems: [],
  terminatedOn: null,
  payees: [],
  obligations: new Map(),
  milestoneProgress: NO_MILESTONE_PROGRESS,
  appliedFactIds: new Set(),
  netSalesReports: new Map(),
  thirdPartyRoyalties: new Map(),
  accruedRoyalties: new Map(),
  payments: new Map(),
  noticeDays: new Map(),
  entries: new Map(),
  reversedEventIds: new Set(),
  openDisputes: new Map(),
  assessedYears: new Map(),
  audits: new Map(),
};

export const accruedRoyaltyKey = (line: {
  readonly clauseId: string;
  readonly period: SalesPeriod;
  readonly productId: string;
  readonly country: string;
}): string =>
  `${line.clauseId}|${line.period.from}..${line.period.to}|${line.productId}|${line.country}`;
