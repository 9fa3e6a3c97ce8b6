import type { EventType } from '../../../src/domain/events/catalogue';
import { EVENT_EXAMPLES } from '../../../src/domain/events/examples';
import { parseEventData } from '../../../src/domain/events/parseEventData';
import { replaceAt } from './jsonPaths';
import { problemsOf } from './parseProblems';

const usd = (amount: string) => ({ amount, currency: 'USD' });
const eur = (amount: string) => ({ amount, currency: 'EUR' });

/** The example of `type` with `value` put at `pointer`. */
function exampleWith(type: EventType, pointer: string, value: unknown): unknown {
  return replaceAt(EVENT_EXAMPLES[type], pointer, () => value);
}

describe('rules across fields', () => {
  it.each<[string, EventType, string, unknown, string, RegExp]>([
    [
      'signed terms with overlapping tiers (checked by parseTerms)',
      'AgreementSigned',
      '/terms/royalties/0/tiers/1/fromAmount/amount',
      '0.00',
      '/terms/royalties/0/tiers/1/fromAmount',
      /strictly increasing/,
    ],
    [
      'signed terms of another agreement',
      'AgreementSigned',
      '/agreementId',
      '6f1c2d3e-0000-4000-8000-000000000000',
      '/terms/agreementId',
      /terms are those of agreement/,
    ],
    [
      'amended terms naming an unlicensed product',
      'AgreementAmended',
      '/terms/royalties/0/productIds/0',
      'other',
      '/terms/royalties/0/productIds/0',
      /not a licensed product/,
    ],
    [
      'notice of termination given after it took effect',
      'AgreementTerminated',
      '/noticeGivenOn',
      '2022-04-01',
      '/noticeGivenOn',
      /on or before/,
    ],
    [
      'a period that ends before it starts',
      'NetSalesReported',
      '/period/to',
      '2014-12-31',
      '/period/to',
      /ends on or after it starts/,
    ],
    [
      'a second line for the same product and country',
      'NetSalesRestated',
      '/lines/2/country',
      'DE',
      '/lines/2',
      /second line for biib015 in DE/,
    ],
    [
      'sales in the payment currency at a rate other than 1',
      'NetSalesReported',
      '/lines/0/exchangeRate/localUnitsPerPaymentUnit',
      '1.0001',
      '/lines/0/exchangeRate/localUnitsPerPaymentUnit',
      /exactly 1/,
    ],
    [
      'an exchange rate of zero',
      'NetSalesReported',
      '/lines/1/exchangeRate/localUnitsPerPaymentUnit',
      '0',
      '/lines/1/exchangeRate/localUnitsPerPaymentUnit',
      /more than zero/,
    ],
    [
      'an exchange rate written with an exponent',
      'NetSalesReported',
      '/lines/1/exchangeRate/localUnitsPerPaymentUnit',
      '9.215e-1',
      '/lines/1/exchangeRate/localUnitsPerPaymentUnit',
      /not a decimal/,
    ],
    [
      'the licensee’s royalty in a local currency',
      'NetSalesReported',
      '/lines/1/royaltyReported',
      eur('267235.00'),
      '/lines/1/royaltyReported/currency',
      /must be in USD/,
    ],
    [
      'third-party royalties outside the payment currency',
      'ThirdPartyRoyaltiesReported',
      '/lines/0/amount',
      eur('18430.00'),
      '/lines/0/amount/currency',
      /must be in USD/,
    ],
    [
      'a royalty amount that is not the royalty less what was accrued before',
      'RoyaltyAccrued',
      '/amount',
      usd('290000.01'),
      '/amount',
      /royalty less what was accrued before/,
    ],
    [
      'a royalty that is not the line’s rounded year to date after less the one before',
      'RoyaltyAccrued',
      '/computation/yearToDate/royaltyRoundedAfter',
      usd('290000.01'),
      '/royalty',
      /rounded year to date after less the one before/,
    ],
    [
      'a rounded year to date in another currency',
      'RoyaltyAccrued',
      '/computation/yearToDate/royaltyRoundedBefore',
      eur('0.00'),
      '/computation/yearToDate/royaltyRoundedBefore/currency',
      /must be in USD/,
    ],
    [
      'a royalty computation in two payment currencies',
      'RoyaltyAccrued',
      '/computation/royaltyBeforeReductions',
      eur('300000.00'),
      '/computation/royaltyBeforeReductions/currency',
      /must be in USD/,
    ],
    [
      'a tier band ending in another currency',
      'RoyaltyAccrued',
      '/computation/tierSlices/0/toAmount',
      eur('250000000.00'),
      '/computation/tierSlices/0/toAmount/currency',
      /must be in USD/,
    ],
    [
      'an amendment listing a changed clause twice',
      'AgreementAmended',
      '/changedClauseIds',
      ['5.3(b)', '5.3(b)'],
      '/changedClauseIds/1',
      /appears twice/,
    ],
    [
      'a tier rate above 100%',
      'RoyaltyAccrued',
      '/computation/tierSlices/0/ratePercent',
      '103',
      '/computation/tierSlices/0/ratePercent',
      /between 0 and 100/,
    ],
    [
      'a shortfall that is not the minimum less the royalties',
      'MinimumRoyaltyShortfallAssessed',
      '/shortfall',
      usd('250000.01'),
      '/shortfall',
      /minimum less the royalties/,
    ],
    [
      'interest that stops before it starts',
      'LateInterestAccrued',
      '/accruedUntil',
      '2015-05-31',
      '/accruedUntil',
      /stops after it starts/,
    ],
    [
      'a payment applied that creates money',
      'PaymentApplied',
      '/unapplied',
      usd('0.01'),
      '/unapplied',
      /add up to what was available/,
    ],
    [
      'a payment of zero',
      'PaymentReceived',
      '/amount',
      usd('0.00'),
      '/amount/amount',
      /more than zero/,
    ],
    [
      'an adjustment of zero',
      'ObligationAdjusted',
      '/difference',
      usd('0.00'),
      '/difference/amount',
      /must not be zero/,
    ],
    [
      'an invoice covering the same obligation twice',
      'InvoiceIssued',
      '/obligationIds/1',
      EVENT_EXAMPLES.InvoiceIssued.obligationIds[0],
      '/obligationIds/1',
      /appears twice/,
    ],
    [
      'an event id in upper case',
      'InvoiceIssued',
      '/obligationIds/0',
      EVENT_EXAMPLES.InvoiceIssued.obligationIds[0]!.toUpperCase(),
      '/obligationIds/0',
      /lowercase/,
    ],
    [
      'a product id that cannot name a stream',
      'INDSubmitted',
      '/productId',
      'BIIB 015',
      '/productId',
      /product id/,
    ],
    [
      'a claim that expires before it covers',
      'ValidClaimCoverageStarted',
      '/scheduledExpiryOn',
      '2004-09-30',
      '/scheduledExpiryOn',
      /expires after it starts/,
    ],
    [
      'a reversal of a reversal',
      'EntryReversed',
      '/reversedEventType',
      'EntryReversed',
      '/reversedEventType',
      /record the fact again/,
    ],
  ])('refuses %s', (_what, type, at, value, pointer, detail) => {
    expect(problemsOf(type, exampleWith(type, at, value))).toContainEqual({
      pointer,
      detail: expect.stringMatching(detail),
    });
  });

  it('refuses a reversal that names no stream, or both', () => {
    const { productId: _product, ...neither } = EVENT_EXAMPLES.EntryReversed;
    const both = {
      ...neither,
      productId: 'biib015',
      agreementId: EVENT_EXAMPLES.UpfrontFeeDue.agreementId,
    };
    for (const data of [neither, both]) {
      expect(problemsOf('EntryReversed', data)).toEqual([
        { pointer: '', detail: 'names its stream: exactly one of agreementId and productId' },
      ]);
    }
  });

  it('accepts a restatement that credits: a negative royalty difference', () => {
    const { computation } = EVENT_EXAMPLES.RoyaltyAccrued;
    const credit = {
      ...EVENT_EXAMPLES.RoyaltyAccrued,
      computation: {
        ...computation,
        yearToDate: {
          ...computation.yearToDate,
          royaltyExactAfter: '260000',
          productRoyaltyExactAfter: '1160000',
          royaltyRoundedAfter: usd('260000.00'),
        },
      },
      royalty: usd('260000.00'),
      previouslyAccrued: usd('290000.00'),
      amount: usd('-30000.00'),
    };
    expect(parseEventData('RoyaltyAccrued', 3, credit).data).toEqual(credit);
  });

  it('accepts a partial allocation that leaves the rest of the payment as a credit', () => {
    const partial = {
      ...EVENT_EXAMPLES.PaymentApplied,
      allocations: [
        {
          obligationId: EVENT_EXAMPLES.PaymentApplied.allocations[0]!.obligationId,
          amount: usd('1000000.00'),
        },
      ],
      unapplied: usd('500000.00'),
    };
    expect(parseEventData('PaymentApplied', 1, partial).data).toEqual(partial);
  });

  it('accepts negative net sales, as when returns exceed a quarter’s sales', () => {
    const data = exampleWith('NetSalesReported', '/lines/0/netSales', usd('-12500.00'));
    expect(() => parseEventData('NetSalesReported', 2, data)).not.toThrow();
  });

  it('accepts a royalty sale that names the kinds of obligations sold, or all of them', () => {
    for (const obligationKinds of ['all', ['royalty']]) {
      const data = exampleWith('PayeeAssigned', '/obligationKinds', obligationKinds);
      expect(() => parseEventData('PayeeAssigned', 1, data)).not.toThrow();
    }
    expect(
      problemsOf('PayeeAssigned', exampleWith('PayeeAssigned', '/obligationKinds', [])),
    ).toEqual([{ pointer: '/obligationKinds', detail: expect.any(String) }]);
  });
});
