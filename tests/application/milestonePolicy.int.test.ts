/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any -- answers are JSON read back as a client sees them */
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

const SECOND_DEAL_ID = '7d1e5f00-2010-4b00-8c00-000000000002';
const secondDeal = {
  ...foundingDeal,
  agreementId: SECOND_DEAL_ID,
  title: 'Co-development of BIIB015 in Japan',
  licensee: { partyId: 'example-pharma-kk', name: 'Example Pharma K.K.' },
  signedOn: '2006-06-01',
};

function policySuite(openStores: () => Promise<Stores>): void {
  let stores: Stores;
  let service: RunningService;

  beforeEach(async () => {
    stores = await openStores();
    service = await startService(stores);
  });

  afterEach(async () => {
    await service.stop();
    await stores.close();
  });

  async function call(method: string, path: string, body?: unknown, headers = {}) {
    const response = await fetch(service.baseUrl + path, {
      method,
      headers: {
        Authorization: `Bearer ${service.adminKey}`,
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
        ...headers,
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  }

  /** The policy runs behind the write: wait until every worker has applied the whole log. */
  async function settled(): Promise<void> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const head = await stores.store.headPosition();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const statuses = service.workers.statuses();
      if (
        statuses.every((status) => status.position >= head) &&
        (await stores.store.headPosition()) === head
      )
        return;
      if (Date.now() > deadline) throw new Error('the workers did not catch up');
    }
  }

  async function milestones(agreementId: string) {
    await settled();
    const page = await call('GET', `/obligations?agreementId=${agreementId}&kind=milestone`);
    return page.body.items.map((item: any) => ({
      clauseId: item.clauseId,
      amount: item.amount.amount,
      arisesOn: item.arisesOn,
      dueOn: item.dueOn,
    }));
  }

  it('triggers the milestone of every agreement licensing the product, once, however often the fact arrives', async () => {
    expect((await call('POST', '/agreements', { terms: foundingDeal })).status).toBe(201);
    expect((await call('POST', '/agreements', { terms: secondDeal })).status).toBe(201);
    const ind = { type: 'INDSubmitted', data: { jurisdiction: 'US', submittedOn: '2008-01-15' } };
    for (let delivery = 0; delivery < 3; delivery += 1) {
      const posted = await call('POST', '/products/biib015/facts', ind, {
        'Idempotency-Key': 'ind-biib015',
      });
      expect(posted.status).toBe(201);
    }
    const expected = [
      { clauseId: '5.2(a)', amount: '1500000.00', arisesOn: '2008-01-15', dueOn: '2008-02-14' },
    ];
    expect(await milestones(FOUNDING_DEAL_ID)).toEqual(expected);
    expect(await milestones(SECOND_DEAL_ID)).toEqual(expected);
    const facts = await call('GET', '/audit-trail?streamId=product-biib015');
    expect(facts.body.items).toHaveLength(1);
  });

  it('gives an agreement recorded after the fact what the fact achieved under its terms', async () => {
    const posted = await call('POST', '/products/biib015/facts', {
      type: 'INDSubmitted',
      data: { jurisdiction: 'US', submittedOn: '2008-01-15' },
    });
    expect(posted.status).toBe(201);
    await settled();
    expect((await call('POST', '/agreements', { terms: foundingDeal })).status).toBe(201);
    expect(await milestones(FOUNDING_DEAL_ID)).toEqual([
      { clauseId: '5.2(a)', amount: '1500000.00', arisesOn: '2008-01-15', dueOn: '2008-02-14' },
    ]);
  });

  it('triggers nothing for a fact dated before the signing, nor for a product not licensed', async () => {
    expect((await call('POST', '/agreements', { terms: foundingDeal })).status).toBe(201);
    await call('POST', '/products/biib015/facts', {
      type: 'INDSubmitted',
      data: { jurisdiction: 'US', submittedOn: '2003-05-01' },
    });
    await call('POST', '/products/other-product/facts', {
      type: 'INDSubmitted',
      data: { jurisdiction: 'US', submittedOn: '2008-01-15' },
    });
    expect(await milestones(FOUNDING_DEAL_ID)).toEqual([]);
  });

  it('refuses a fact whose data breaks its schema, naming the field, and records nothing', async () => {
    const bad = await call('POST', '/products/biib015/facts', {
      type: 'INDSubmitted',
      data: { jurisdiction: 'US', submittedOn: '2008-02-30' },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ pointer: '/data/submittedOn' })]);
    const notAFact = await call('POST', '/products/biib015/facts', {
      type: 'PaymentReceived',
      data: {},
    });
    expect(notAFact.status).toBe(422);
    expect(await stores.store.headPosition()).toBeGreaterThan(0);
    const trail = await call('GET', '/audit-trail?streamId=product-biib015');
    expect(trail.body.items).toEqual([]);
  });
}

describe('the milestone policy on SQLite', () => policySuite(openSqliteStores));
describeWithPostgres('the milestone policy on PostgreSQL', () => policySuite(openPostgresStores));
