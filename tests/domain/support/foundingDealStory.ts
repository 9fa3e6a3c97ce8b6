import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import type { CommandOf } from '../../../src/domain/agreement/commands';
import { decide } from '../../../src/domain/agreement/decide';
import { initialState } from '../../../src/domain/agreement/agreementState';
import { businessDate } from '../../../src/domain/dates';
import type { RoyaltyCountryFacts } from '../../../src/domain/royalties/royaltyReport';
import { foundingDeal } from '../fixtures/foundingDeal';
import { context, idFor } from './agreementSpec';

export const AGREEMENT_ID = foundingDeal.agreementId;

export const sign = (): CommandOf<'SignAgreement'> => ({
  type: 'SignAgreement',
  ...context(),
  terms: foundingDeal,
});

export const signed = (): AgreementEvent[] => decide(sign(), initialState);

/** A fact of the product stream, as recorded there. */
export const indSubmittedFact = (
  key: string,
  submittedOn: string,
  productId = 'biib015',
): AgreementEvent => ({
  eventId: idFor(key),
  type: 'INDSubmitted',
  data: { productId, jurisdiction: 'US', submittedOn },
});

export const phaseStartedFact = (
  key: string,
  phase: 'I' | 'II' | 'III',
  on: string,
): AgreementEvent => ({
  eventId: idFor(key),
  type: 'ClinicalPhaseStarted',
  data: { productId: 'biib015', phase, firstPatientDosedOn: on, indication: 'solid tumours' },
});

export const usd = (amount: string) => ({ amount, currency: 'USD' });

/** BIIB015 sold in the US since 2011, under a Valid Claim with no end recorded. */
export const usFacts: RoyaltyCountryFacts[] = [
  {
    productId: 'biib015',
    country: 'US',
    firstCommercialSaleOn: businessDate('2011-06-01'),
    validClaims: [{ coveredFrom: businessDate('2008-05-06') }],
  },
];

export const quarter = (year: number, q: number) => {
  const from = `${year}-${String(q * 3 - 2).padStart(2, '0')}-01`;
  const to = `${year}-${String(q * 3).padStart(2, '0')}-${q === 1 || q === 4 ? '31' : '30'}`;
  return { from, to };
};

export const reportUsSales = (
  year: number,
  q: number,
  amount: string,
  key = `${year}Q${q}:`,
): CommandOf<'ReportNetSales'> => ({
  type: 'ReportNetSales',
  ...context(key),
  period: quarter(year, q),
  reportedOn: quarter(year, q).to,
  lines: [
    {
      productId: 'biib015',
      country: 'US',
      netSales: usd(amount),
      exchangeRate: { localUnitsPerPaymentUnit: '1', rateDate: quarter(year, q).to },
    },
  ],
  facts: usFacts,
});

export const terminate = (terminatedOn: string): CommandOf<'TerminateAgreement'> => ({
  type: 'TerminateAgreement',
  ...context(`terminate:${terminatedOn}:`),
  terminatedOn,
  terminatedBy: 'licensee',
  grounds: 'convenience',
  reason: 'portfolio review',
});

export const amend = (
  effectiveOn: string,
  terms: CommandOf<'AmendAgreement'>['terms'],
  changedClauseIds: string[],
): CommandOf<'AmendAgreement'> => ({
  type: 'AmendAgreement',
  ...context(`amend:${effectiveOn}:`),
  amendmentReference: 'Amendment No. 1',
  signedOn: effectiveOn,
  effectiveOn,
  reason: 'renegotiated economics',
  changedClauseIds,
  terms,
});
