import { z } from 'zod';
import { eventDefinition } from '../domain/events/catalogue';
import type { AgreementCommands, CommandBody } from './agreementCommands';
import type { ProductFacts } from './productFacts';

/**
 * The facts a licensee's or a bank's systems report about one agreement, each recorded by a
 * command on the agreement's stream: the event type a writer names, the command that records
 * it, and the fields of the event the decider derives itself (from the terms, from the
 * obligations) and so never takes from the writer. REST (commandRoutes) and webhooks map facts
 * to commands here, so they record the same fact the same way.
 */
const AGREEMENT_FACTS = {
  InvoiceIssued: { command: 'IssueInvoice', derived: ['amount'] },
  PaymentReceived: { command: 'RecordPayment', derived: [] },
  NetSalesReported: { command: 'ReportNetSales', derived: ['paymentCurrency'] },
  NetSalesRestated: { command: 'RestateNetSales', derived: ['paymentCurrency'] },
  ThirdPartyRoyaltiesReported: {
    command: 'ReportThirdPartyRoyalties',
    derived: ['paymentCurrency'],
  },
} as const satisfies Record<string, { command: CommandBody['type']; derived: readonly string[] }>;

export type AgreementFactType = keyof typeof AGREEMENT_FACTS;

export const AGREEMENT_FACT_TYPES = Object.keys(AGREEMENT_FACTS) as readonly AgreementFactType[];

export function isAgreementFactType(type: string): type is AgreementFactType {
  return Object.hasOwn(AGREEMENT_FACTS, type);
}

/**
 * What a writer sends of the fact: the event's own fields (agreementId included) less those the
 * decider derives. Strict, like the event: an unknown member is refused with its pointer.
 */
export function agreementFactSchema(type: AgreementFactType): z.ZodObject {
  const { shape } = eventDefinition(type).schema as unknown as z.ZodObject;
  const derived: readonly string[] = AGREEMENT_FACTS[type].derived;
  return z.strictObject(
    Object.fromEntries(Object.entries(shape).filter(([key]) => !derived.includes(key))),
  );
}

/** What the command needs beyond the fact's fields: the product facts royalties are priced with. */
export interface AgreementFactSources {
  readonly products: ProductFacts;
  readonly agreements: AgreementCommands;
}

/**
 * The command that records the fact on agreement `agreementId`; `fields` are the fact's fields
 * without `agreementId` (a REST body, or a webhook's data less it). Royalty reports get the facts
 * of their products (first sales, Valid Claims, generic entries); a third-party royalty report
 * also those of the period's net sales report, which it may reprice.
 */
export async function agreementFactCommand(
  type: AgreementFactType,
  agreementId: string,
  fields: object,
  sources: AgreementFactSources,
): Promise<CommandBody> {
  // The fields are the writer's, checked by the decider (which names each bad one): cast as the
  // REST routes always did.
  const commandOf = (more: object = {}) =>
    ({ type: AGREEMENT_FACTS[type].command, ...fields, ...more }) as unknown as CommandBody;
  switch (type) {
    case 'InvoiceIssued':
    case 'PaymentReceived':
      return commandOf();
    case 'NetSalesReported':
    case 'NetSalesRestated':
      return commandOf({ facts: await sources.products.royaltyFacts(productIdsOf(fields)) });
    case 'ThirdPartyRoyaltiesReported': {
      const { state } = await sources.agreements.load(agreementId);
      const period = (fields as { period?: { from?: unknown; to?: unknown } }).period;
      const reported = [...state.netSalesReports.values()].filter(
        (report) => report.period.from === period?.from && report.period.to === period.to,
      );
      const productIds = [...productIdsOf(fields), ...reported.flatMap((r) => productIdsOf(r))];
      return commandOf({ facts: await sources.products.royaltyFacts(productIds) });
    }
    default: {
      const _exhaustive: never = type;
      return _exhaustive;
    }
  }
}

function productIdsOf(fields: object): string[] {
  const { lines } = fields as { lines?: unknown };
  if (!Array.isArray(lines)) return [];
  return lines.flatMap((line: unknown) => {
    const productId = (line as { productId?: unknown } | null)?.productId;
    return typeof productId === 'string' ? [productId] : [];
  });
}
