import type { AgreementEvent } from './agreementEvent';
import { amendAgreement, assignPayee, terminateAgreement } from './agreementLife';
import type { AgreementState } from './agreementState';
import type { AgreementCommand } from './commands';
import {
  adjustObligation,
  disputeObligation,
  resolveDispute,
  reverseEntry,
  waiveObligation,
} from './corrections';
import { accrueLateInterest } from './accrueLateInterest';
import { applyCredit } from './applyCredit';
import { assessYearEnd } from './assessYearEnd';
import { givePaymentNotice, issueInvoice } from './payability';
import { recordAuditFindings } from './recordAuditFindings';
import { recordPayment } from './recordPayment';
import { reportNetSales } from './reportNetSales';
import { reportThirdPartyRoyalties } from './reportThirdPartyRoyalties';
import { restateNetSales } from './restateNetSales';
import { signAgreement } from './signAgreement';

/**
 * The agreement's decider: the events a command records, or a DomainError with a stable code when
 * a rule refuses it. Pure: time, ids and the actor arrive in the command.
 */
export function decide(command: AgreementCommand, state: AgreementState): AgreementEvent[] {
  switch (command.type) {
    case 'SignAgreement':
      return signAgreement(command, state);
    case 'AmendAgreement':
      return amendAgreement(command, state);
    case 'TerminateAgreement':
      return terminateAgreement(command, state);
    case 'AssignPayee':
      return assignPayee(command, state);
    case 'IssueInvoice':
      return issueInvoice(command, state);
    case 'GivePaymentNotice':
      return givePaymentNotice(command, state);
    case 'RecordPayment':
      return recordPayment(command, state);
    case 'ApplyCredit':
      return applyCredit(command, state);
    case 'WaiveObligation':
      return waiveObligation(command, state);
    case 'DisputeObligation':
      return disputeObligation(command, state);
    case 'ResolveDispute':
      return resolveDispute(command, state);
    case 'AdjustObligation':
      return adjustObligation(command, state);
    case 'ReverseEntry':
      return reverseEntry(command, state);
    case 'ReportNetSales':
      return reportNetSales(command, state);
    case 'RestateNetSales':
      return restateNetSales(command, state);
    case 'ReportThirdPartyRoyalties':
      return reportThirdPartyRoyalties(command, state);
    case 'AssessYearEnd':
      return assessYearEnd(command, state);
    case 'AccrueLateInterest':
      return accrueLateInterest(command, state);
    case 'RecordAuditFindings':
      return recordAuditFindings(command, state);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}
