import { DomainError } from './domainError';

/** ISO 4217 alphabetic code of an active currency, e.g. `USD`. */
export type CurrencyCode = string & { readonly __brand: 'CurrencyCode' };

// ISO 4217 minor units (the exponent) of active currencies that differ from 2.
// prettier-ignore
const EXPONENTS: Readonly<Record<string, number>> = {
  BHD: 3, BIF: 0, CLF: 4, CLP: 0, DJF: 0, GNF: 0, IQD: 3, ISK: 0, JOD: 3, JPY: 0, KMF: 0, KRW: 0,
  KWD: 3, LYD: 3, OMR: 3, PYG: 0, RWF: 0, TND: 3, UGX: 0, UYI: 0, UYW: 4, VND: 0, VUV: 0, XAF: 0,
  XOF: 0, XPF: 0,
};

// The active ISO 4217 currencies (funds and precious metals excluded).
const ACTIVE = new Set(
  (
    'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN ' +
    'BZD CAD CDF CHF CLF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL ' +
    'GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW ' +
    'KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN ' +
    'NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK ' +
    'SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYI UYU ' +
    'UYW UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG'
  ).split(' '),
);

export function isCurrencyCode(value: string): value is CurrencyCode {
  return ACTIVE.has(value);
}

export function currencyCode(value: string, pointer?: string): CurrencyCode {
  if (!isCurrencyCode(value)) {
    throw new DomainError(
      'unknown-currency',
      `${JSON.stringify(value)} is not an active ISO 4217 currency code`,
      pointer,
    );
  }
  return value;
}

/** How many decimal places the currency's minor unit has: 2 for USD and EUR, 0 for JPY, 3 for KWD. */
export function minorUnitsOf(currency: CurrencyCode): number {
  return EXPONENTS[currency] ?? 2;
}
