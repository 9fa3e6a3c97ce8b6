/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any -- answers are JSON read back as a client sees them */
import { EVENT_EXAMPLES } from '../../../src/domain/events/examples';
import { eventsOf, onBothStores, usd, type Api } from './api';

jest.setTimeout(60_000);

const TERMS = EVENT_EXAMPLES.AgreementSigned.terms;
const A = TERMS.agreementId;
const B = '7d1e5f00-2010-4b00-8c00-000000000002';
const SECOND_DEAL = {
  ...TERMS,
  agreementId: B,
  title: 'Co-development of BIIB015 in Japan',
  licensee: { partyId: 'example-pharma-kk', name: 'Example Pharma K.K.' },
  signedOn: '2006-06-01',
};

const line = (
  country: string,
  amount: string,
  currency: string,
  rate: string,
  rateDate: string,
) => ({
  productId: 'biib015',
  country,
  netSales: { amount, currency },
  exchangeRate: { localUnitsPerPaymentUnit: rate, rateDate },
});

/** The ids of what the two deals owe, received and accrued, by a readable name. */
interface Book {
  readonly names: Map<string, string>;
  readonly paymentA: string;
  readonly paymentB: string;
  readonly otherAdminKeyId: string;
}

/**
 * Two deals licensing BIIB015:
 * - A (Biogen Idec, signed 2004-10-01): upfront due 2004-10-31, paid 2005-01-10; the IND
 *   milestone due 2008-02-14, open; royalties of Q1 2015 (US, DE, JP) and Q2 2015 (US), due
 *   2015-06-01 and 2015-08-31;
 * - B (Example Pharma K.K., signed 2006-06-01): upfront due 2006-07-01, open; the IND milestone
 *   due 2008-02-14, 500,000.00 paid on 2008-03-01 by another admin key; a Q1 2015 US royalty.
 */
async function twoDeals(api: Api): Promise<Book> {
  await api.sign(TERMS);
  await api.sign(SECOND_DEAL);
  await api.fact('biib015', 'INDSubmitted', { jurisdiction: 'US', submittedOn: '2008-01-15' });
  for (const [country, soldOn] of [
    ['US', '2014-05-12'],
    ['DE', '2014-09-01'],
    ['JP', '2014-11-04'],
  ])
    await api.fact('biib015', 'FirstCommercialSale', { country, soldOn });
  const names = new Map<string, string>();
  for (const o of await api.list('/obligations'))
    names.set(o.obligationId, `${o.agreementId === A ? 'A' : 'B'} ${o.kind}`);

  const id = (name: string) => [...names].find(([, n]) => n === name)![0];
  const paidA = await api.command(A, '/payments', {
    amount: usd('1000000.00'),
    receivedOn: '2005-01-10',
    payerPartyId: 'biogen-idec',
    payeePartyId: 'immunogen',
    reference: 'FEDWIRE 20050110-000007',
    intendedObligationIds: [id('A upfront-fee')],
  });

  // Another admin key records B's payment, under a correlation id of the caller's own.
  const otherKey = await api.createKey('admin');
  await api.settled();
  const current = await api.expectStatus(200, 'GET', `/agreements/${B}`);
  const paidB = await api.expectStatus(200, 'POST', `/agreements/${B}/payments`, {
    key: otherKey,
    headers: { 'If-Match': current.headers.get('etag')!, 'X-Request-Id': 'remittance-b-0042' },
    body: {
      amount: usd('500000.00'),
      receivedOn: '2008-03-01',
      payerPartyId: 'example-pharma-kk',
      payeePartyId: 'immunogen',
      // A reference with a quote and a comma: the CSV export must quote it.
      reference: 'SWIFT "MT103", 2008-03-01',
      intendedObligationIds: [id('B milestone')],
    },
  });

  const q1 = {
    period: { from: '2015-01-01', to: '2015-03-31' },
    reportedOn: '2015-04-28',
  };
  await api.command(A, '/net-sales-reports', {
    ...q1,
    lines: [
      line('US', '30000000.00', 'USD', '1', '2015-03-31'),
      line('DE', '9215000.00', 'EUR', '0.9215', '2015-03-31'),
      line('JP', '240200000', 'JPY', '120.10', '2015-03-31'),
    ],
  });
  await api.command(A, '/net-sales-reports', {
    period: { from: '2015-04-01', to: '2015-06-30' },
    reportedOn: '2015-07-28',
    lines: [line('US', '10000000.00', 'USD', '1', '2015-06-30')],
  });
  await api.command(B, '/net-sales-reports', {
    ...q1,
    lines: [line('US', '1000000.00', 'USD', '1', '2015-03-31')],
  });
  for (const o of await api.list('/obligations?kind=royalty'))
    names.set(o.obligationId, `${o.agreementId === A ? 'A' : 'B'} royalty ${o.arisesOn}`);
  const otherKeyId = /^obl_([^_]+)_/.exec(otherKey)![1]!;
  return {
    names,
    paymentA: eventsOf(paidA, 'PaymentReceived')[0].eventId,
    paymentB: eventsOf(paidB, 'PaymentReceived')[0].eventId,
    otherAdminKeyId: otherKeyId,
  };
}

/** Every page of a list with `limit`, following Link rel="next" to the end. */
async function pages(api: Api, path: string): Promise<any[][]> {
  const all: any[][] = [];
  let next: string | undefined = path;
  while (next !== undefined) {
    const page = await api.expectStatus(200, 'GET', next);
    all.push(page.body.items);
    const link = page.headers.get('link');
    next = link === null ? undefined : /<([^>]+)>;\s*rel="next"/.exec(link)?.[1];
    if (all.length > 100) throw new Error('paging does not end');
  }
  return all;
}

/** RFC 4180: records of fields, quoted fields may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 1;
    } else if (c === '\n') throw new Error(`a bare LF at ${i}: records end with CRLF`);
    else field += c;
  }
  if (field !== '' || record.length > 0) throw new Error('the last record has no CRLF');
  return records;
}

onBothStores('queries over REST', (api) => {
  it('filters obligations by agreement, party, payer, payee, kind, status (overdue and open as of a date) and due dates', async () => {
    const { names } = await twoDeals(api);
    const query = async (q: string) =>
      (await api.list(`/obligations?${q}`)).map((o: any) => names.get(o.obligationId)).sort();
    const royaltiesA = [
      'A royalty 2015-01-01',
      'A royalty 2015-01-01',
      'A royalty 2015-01-01',
      'A royalty 2015-04-01',
    ];
    const everything = [
      'A milestone',
      ...royaltiesA,
      'A upfront-fee',
      'B milestone',
      'B royalty 2015-01-01',
      'B upfront-fee',
    ];
    expect(await query('')).toEqual(everything);
    expect(await query(`agreementId=${A}`)).toEqual([
      'A milestone',
      ...royaltiesA,
      'A upfront-fee',
    ]);
    expect(await query(`agreementId=${B}`)).toEqual([
      'B milestone',
      'B royalty 2015-01-01',
      'B upfront-fee',
    ]);
    expect(await query('party=example-pharma-kk')).toEqual(await query(`agreementId=${B}`));
    expect(await query('party=immunogen')).toEqual(everything);
    expect(await query('payerPartyId=biogen-idec')).toEqual(await query(`agreementId=${A}`));
    expect(await query('payeePartyId=immunogen')).toEqual(everything);
    expect(await query('payeePartyId=biogen-idec')).toEqual([]);
    expect(await query('kind=milestone')).toEqual(['A milestone', 'B milestone']);
    expect(await query('kind=upfront-fee&party=biogen-idec')).toEqual(['A upfront-fee']);

    expect(await query('status=paid')).toEqual(['A upfront-fee']);
    expect(await query('status=partially-paid')).toEqual(['B milestone']);
    // Open: anything with a balance, whatever its due date.
    expect(await query('status=open')).toEqual(everything.filter((n) => n !== 'A upfront-fee'));
    // Overdue is judged on asOf: due strictly before it and still open.
    expect(await query('status=overdue&asOf=2006-07-01')).toEqual([]);
    expect(await query('status=overdue&asOf=2006-07-02')).toEqual(['B upfront-fee']);
    expect(await query('status=overdue&asOf=2008-03-31')).toEqual([
      'A milestone',
      'B milestone',
      'B upfront-fee',
    ]);
    expect(await query('status=overdue&asOf=2015-06-02')).toEqual([
      'A milestone',
      'A royalty 2015-01-01',
      'A royalty 2015-01-01',
      'A royalty 2015-01-01',
      'B milestone',
      'B royalty 2015-01-01',
      'B upfront-fee',
    ]);
    // As of 2008 the 2015 royalty had not arisen: it is not listed (valid time).
    const flagged = await api.list(`/obligations?agreementId=${B}&asOf=2008-03-31`);
    expect(flagged.map((o: any) => [names.get(o.obligationId), o.overdue]).sort()).toEqual([
      ['B milestone', true],
      ['B upfront-fee', true],
    ]);
    const later = await api.list(`/obligations?agreementId=${B}&asOf=2015-01-02`);
    expect(later.map((o: any) => [names.get(o.obligationId), o.overdue]).sort()).toEqual([
      ['B milestone', true],
      ['B royalty 2015-01-01', false],
      ['B upfront-fee', true],
    ]);

    expect(await query('dueBefore=2008-02-14')).toEqual(['A upfront-fee', 'B upfront-fee']);
    expect(await query('dueBefore=2008-02-15')).toEqual([
      'A milestone',
      'A upfront-fee',
      'B milestone',
      'B upfront-fee',
    ]);
    expect(await query('dueOnOrAfter=2015-06-01')).toEqual([...royaltiesA, 'B royalty 2015-01-01']);
    expect(await query('dueOnOrAfter=2015-06-02')).toEqual(['A royalty 2015-04-01']);
    expect(await query('dueOnOrAfter=2008-02-14&dueBefore=2015-06-01')).toEqual([
      'A milestone',
      'B milestone',
    ]);
  });

  it('filters payments by party and received dates, royalty statement lines by product, country and period, and answers single items or 404', async () => {
    const { paymentA, paymentB, names } = await twoDeals(api);
    const payments = async (q: string) =>
      (await api.list(`/payments?${q}`)).map((p: any) => p.paymentEventId);
    expect(await payments('')).toEqual([paymentA, paymentB]);
    expect(await payments('party=example-pharma-kk')).toEqual([paymentB]);
    expect(await payments('party=biogen-idec')).toEqual([paymentA]);
    expect(await payments('party=immunogen')).toEqual([paymentA, paymentB]);
    expect(await payments(`agreementId=${B}`)).toEqual([paymentB]);
    expect(await payments('receivedOnOrAfter=2008-03-01')).toEqual([paymentB]);
    expect(await payments('receivedBefore=2008-03-01')).toEqual([paymentA]);
    expect(await payments('receivedOnOrAfter=2005-01-10&receivedBefore=2005-01-11')).toEqual([
      paymentA,
    ]);

    const lines = async (q: string) =>
      (await api.list(`/royalty-statements?${q}`)).map(
        (l: any) => `${l.agreementId === A ? 'A' : 'B'} ${l.country} ${l.period.from}`,
      );
    expect(await lines('productId=biib015')).toEqual([
      'A US 2015-01-01',
      'A DE 2015-01-01',
      'A JP 2015-01-01',
      'A US 2015-04-01',
      'B US 2015-01-01',
    ]);
    expect(await lines('productId=another-product')).toEqual([]);
    expect(await lines('country=US')).toEqual([
      'A US 2015-01-01',
      'A US 2015-04-01',
      'B US 2015-01-01',
    ]);
    expect(await lines('country=DE')).toEqual(['A DE 2015-01-01']);
    expect(await lines('periodFrom=2015-04-01')).toEqual(['A US 2015-04-01']);
    expect(await lines('periodTo=2015-03-31&country=US')).toEqual([
      'A US 2015-01-01',
      'B US 2015-01-01',
    ]);
    expect(await lines(`agreementId=${B}&periodFrom=2015-01-01&periodTo=2015-06-30`)).toEqual([
      'B US 2015-01-01',
    ]);

    const milestoneB = [...names].find(([, n]) => n === 'B milestone')![0];
    const one = await api.expectStatus(200, 'GET', `/obligations/${milestoneB}?asOf=2008-03-31`);
    // 1,500,000.00 - 500,000.00 = 1,000,000.00 open.
    expect(one.body).toMatchObject({
      obligationId: milestoneB,
      agreementId: B,
      payerPartyId: 'example-pharma-kk',
      status: 'partially-paid',
      openBalance: usd('1000000.00'),
      overdue: true,
      payments: [expect.objectContaining({ paymentEventId: paymentB, amount: usd('500000.00') })],
    });
    const payment = await api.expectStatus(200, 'GET', `/payments/${paymentB}`);
    expect(payment.body).toMatchObject({
      paymentEventId: paymentB,
      payerPartyId: 'example-pharma-kk',
      reference: 'SWIFT "MT103", 2008-03-01',
      settled: [expect.objectContaining({ obligationId: milestoneB })],
    });
    for (const unknown of [
      '/obligations/no-such-obligation',
      '/payments/no-such-payment',
      '/agreements/no-such-agreement',
    ]) {
      const missing = await api.expectStatus(404, 'GET', unknown);
      expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(missing.body.status).toBe(404);
    }
  });

  it('filters the audit trail by stream, agreement, type, actor and correlation id', async () => {
    const { otherAdminKeyId, paymentB } = await twoDeals(api);
    const trail = async (q: string) =>
      (await api.list(`/audit-trail?${q}`)).map((e: any) => `${e.streamId} ${e.type}`);
    expect(await trail('streamId=product-biib015')).toEqual([
      'product-biib015 INDSubmitted',
      'product-biib015 FirstCommercialSale',
      'product-biib015 FirstCommercialSale',
      'product-biib015 FirstCommercialSale',
    ]);
    expect(await trail(`agreementId=${B}`)).toEqual([
      `agreement-${B} AgreementSigned`,
      `agreement-${B} UpfrontFeeDue`,
      `agreement-${B} MilestoneTriggered`,
      `agreement-${B} PaymentReceived`,
      `agreement-${B} PaymentApplied`,
      `agreement-${B} NetSalesReported`,
      `agreement-${B} RoyaltyAccrued`,
    ]);
    expect(await trail('type=PaymentReceived')).toEqual([
      `agreement-${A} PaymentReceived`,
      `agreement-${B} PaymentReceived`,
    ]);
    const byOtherKey = await api.list(`/audit-trail?actor=apikey:${otherAdminKeyId}`);
    expect(byOtherKey.map((e: any) => e.type)).toEqual(['PaymentReceived', 'PaymentApplied']);
    expect(byOtherKey[0].eventId).toBe(paymentB);
    expect(await trail('correlationId=remittance-b-0042')).toEqual([
      `agreement-${B} PaymentReceived`,
      `agreement-${B} PaymentApplied`,
    ]);
    expect(
      await trail(`type=PaymentReceived&agreementId=${A}&actor=apikey:${otherAdminKeyId}`),
    ).toEqual([]);
  });

  it('pages every list with limit and Link rel="next" to the end, never repeating or skipping an item', async () => {
    await twoDeals(api);
    const lists: [string, string][] = [
      ['/audit-trail?limit=4', 'eventId'],
      ['/obligations?limit=3', 'obligationId'],
      ['/obligations?limit=2&party=immunogen&asOf=2008-03-31', 'obligationId'],
      ['/payments?limit=1', 'paymentEventId'],
      ['/royalty-statements?limit=2&country=US', 'entryId'],
      ['/agreements?limit=1', 'agreementId'],
    ];
    for (const [path, key] of lists) {
      const paged = await pages(api, path);
      const all = await api.expectStatus(200, 'GET', path.replace(/limit=\d+/, 'limit=500'));
      expect(all.headers.get('link')).toBeNull();
      const expected = all.body.items.map((item: any) => item[key]);
      const seen = paged.flat().map((item: any) => item[key]);
      // More than one page, each full but the last, the whole list in order, once each.
      const limit = Number(/limit=(\d+)/.exec(path)![1]);
      expect(paged.length).toBeGreaterThan(1);
      expect(paged.slice(0, -1).every((page) => page.length === limit)).toBe(true);
      expect(paged[paged.length - 1]!.length).toBeGreaterThan(0);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(expected);
    }
  });

  it('exports every read model as RFC 4180 CSV (header, CRLF, quoting) and as NDJSON, matching the lists', async () => {
    await twoDeals(api);
    const exports: [string, string, string][] = [
      [
        '/obligations/export?asOf=2008-03-31',
        '/obligations?asOf=2008-03-31&limit=500',
        'obligationId,agreementId,kind,clauseId,currency,amountDue,amountPaid,openBalance,arisesOn,dueOn,status,overdue,payerPartyId,payeePartyId,triggeringEventId',
      ],
      [
        '/payments/export?party=immunogen',
        '/payments?party=immunogen&limit=500',
        'paymentEventId,agreementId,receivedOn,payerPartyId,payeePartyId,currency,amount,applied,unapplied,reference,reversed,settledObligationIds',
      ],
      [
        '/royalty-statements/export?productId=biib015',
        '/royalty-statements?productId=biib015&limit=500',
        'entryId,agreementId,clauseId,productId,country,periodFrom,periodTo,currency,royalty,previouslyAccrued,amount,dueOn,reversed',
      ],
      [
        '/audit-trail/export?streamId=product-biib015',
        '/audit-trail?streamId=product-biib015&limit=500',
        'position,eventId,streamId,streamVersion,type,schemaVersion,occurredAt,recordedAt,actor,source,correlationId,causationId,data',
      ],
    ];
    for (const [path, listPath, header] of exports) {
      const listed = (await api.expectStatus(200, 'GET', listPath)).body.items;
      expect(listed.length).toBeGreaterThan(0);

      const ndjson = await api.expectStatus(200, 'GET', `${path}&format=ndjson`);
      expect(ndjson.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      expect(ndjson.text.endsWith('\n')).toBe(true);
      expect(
        ndjson.text
          .trimEnd()
          .split('\n')
          .map((row) => JSON.parse(row)),
      ).toEqual(listed);

      const csv = await api.expectStatus(200, 'GET', `${path}&format=csv`);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(csv.text.startsWith(`${header}\r\n`)).toBe(true);
      expect(csv.text.endsWith('\r\n')).toBe(true);
      const [head, ...records] = parseCsv(csv.text);
      expect(head).toEqual(header.split(','));
      expect(records).toHaveLength(listed.length);
      for (const [index, record] of records.entries()) {
        expect(record).toHaveLength(head!.length);
        const first = head![0]!;
        expect(record[0]).toBe(String(listed[index][first]));
      }
      if (path.startsWith('/payments')) {
        // The reference holds a quote and a comma: quoted, the quote doubled.
        expect(csv.text).toContain(',"SWIFT ""MT103"", 2008-03-01",');
        const columns = head!;
        const row = records.find(
          (r) => r[columns.indexOf('payerPartyId')] === 'example-pharma-kk',
        )!;
        expect(row[columns.indexOf('reference')]).toBe('SWIFT "MT103", 2008-03-01');
        expect(row[columns.indexOf('amount')]).toBe('500000.00');
      }
      if (path.startsWith('/audit-trail')) {
        // The data column is the event's JSON, quoted: it reads back as the list shows it.
        const data = records.map((r) => JSON.parse(r[head!.indexOf('data')]!));
        expect(data).toEqual(listed.map((e: any) => e.data));
      }
    }
  });

  it('answers 503 with Retry-After to a read waiting for a position the log has not reached, after the wait', async () => {
    const signed = await api.sign(TERMS);
    const far = Number(signed.headers.get('x-position')) + 1_000_000;
    const started = Date.now();
    const behind = await api.expectStatus(503, 'GET', `/payments?waitFor=${far}`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(9_000);
    expect(behind.headers.get('retry-after')).toBe('1');
    expect(behind.body).toMatchObject({ status: 503, projection: 'payments' });
  });
});
