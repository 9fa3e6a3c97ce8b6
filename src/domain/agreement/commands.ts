import type { BusinessDate } from '../dates';
import type { EventDataInput } from '../events/catalogue';
import type { PrimeRateStep } from '../interest/primeRate';
import type { MoneyJson } from '../money';
import type { RoyaltyCountryFacts } from '../royalties/royaltyReport';
import type { AgreementTermsJson } from './termsSchema';

/**
 * What every command carries besides its own fields: deciders are pure, so the time, the actor and
 * the ids arrive here. `idFor(key)` gives the id of the event derived under `key`, the same id for
 * the same key every time (a retried command, or a replayed policy, writes nothing new).
 */
export interface CommandContext {
  /** When the command was issued (UTC instant); business dates come in the command's own fields. */
  readonly now: string;
  readonly actor: string;
  readonly idFor: (key: string) => string;
}

type Command<Type extends string, Fields> = CommandContext & { readonly type: Type } & Fields;

export type AgreementCommand =
  | Command<'SignAgreement', { readonly terms: AgreementTermsJson }>
  | Command<
      'AmendAgreement',
      Omit<EventDataInput<'AgreementAmended'>, 'agreementId' | 'terms'> & {
        readonly terms: AgreementTermsJson;
      }
    >
  | Command<'TerminateAgreement', Omit<EventDataInput<'AgreementTerminated'>, 'agreementId'>>
  | Command<'AssignPayee', Omit<EventDataInput<'PayeeAssigned'>, 'agreementId'>>
  | Command<'IssueInvoice', Omit<EventDataInput<'InvoiceIssued'>, 'agreementId' | 'amount'>>
  | Command<'GivePaymentNotice', Omit<EventDataInput<'PaymentNoticeGiven'>, 'agreementId'>>
  | Command<'RecordPayment', Omit<EventDataInput<'PaymentReceived'>, 'agreementId'>>
  | Command<
      'ApplyCredit',
      {
        /** The day the credits are applied: from it they reduce what bears late interest. */
        readonly appliedOn: BusinessDate;
        /** The obligations to settle first, in this order; then the others, oldest due first. */
        readonly obligationIds?: readonly string[];
      }
    >
  | Command<'WaiveObligation', Omit<EventDataInput<'ObligationWaived'>, 'agreementId'>>
  | Command<'DisputeObligation', Omit<EventDataInput<'ObligationDisputed'>, 'agreementId'>>
  | Command<
      'ResolveDispute',
      Omit<EventDataInput<'ObligationDisputeResolved'>, 'agreementId' | 'obligationId'>
    >
  | Command<'AdjustObligation', Omit<EventDataInput<'ObligationAdjusted'>, 'agreementId'>>
  | Command<'ReverseEntry', { readonly reversedEventId: string; readonly reason: string }>
  | Command<
      'ReportNetSales',
      Omit<EventDataInput<'NetSalesReported'>, 'agreementId' | 'paymentCurrency'> & {
        /** First sales, Valid Claims and generic entries per product and country (product streams). */
        readonly facts: readonly RoyaltyCountryFacts[];
      }
    >
  | Command<
      'RestateNetSales',
      Omit<EventDataInput<'NetSalesRestated'>, 'agreementId' | 'paymentCurrency'> & {
        readonly facts: readonly RoyaltyCountryFacts[];
      }
    >
  | Command<
      'ReportThirdPartyRoyalties',
      Omit<EventDataInput<'ThirdPartyRoyaltiesReported'>, 'agreementId' | 'paymentCurrency'> & {
        /**
         * Needed only when the period's net sales are already reported, to recompute their
         * royalties: the facts of every product and country of the period's report.
         */
        readonly facts?: readonly RoyaltyCountryFacts[];
      }
    >
  | Command<'AssessYearEnd', { readonly year: number; readonly asOf: BusinessDate }>
  | Command<
      'AccrueLateInterest',
      { readonly asOf: BusinessDate; readonly primeRates?: readonly PrimeRateStep[] }
    >
  | Command<'RecordAuditFindings', AuditFindings>;

/** The licensor's audit of the licensee's royalty reports: what it found due, per statement line. */
export interface AuditFindings {
  readonly auditReference: string;
  /** The day the findings were delivered: the look-back window and the due dates count from it. */
  readonly conductedOn: string;
  readonly auditedPeriod: { readonly from: string; readonly to: string };
  readonly auditCost: MoneyJson;
  /** Per audited statement line (clause x product x country x period): the royalty found due. */
  readonly findings: readonly {
    readonly clauseId: string;
    readonly period: { readonly from: string; readonly to: string };
    readonly productId: string;
    readonly country: string;
    readonly royaltyDue: MoneyJson;
  }[];
  /** Needed for prime-plus late-interest terms: the prime rates from the earliest due date. */
  readonly primeRates?: readonly PrimeRateStep[];
}

export type AgreementCommandType = AgreementCommand['type'];
export type CommandOf<Type extends AgreementCommandType> = Extract<
  AgreementCommand,
  { type: Type }
>;
