import { currencyCode } from '../../../src/domain/currency';
import { parseMoney } from '../../../src/domain/money';
import { convertNetSales } from '../../../src/domain/royalties/fxConversion';

const USD = currencyCode('USD');
const jpy = (amount: string) => parseMoney({ amount, currency: 'JPY' });
const eur = (amount: string) => parseMoney({ amount, currency: 'EUR' });
const usd = (amount: string) => parseMoney({ amount, currency: 'USD' });

describe('converting local net sales to the payment currency', () => {
  it('divides yen by the yen per dollar and rounds to the cent', () => {
    // 3,456,789,012 / 151.37 = 22,836,685.023...: exact, then rounded once.
    const conversion = convertNetSales({
      localNetSales: jpy('3456789012'),
      exchangeRate: '151.37',
      paymentCurrency: USD,
      rounding: 'half-up',
    });
    expect(conversion.netSales).toEqual(usd('22836685.02'));
    expect(conversion.exchangeRate).toBe('151.37');
  });

  it('settles an exact half cent by the agreement’s rounding mode', () => {
    // 1.25 EUR at 2 EUR per USD is 0.625 USD.
    const convert = (rounding: 'half-up' | 'half-even') =>
      convertNetSales({
        localNetSales: eur('1.25'),
        exchangeRate: '2',
        paymentCurrency: USD,
        rounding,
      }).netSales;
    expect(convert('half-up')).toEqual(usd('0.63'));
    expect(convert('half-even')).toEqual(usd('0.62'));
  });

  it('converts returns exceeding sales to a negative amount, symmetric around zero', () => {
    expect(
      convertNetSales({
        localNetSales: eur('-1.25'),
        exchangeRate: '2',
        paymentCurrency: USD,
        rounding: 'half-up',
      }).netSales,
    ).toEqual(usd('-0.63'));
  });

  it('does not convert sales already in the payment currency', () => {
    const conversion = convertNetSales({
      localNetSales: usd('1000.01'),
      paymentCurrency: USD,
      rounding: 'half-up',
    });
    expect(conversion.netSales).toEqual(usd('1000.01'));
    expect(conversion.exchangeRate).toBe('1');
  });

  it.each([
    ['a rate other than 1 for the payment currency', usd('1.00'), '1.1', 'invalid-exchange-rate'],
    ['no rate for a foreign currency', eur('1.00'), undefined, 'missing-exchange-rate'],
    ['a zero rate', eur('1.00'), '0', 'invalid-exchange-rate'],
    ['a negative rate', eur('1.00'), '-0.92', 'invalid-exchange-rate'],
    ['a rate in binary floating point notation', eur('1.00'), '9.2e-1', 'invalid-decimal'],
  ])('refuses %s', (_, localNetSales, exchangeRate, code) => {
    expect(() =>
      convertNetSales({
        localNetSales,
        ...(exchangeRate !== undefined && { exchangeRate }),
        paymentCurrency: USD,
        rounding: 'half-up',
        pointer: '/lines/0',
      }),
    ).toThrow(expect.objectContaining({ code }));
  });
});
