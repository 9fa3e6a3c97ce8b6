/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any -- the answers are JSON read back as a client sees them */
import { FOUNDING_DEAL_ID, foundingDeal } from '../domain/fixtures/foundingDeal';
import { describeWithPostgres } from '../support/postgresTarget';
import {
  openPostgresStores,
  openSqliteStores,
  startService,
  type RunningService,
  type Stores,
} from '../support/serviceHarness';

jest.setTimeout(60_000);

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
  readonly text: string;
}

function client(service: () => RunningService) {
  return async function call(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; key?: string | null } = {},
  ): Promise<Answer> {
    const { baseUrl, adminKey } = service();
    const key = options.key === undefined ? adminKey : options.key;
    const response = await fetch(baseUrl + path, {
      method,
      headers: {
        ...(key !== null && { Authorization: `Bearer ${key}` }),
        ...(options.body !== undefined && { 'Content-Type': 'application/json' }),
        ...options.headers,
      },
      ...(options.body !== undefined && {
        body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
      }),
    });
    const text = await response.text();
    let body: unknown = undefined;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, headers: response.headers, body, text };
  };
}

async function eventually<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function serviceFlowSuite(openStores: () => Promise<Stores>): void {
  let stores: Stores;
  let service: RunningService;
  const call = client(() => service);

  beforeEach(async () => {
    stores = await openStores();
    service = await startService(stores);
  });

  afterEach(async () => {
    await service.stop();
    await stores.close();
  });

  async function signFoundingDeal(): Promise<Answer> {
    const signed = await call('POST', '/agreements', { body: { terms: foundingDeal } });
    expect(signed.status).toBe(201);
    return signed;
  }

  async function milestoneObligation(): Promise<any> {
    return eventually(async () => {
      const page = await call(
        'GET',
        `/obligations?agreementId=${FOUNDING_DEAL_ID}&kind=milestone&asOf=2008-03-31`,
      );
      expect(page.status).toBe(200);
      return page.body.items[0];
    }, 'the IND milestone');
  }

  it('walks the founding deal: sign, IND submitted, the $1.5M milestone, paid, settled, exported', async () => {
    const signed = await signFoundingDeal();
    expect(signed.headers.get('location')).toBe(`/agreements/${FOUNDING_DEAL_ID}`);
    expect(signed.headers.get('etag')).toBe(`"${signed.body.version}"`);
    expect(signed.body.events.map((e: { type: string }) => e.type)).toEqual([
      'AgreementSigned',
      'UpfrontFeeDue',
    ]);

    const agreement = await call(
      'GET',
      `/agreements/${FOUNDING_DEAL_ID}?waitFor=${signed.headers.get('x-position')}`,
    );
    expect(agreement.status).toBe(200);
    expect(agreement.body).toMatchObject({
      agreementId: FOUNDING_DEAL_ID,
      licensor: { partyId: 'immunogen' },
      licensee: { partyId: 'biogen-idec' },
      summary: { earned: { amount: '1000000.00', currency: 'USD' } },
    });

    const fact = await call('POST', '/products/biib015/facts', {
      body: { type: 'INDSubmitted', data: { jurisdiction: 'US', submittedOn: '2008-01-15' } },
    });
    expect(fact.status).toBe(201);

    const milestone = await milestoneObligation();
    expect(milestone).toMatchObject({
      kind: 'milestone',
      clauseId: '5.2(a)',
      amount: { amount: '1500000.00', currency: 'USD' },
      openBalance: { amount: '1500000.00', currency: 'USD' },
      arisesOn: '2008-01-15',
      dueOn: '2008-02-14',
      status: 'payable',
      overdue: true,
      payerPartyId: 'biogen-idec',
      payeePartyId: 'immunogen',
      triggeringEventId: fact.body.event.eventId,
    });

    const current = await call(
      'GET',
      `/agreements/${FOUNDING_DEAL_ID}?waitFor=${await stores.store.headPosition()}`,
    );
    const paid = await call('POST', `/agreements/${FOUNDING_DEAL_ID}/payments`, {
      headers: { 'If-Match': current.headers.get('etag')!, 'Idempotency-Key': 'wire-1' },
      body: {
        amount: { amount: '1500000.00', currency: 'USD' },
        receivedOn: '2008-02-19',
        payerPartyId: 'biogen-idec',
        payeePartyId: 'immunogen',
        reference: 'FEDWIRE 20080219-000123',
        intendedObligationIds: [milestone.obligationId],
      },
    });
    expect(paid.status).toBe(200);
    const position = paid.headers.get('x-position');
    const payment = paid.body.events.find((e: { type: string }) => e.type === 'PaymentReceived');

    const history = await call(
      'GET',
      `/payments?agreementId=${FOUNDING_DEAL_ID}&waitFor=${position}`,
    );
    expect(history.status).toBe(200);
    expect(history.body.items).toEqual([
      expect.objectContaining({
        paymentEventId: payment.eventId,
        amount: { amount: '1500000.00', currency: 'USD' },
        applied: { amount: '1500000.00', currency: 'USD' },
        unapplied: { amount: '0.00', currency: 'USD' },
        settled: [
          expect.objectContaining({
            obligationId: milestone.obligationId,
            amount: { amount: '1500000.00', currency: 'USD' },
          }),
        ],
      }),
    ]);
    const settledObligation = await call(
      'GET',
      `/obligations/${milestone.obligationId}?waitFor=${position}&asOf=2008-03-31`,
    );
    expect(settledObligation.body).toMatchObject({
      status: 'paid',
      overdue: false,
      openBalance: { amount: '0.00', currency: 'USD' },
    });

    const csv = await call('GET', `/payments/export?agreementId=${FOUNDING_DEAL_ID}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toBe(
      'paymentEventId,agreementId,receivedOn,payerPartyId,payeePartyId,currency,amount,applied,unapplied,reference,reversed,settledObligationIds',
    );
    expect(lines[1]).toBe(
      `${payment.eventId},${FOUNDING_DEAL_ID},2008-02-19,biogen-idec,immunogen,USD,1500000.00,1500000.00,0.00,FEDWIRE 20080219-000123,false,${milestone.obligationId}`,
    );
    expect(lines[2]).toBe('');

    const ndjson = await call(
      'GET',
      `/audit-trail/export?agreementId=${FOUNDING_DEAL_ID}&format=ndjson`,
    );
    const types = ndjson.text
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { type: string }).type);
    expect(types).toEqual([
      'AgreementSigned',
      'UpfrontFeeDue',
      'MilestoneTriggered',
      'PaymentReceived',
      'PaymentApplied',
    ]);
  });

  it('guards agreement streams with If-Match: 428 without it, 412 when stale', async () => {
    const signed = await signFoundingDeal();
    const body = { asOf: '2008-12-31' };
    const path = `/agreements/${FOUNDING_DEAL_ID}/late-interest-accruals`;
    const missing = await call('POST', path, { body });
    expect(missing.status).toBe(428);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const stale = await call('POST', path, { body, headers: { 'If-Match': '"1"' } });
    expect(stale.status).toBe(412);
    const fresh = await call('POST', path, {
      body,
      headers: { 'If-Match': signed.headers.get('etag')! },
    });
    expect(fresh.status).toBe(200);
  });

  it('replays an Idempotency-Key with the same body and refuses it with another', async () => {
    const first = await call('POST', '/agreements', {
      body: { terms: foundingDeal },
      headers: { 'Idempotency-Key': 'sign-1' },
    });
    expect(first.status).toBe(201);
    const again = await call('POST', '/agreements', {
      body: { terms: foundingDeal },
      headers: { 'Idempotency-Key': 'sign-1' },
    });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const other = await call('POST', '/agreements', {
      body: { terms: { ...foundingDeal, title: 'Another title' } },
      headers: { 'Idempotency-Key': 'sign-1' },
    });
    expect(other.status).toBe(422);
    const twice = await call('POST', '/agreements', { body: { terms: foundingDeal } });
    expect(twice.status).toBe(409);
  });

  it('names each bad field with a JSON pointer, and answers 401, 403, 413, 415 as problems', async () => {
    const badTerms = await call('POST', '/agreements', {
      body: {
        terms: {
          ...foundingDeal,
          upfrontFee: { ...foundingDeal.upfrontFee, amount: { amount: '1.001', currency: 'USD' } },
        },
      },
    });
    expect(badTerms.status).toBe(422);
    expect(badTerms.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: '/terms/upfrontFee/amount/amount' }),
      ]),
    );
    expect(badTerms.text).not.toMatch(/at .*\.js:\d+/);

    expect((await call('GET', '/obligations', { key: null })).status).toBe(401);
    const notJson = await call('POST', '/agreements', {
      body: 'terms=1',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(notJson.status).toBe(415);
    const huge = await call('POST', '/agreements', {
      body: { terms: foundingDeal, padding: 'x'.repeat(2 * 1024 * 1024) },
    });
    expect(huge.status).toBe(413);
    const badQuery = await call('GET', '/obligations?status=nonsense&cursor=%%%');
    expect(badQuery.status).toBe(422);
    expect(badQuery.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(
      expect.arrayContaining(['/query/status']),
    );

    const auditor = await call('POST', '/admin/api-keys', {
      body: { name: 'auditor', role: 'auditor' },
    });
    expect(auditor.status).toBe(201);
    const forbidden = await call('POST', '/agreements', {
      key: auditor.body.key ?? auditor.body.secret ?? auditor.body.apiKey,
      body: { terms: foundingDeal },
    });
    expect(forbidden.status).toBe(403);
  });

  it('pages with opaque cursors and Link rel="next", and answers 304 to a matching ETag', async () => {
    await signFoundingDeal();
    await eventually(async () => {
      const page = await call('GET', '/audit-trail?limit=1');
      return page.body.items.length === 1 ? page : undefined;
    }, 'the audit trail');
    const head = await stores.store.headPosition();
    const first = await call('GET', `/audit-trail?limit=1&waitFor=${head}`);
    expect(first.body.items).toHaveLength(1);
    const link = first.headers.get('link')!;
    expect(link).toMatch(/rel="next"/);
    const next = /<([^>]+)>/.exec(link)![1]!;
    const second = await call('GET', next);
    expect(second.body.items[0].position).toBeGreaterThan(first.body.items[0].position);
    const unchanged = await call('GET', `/audit-trail?limit=1&waitFor=${head}`, {
      headers: { 'If-None-Match': first.headers.get('etag')! },
    });
    expect(unchanged.status).toBe(304);
  });
}

describe('the REST API on SQLite', () => serviceFlowSuite(openSqliteStores));
describeWithPostgres('the REST API on PostgreSQL', () => serviceFlowSuite(openPostgresStores));
