import { eventDefinition } from '../../../src/domain/events/catalogue';
import { EVENT_EXAMPLES, NET_SALES_REPORTED_V1_EXAMPLE } from '../../../src/domain/events/examples';
import { parseEventData } from '../../../src/domain/events/parseEventData';
import { problemsOf } from './parseProblems';

const v1 = NET_SALES_REPORTED_V1_EXAMPLE;

describe('NetSalesReported stored as version 1', () => {
  it('is at version 2 today, with one upcaster', () => {
    const definition = eventDefinition('NetSalesReported');
    expect(definition.schemaVersion).toBe(2);
    expect(definition.upcasters.map((upcaster) => upcaster.fromVersion)).toEqual([1]);
  });

  it('reads as version 2: its calendar quarter as a period, its report rates on every line', () => {
    const event = parseEventData('NetSalesReported', 1, v1);
    const { reportReference: _reference, ...v2 } = EVENT_EXAMPLES.NetSalesReported;
    expect(event).toEqual({
      type: 'NetSalesReported',
      data: {
        ...v2,
        lines: v2.lines.map(({ royaltyReported: _royalty, ...line }) => line),
      },
    });
  });

  it('gives the fourth quarter of a leap year its last day', () => {
    const event = parseEventData('NetSalesReported', 1, { ...v1, year: 2024, quarter: 4 });
    expect(event.type === 'NetSalesReported' && event.data.period).toEqual({
      from: '2024-10-01',
      to: '2024-12-31',
    });
    const first = parseEventData('NetSalesReported', 1, { ...v1, year: 2024, quarter: 1 });
    expect(first.type === 'NetSalesReported' && first.data.period.to).toBe('2024-03-31');
  });

  it('converts sales in the payment currency at exactly 1, with or without a rate for it', () => {
    const event = parseEventData('NetSalesReported', 1, v1);
    expect(event.type === 'NetSalesReported' && event.data.lines[0]?.exchangeRate).toEqual({
      localUnitsPerPaymentUnit: '1',
      rateDate: '2015-03-31',
    });
  });

  it('is refused, pointing at the line, when the report has no rate for a line’s currency', () => {
    const { JPY: _jpy, ...rates } = v1.exchangeRates;
    expect(problemsOf('NetSalesReported', { ...v1, exchangeRates: rates }, 1)).toEqual([
      { pointer: '/lines/2/netSales/currency', detail: 'the report has no exchange rate for JPY' },
    ]);
  });

  it('is checked against the version 1 shape first, with pointers into the data as stored', () => {
    expect(problemsOf('NetSalesReported', { ...v1, quarter: 5 }, 1)).toEqual([
      { pointer: '/quarter', detail: expect.stringMatching(/<=4/) },
    ]);
    expect(problemsOf('NetSalesReported', { ...v1, period: v1.lines }, 1)).toContainEqual({
      pointer: '/period',
      detail: 'unknown member "period"',
    });
  });

  it('is still checked by the version 2 rules after the upcast', () => {
    const lines = [v1.lines[1]!, v1.lines[1]!];
    expect(problemsOf('NetSalesReported', { ...v1, lines }, 1)).toEqual([
      {
        pointer: '/lines/1',
        detail: 'a second line for biib015 in DE (first: /lines/0)',
      },
    ]);
  });

  it('is refused in its old shape when the envelope says version 2', () => {
    expect(problemsOf('NetSalesReported', v1, 2)).toEqual(
      expect.arrayContaining([
        { pointer: '/period', detail: expect.stringMatching(/expected object/) },
        { pointer: '/year', detail: 'unknown member "year"' },
      ]),
    );
  });
});

describe('parseEventData', () => {
  it('refuses an event type the catalogue does not have', () => {
    expect(() => parseEventData('INDApproved', 1, {})).toThrow(
      expect.objectContaining({ code: 'unknown-event-type' }),
    );
  });

  it.each([0, 3, 1.5])('refuses schema version %s of NetSalesReported', (version) => {
    expect(() =>
      parseEventData('NetSalesReported', version, EVENT_EXAMPLES.NetSalesReported),
    ).toThrow(
      expect.objectContaining({ code: 'unsupported-schema-version', pointer: '/schemaVersion' }),
    );
  });

  it('refuses data that is not an object', () => {
    expect(problemsOf('INDSubmitted', null)).toEqual([
      { pointer: '', detail: expect.stringMatching(/expected object/) },
    ]);
  });

  it('reports every problem at once, the first one as the error’s pointer', () => {
    try {
      parseEventData('INDSubmitted', 1, { productId: 'biib015', jurisdiction: 'us' });
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toMatchObject({
        code: 'invalid-event-data',
        pointer: '/jurisdiction',
        problems: [
          { pointer: '/jurisdiction', detail: expect.stringMatching(/upper-case/) },
          { pointer: '/submittedOn', detail: expect.stringMatching(/expected string/) },
        ],
      });
    }
  });

  it('escapes a member name with a slash in its pointer', () => {
    expect(problemsOf('INDSubmitted', { ...EVENT_EXAMPLES.INDSubmitted, 'a/b': 1 })).toEqual([
      { pointer: '/a~1b', detail: 'unknown member "a/b"' },
    ]);
  });
});
