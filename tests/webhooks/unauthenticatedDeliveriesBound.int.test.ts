/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return -- answers are JSON read back as a client sees them */
import type { DeliverySummary } from '../../src/webhooks/webhookInbox';
import { createWebhooks, type Webhooks } from '../../src/webhooks/webhooks';
import { describeWithPostgres } from '../support/postgresTarget';
import { openPostgresStores, openSqliteStores, type Stores } from '../support/serviceHarness';
import { testLogger } from '../support/testLogger';
import { envelope, postWebhook, signed, type Answer } from './webhookClient';
import { startWebhookServer, type WebhookServer } from './webhookServer';

jest.setTimeout(60_000);

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const IND = { productId: 'biib015', jurisdiction: 'US', submittedOn: '2008-01-15' };
const KEPT = 3;

function boundSuite(openStores: () => Promise<Stores>): void {
  let stores: Stores;
  let webhooks: Webhooks;
  let served: WebhookServer;
  // Each delivery a second after the one before: "the most recent" is then unambiguous.
  let now = Date.now();

  beforeEach(async () => {
    stores = await openStores();
    served = await startWebhookServer(stores, {
      clock: () => new Date(now),
      unauthenticatedKept: KEPT,
      integration: { integrationId: 'cro', name: 'cro feed' },
      secret: SECRET,
    });
    webhooks = served.webhooks;
  });

  afterEach(async () => {
    await served.close();
    await stores.close();
  });

  const post = (integrationId: string, body: string, headers: Record<string, string>) => {
    now += 1_000;
    return postWebhook(served.baseUrl, integrationId, body, headers);
  };
  const signedNow = (id: string, body: string) =>
    signed(SECRET, id, body, Math.floor((now + 1_000) / 1000));

  /** Five deliveries nobody signed: an unknown integration, bad and missing signatures. */
  async function postUnauthenticated(): Promise<Answer[]> {
    const body = envelope('INDSubmitted', IND);
    return [
      await post('nobody', body, {}),
      await post('cro', body, signed(SECRET, 'msg_tampered', `${body} `)),
      await post('cro', body, {}),
      await post('ghost', body, signedNow('msg_ghost', body)),
      await post('cro', body, { ...signedNow('msg_late', body), 'webhook-signature': 'v1,AAAA' }),
    ];
  }

  async function everyDelivery(): Promise<DeliverySummary[]> {
    const { deliveries, next } = await webhooks.inbox.list({}, { limit: 1_000 });
    expect(next).toBeNull();
    return deliveries;
  }

  const inboxIdOf = (answer: Answer) => answer.headers.get('webhook-inbox-id')!;

  it('keeps the 3 most recent of 5 unauthenticated deliveries, and answers each as before', async () => {
    const answers = await postUnauthenticated();
    expect(answers.map((answer) => [answer.status, answer.body.type])).toEqual([
      [404, '/problems/unknown-integration'],
      [401, '/problems/no-valid-signature'],
      [401, '/problems/missing-headers'],
      [404, '/problems/unknown-integration'],
      [401, '/problems/no-valid-signature'],
    ]);
    for (const answer of answers) {
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body.inboxId).toBe(inboxIdOf(answer));
    }
    const kept = await everyDelivery();
    // Newest first, as the admin listing shows them.
    expect(kept.map((delivery) => delivery.inboxId)).toEqual(
      answers.slice(2).map(inboxIdOf).reverse(),
    );
    expect(kept.every((delivery) => !delivery.authenticated)).toBe(true);
    for (const pruned of answers.slice(0, 2))
      expect(await webhooks.inbox.get(inboxIdOf(pruned))).toBeNull();
    const newest = await webhooks.inbox.get(inboxIdOf(answers[4]!));
    expect(newest).toMatchObject({ outcome: 'rejected', status: 401, authenticated: false });
  });

  it('never removes an authenticated delivery: accepted, refused for its content, quarantined', async () => {
    const accepted = envelope('INDSubmitted', IND);
    const invalid = envelope('INDSubmitted', { ...IND, submittedOn: 'soon' });
    const unknown = envelope('SomethingNew', IND);
    const authenticated = [
      await post('cro', accepted, signedNow('msg_accepted', accepted)),
      await post('cro', invalid, signedNow('msg_invalid', invalid)),
      await post('cro', 'not json', {
        ...signedNow('msg_text', 'not json'),
        'Content-Type': 'text/plain',
      }),
      await post('cro', unknown, signedNow('msg_unknown', unknown)),
    ];
    expect(authenticated.map((answer) => answer.status)).toEqual([200, 422, 415, 202]);
    const first = await postUnauthenticated();
    const second = await postUnauthenticated();
    const kept = await everyDelivery();
    expect(
      kept.filter((delivery) => delivery.authenticated).map((delivery) => delivery.inboxId),
    ).toEqual(authenticated.map(inboxIdOf).reverse());
    expect(
      kept.filter((delivery) => !delivery.authenticated).map((delivery) => delivery.inboxId),
    ).toEqual(second.slice(2).map(inboxIdOf).reverse());
    for (const pruned of [...first, ...second.slice(0, 2)])
      expect(await webhooks.inbox.get(inboxIdOf(pruned))).toBeNull();
    expect(
      await Promise.all(
        authenticated.map(async (answer) => (await webhooks.inbox.get(inboxIdOf(answer)))?.outcome),
      ),
    ).toEqual(['accepted', 'rejected', 'rejected', 'quarantined']);
  });

  it('removes a backlog kept under a larger bound a hundred at a time', async () => {
    // Kept before the bound was lowered (or existed): 150 unauthenticated deliveries.
    const roomy = createWebhooks({
      ...stores,
      logger: testLogger(),
      clock: () => new Date(now),
      unauthenticatedKept: 1_000,
    });
    const body = envelope('INDSubmitted', IND);
    for (let i = 0; i < 150; i++) {
      now += 1_000;
      await roomy.ingestion.receive({
        integrationId: 'nobody',
        headers: {},
        body: Buffer.from(body),
        isJson: true,
      });
    }
    expect(await everyDelivery()).toHaveLength(150);
    await post('nobody', body, {});
    expect(await everyDelivery()).toHaveLength(151 - 100);
    const last = await post('nobody', body, {});
    const kept = await everyDelivery();
    expect(kept).toHaveLength(KEPT);
    expect(kept[0]!.inboxId).toBe(inboxIdOf(last));
  });
}

describe('the bound on unauthenticated webhook deliveries on SQLite', () =>
  boundSuite(openSqliteStores));
describeWithPostgres('the bound on unauthenticated webhook deliveries on PostgreSQL', () =>
  boundSuite(openPostgresStores),
);
