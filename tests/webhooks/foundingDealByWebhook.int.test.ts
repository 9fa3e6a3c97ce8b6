/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-explicit-any -- answers are JSON read back as a client sees them */
import { Webhook } from 'standardwebhooks';
import { FOUNDING_DEAL_ID, foundingDeal } from '../domain/fixtures/foundingDeal';
import { describeWithPostgres } from '../support/postgresTarget';
import {
  openPostgresStores,
  openSqliteStores,
  startService,
  type RunningService,
  type Stores,
} from '../support/serviceHarness';
import { callApi, type Answer } from './webhookClient';

jest.setTimeout(60_000);

const usd = (amount: string) => ({ amount, currency: 'USD' });
const A = FOUNDING_DEAL_ID;
const INDICATION = 'Cripto-positive solid tumours';

/**
 * The founding deal's facts as its parties' systems would post them: the CRO's trial system, the
 * regulatory tracker, the licensee's ERP and the bank, each an integration that signs with the
 * standardwebhooks package (what an integrator would use), over real HTTP.
 */
function foundingDealSuite(openStores: () => Promise<Stores>): void {
  let stores: Stores;
  let service: RunningService;
  const api = (method: string, path: string, body?: unknown) =>
    callApi(service.baseUrl, service.adminKey, method, path, body);

  beforeEach(async () => {
    stores = await openStores();
    service = await startService(stores);
  });

  afterEach(async () => {
    await service.stop();
    await stores.close();
  });

  async function integration(integrationId: string, eventTypes: string[]) {
    const registered = await api('POST', '/admin/integrations', {
      integrationId,
      name: integrationId,
      eventTypes,
    });
    expect(registered.status).toBe(201);
    const signer = new Webhook(registered.body.secret as string);
    let sent = 0;
    /** Posts a fact the way a Standard Webhooks sender does; answers the service's answer. */
    return async (type: string, data: object): Promise<Answer> => {
      const id = `msg_${integrationId}_${++sent}`;
      const payload = JSON.stringify({ type, timestamp: new Date().toISOString(), data });
      const now = new Date();
      const response = await fetch(`${service.baseUrl}/webhooks/${integrationId}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': signer.sign(id, now, payload),
        },
        body: payload,
      });
      return {
        status: response.status,
        headers: response.headers,
        body: await response.json(),
      };
    };
  }

  async function obligations(): Promise<any[]> {
    const page = await api('GET', `/obligations?agreementId=${A}&asOf=2015-01-31&limit=100`);
    expect(page.status).toBe(200);
    return page.body.items;
  }

  async function eventually<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const obligation = (clauseId: string, kind: string) =>
    eventually(async () => {
      const found = (await obligations()).find((o) => o.clauseId === clauseId && o.kind === kind);
      return found;
    }, `the obligation of clause ${clauseId}`);

  it('records every fact posted by signed webhooks, and the obligations appear', async () => {
    expect((await api('POST', '/agreements', { terms: foundingDeal })).status).toBe(201);
    const cro = await integration('cro-trials', ['INDSubmitted', 'ClinicalPhaseStarted']);
    const regulatory = await integration('regulatory', [
      'RegulatoryFilingSubmitted',
      'RegulatoryApprovalGranted',
    ]);
    const erp = await integration('biogen-erp', ['FirstCommercialSale', 'NetSalesReported']);
    const bank = await integration('bank', ['PaymentReceived']);

    const facts: [typeof cro, string, object][] = [
      [
        cro,
        'INDSubmitted',
        {
          productId: 'biib015',
          jurisdiction: 'US',
          submittedOn: '2008-01-15',
          indication: INDICATION,
        },
      ],
      [
        cro,
        'ClinicalPhaseStarted',
        {
          productId: 'biib015',
          phase: 'II',
          firstPatientDosedOn: '2010-03-08',
          indication: INDICATION,
          jurisdiction: 'US',
        },
      ],
      [
        cro,
        'ClinicalPhaseStarted',
        {
          productId: 'biib015',
          phase: 'III',
          firstPatientDosedOn: '2011-09-12',
          indication: INDICATION,
          jurisdiction: 'US',
        },
      ],
      [
        regulatory,
        'RegulatoryFilingSubmitted',
        {
          productId: 'biib015',
          filingType: 'BLA',
          jurisdiction: 'US',
          indication: INDICATION,
          submittedOn: '2013-06-28',
        },
      ],
      [
        regulatory,
        'RegulatoryApprovalGranted',
        {
          productId: 'biib015',
          jurisdiction: 'US',
          indication: INDICATION,
          approvedOn: '2014-04-25',
          filingType: 'BLA',
        },
      ],
      [erp, 'FirstCommercialSale', { productId: 'biib015', country: 'US', soldOn: '2014-05-12' }],
    ];
    for (const [post, type, data] of facts) {
      const answer = await post(type, data);
      expect({ type, status: answer.status }).toEqual({ type, status: 200 });
    }

    const ind = await obligation('5.2(a)', 'milestone');
    expect(ind).toMatchObject({
      amount: usd('1500000.00'),
      arisesOn: '2008-01-15',
      dueOn: '2008-02-14',
    });
    expect(await obligation('5.2(b)', 'milestone')).toMatchObject({
      amount: usd('3000000.00'),
      arisesOn: '2010-03-08',
    });
    expect(await obligation('5.2(c)', 'milestone')).toMatchObject({
      amount: usd('6000000.00'),
      arisesOn: '2011-09-12',
    });
    expect(await obligation('5.3(a)', 'milestone')).toMatchObject({
      amount: usd('10000000.00'),
      arisesOn: '2014-04-25',
    });

    const report = await erp('NetSalesReported', {
      agreementId: A,
      reportReference: 'BIIB-ROY-2014-Q3',
      period: { from: '2014-07-01', to: '2014-09-30' },
      reportedOn: '2014-10-28',
      lines: [
        {
          productId: 'biib015',
          country: 'US',
          netSales: usd('10000000.00'),
          exchangeRate: { localUnitsPerPaymentUnit: '1', rateDate: '2014-09-30' },
        },
      ],
    });
    expect(report.status).toBe(200);
    expect(report.body.events.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['NetSalesReported', 'RoyaltyAccrued']),
    );
    expect(await obligation('6.1', 'royalty')).toMatchObject({ amount: usd('300000.00') });

    const upfront = await bank('PaymentReceived', {
      agreementId: A,
      amount: usd('1000000.00'),
      receivedOn: '2004-10-29',
      payerPartyId: 'biogen-idec',
      payeePartyId: 'immunogen',
      reference: 'WIRE-2004-1029',
    });
    expect(upfront.status).toBe(200);
    const milestonePaid = await bank('PaymentReceived', {
      agreementId: A,
      amount: usd('1500000.00'),
      receivedOn: '2008-02-19',
      payerPartyId: 'biogen-idec',
      payeePartyId: 'immunogen',
      reference: 'FEDWIRE 20080219-000123',
      intendedObligationIds: [ind.obligationId],
    });
    expect(milestonePaid.status).toBe(200);

    const settled = await eventually(async () => {
      const all = await obligations();
      const paid = all
        .filter((o) => o.status === 'paid')
        .map((o) => o.clauseId)
        .sort();
      return paid.length === 2 ? paid : undefined;
    }, 'the upfront fee and the IND milestone paid');
    expect(settled).toEqual(['5.1', '5.2(a)']);

    // Every fact names its integration and webhook message in the audit trail.
    const trail = await eventually(async () => {
      const page = await api('GET', '/audit-trail?actor=integration:bank&limit=100');
      return page.body.items.length >= 2 ? page.body.items : undefined;
    }, 'the bank’s events in the audit trail');
    expect(trail.map((e: { source: string }) => e.source)).toEqual(
      expect.arrayContaining(['webhook:msg_bank_1', 'webhook:msg_bank_2']),
    );
    const accepted = await api('GET', '/admin/webhook-deliveries?outcome=accepted&limit=100');
    expect(accepted.body.items).toHaveLength(facts.length + 3);
  });
}

describe('the founding deal by webhook on SQLite', () => foundingDealSuite(openSqliteStores));
describeWithPostgres('the founding deal by webhook on PostgreSQL', () =>
  foundingDealSuite(openPostgresStores),
);
