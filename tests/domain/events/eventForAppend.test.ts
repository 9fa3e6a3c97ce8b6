import { eventForAppend } from '../../../src/domain/events/eventForAppend';
import { EVENT_EXAMPLES } from '../../../src/domain/events/examples';

describe('eventForAppend', () => {
  it('stamps the current schema version on checked data', () => {
    expect(eventForAppend('NetSalesReported', EVENT_EXAMPLES.NetSalesReported)).toEqual({
      type: 'NetSalesReported',
      schemaVersion: 2,
      data: EVENT_EXAMPLES.NetSalesReported,
    });
  });

  it('writes the defaults of the terms into the stored event', () => {
    const { rounding: _rounding, ...terms } = EVENT_EXAMPLES.AgreementSigned.terms;
    const event = eventForAppend('AgreementSigned', { ...EVENT_EXAMPLES.AgreementSigned, terms });
    expect(event.data.terms.rounding).toBe('half-up');
  });

  it('refuses data that does not match, naming the field', () => {
    expect(() =>
      eventForAppend('PaymentReceived', {
        ...EVENT_EXAMPLES.PaymentReceived,
        amount: { amount: '1500000.001', currency: 'USD' },
      }),
    ).toThrow(expect.objectContaining({ code: 'invalid-event-data', pointer: '/amount/amount' }));
  });
});
