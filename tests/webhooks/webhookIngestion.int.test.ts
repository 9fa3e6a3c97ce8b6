/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any -- answers are JSON read back as a client sees them */
import { createHash } from 'node:crypto';
import { FOUNDING_DEAL_ID, foundingDeal } from '../domain/fixtures/foundingDeal';
import { describeWithPostgres } from '../support/postgresTarget';
import {
  openPostgresStores,
  openSqliteStores,
  startService,
  type RunningService,
  type Stores,
} from '../support/serviceHarness';
import { callApi, envelope, postWebhook, signed, type Answer } from './webhookClient';

jest.setTimeout(60_000);

const IND = { productId: 'biib015', jurisdiction: 'US', submittedOn: '2008-01-15' };
const PAYMENT = {
  agreementId: FOUNDING_DEAL_ID,
  amount: { amount: '1000000.00', currency: 'USD' },
  receivedOn: '2004-10-29',
  payerPartyId: 'biogen-idec',
  payeePartyId: 'immunogen',
  reference: 'WIRE-2004-1029',
};

function webhookSuite(openStores: () => Promise<Stores>): void {
  let stores: Stores;
  let service: RunningService;
  const api = (method: string, path: string, body?: unknown) =>
    callApi(service.baseUrl, service.adminKey, method, path, body);
  const post = (integrationId: string, body: string | Buffer, headers: Record<string, string>) =>
    postWebhook(service.baseUrl, integrationId, body, headers);

  beforeEach(async () => {
    stores = await openStores();
    service = await startService(stores);
  });

  afterEach(async () => {
    await service.stop();
    await stores.close();
  });

  async function register(integrationId: string, eventTypes: string[]): Promise<string> {
    const registered = await api('POST', '/admin/integrations', {
      integrationId,
      name: `${integrationId} feed`,
      eventTypes,
    });
    expect(registered.status).toBe(201);
    expect(registered.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    return registered.body.secret as string;
  }

  async function delivery(inboxId: string): Promise<any> {
    const found = await api('GET', `/admin/webhook-deliveries/${inboxId}`);
    expect(found.status).toBe(200);
    return found.body;
  }

  async function eventsOf(streamId: string) {
    return stores.store.readStream(streamId);
  }

  it('records a signed fact with the integration as actor and the webhook id as source', async () => {
    const secret = await register('cro', ['INDSubmitted']);
    const body = envelope('INDSubmitted', IND);
    const answer = await post('cro', body, signed(secret, 'msg_ind_1', body));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ outcome: 'accepted', alreadyRecorded: false });
    expect(answer.headers.get('x-position')).toBe(String(answer.body.position));
    const [fact] = await eventsOf('product-biib015');
    expect(fact).toMatchObject({
      eventId: answer.body.events[0].eventId,
      type: 'INDSubmitted',
      metadata: { actor: 'integration:cro', source: 'webhook:msg_ind_1' },
    });
    const recorded = await delivery(answer.headers.get('webhook-inbox-id')!);
    expect(recorded).toMatchObject({
      integrationId: 'cro',
      webhookId: 'msg_ind_1',
      outcome: 'accepted',
      status: 200,
      authenticated: true,
      body,
      eventType: 'INDSubmitted',
      eventIds: [fact!.eventId],
    });
    expect(recorded.headers['webhook-signature']).toMatch(/^v1,/);
  });

  it('records a refusal whose detail quotes a NUL the sender sent (PostgreSQL text holds none)', async () => {
    const secret = await register('cro', ['INDSubmitted']);
    const nul = Buffer.from([0]);
    const answer = await post('cro', nul, signed(secret, 'msg_nul', nul));
    expect(answer.status).toBe(400);
    expect(answer.body.type).toBe('/problems/malformed-json');
    const unknown = envelope('Unknown\u0000Type', IND);
    const quarantined = await post('cro', unknown, signed(secret, 'msg_nul_type', unknown));
    expect(quarantined.status).toBe(202);
    expect(await delivery(answer.headers.get('webhook-inbox-id')!)).toMatchObject({
      outcome: 'rejected',
      reason: 'malformed-json',
    });
    expect(await delivery(quarantined.headers.get('webhook-inbox-id')!)).toMatchObject({
      outcome: 'quarantined',
      eventType: 'Unknown\\u0000Type',
    });
  });

  it('answers a delivery whose id another process still holds with a 409 problem and Retry-After, after waiting for it', async () => {
    const secret = await register('cro', ['INDSubmitted']);
    const body = envelope('INDSubmitted', IND);
    // A claim taken a moment ago by a process that has not finished (or died).
    await stores.readStore.transaction((tx) =>
      tx.execute(
        `INSERT INTO webhook_ids
           (integration_id, webhook_id, body_sha256, state, claim_token, claimed_at_ms, inbox_id)
         VALUES ('cro', 'msg_held', ?, 'in-progress', 'elsewhere', ?, 'inbox-elsewhere')`,
        [createHash('sha256').update(body).digest('hex'), Date.now()],
      ),
    );
    const answer = await post('cro', body, signed(secret, 'msg_held', body));
    expect(answer.status).toBe(409);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(answer.body).toMatchObject({ type: '/problems/webhook-id-in-flight', status: 409 });
    expect(await eventsOf('product-biib015')).toHaveLength(0);
  });

  it('answers a redelivery with the first answer and appends nothing; another body under the id is 409', async () => {
    const secret = await register('cro', ['INDSubmitted']);
    const body = envelope('INDSubmitted', IND);
    const first = await post('cro', body, signed(secret, 'msg_1', body));
    const again = await post(
      'cro',
      body,
      signed(secret, 'msg_1', body, Math.floor(Date.now() / 1000) + 1),
    );
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('webhook-duplicate-of')).toBe(first.headers.get('webhook-inbox-id'));
    expect(await eventsOf('product-biib015')).toHaveLength(1);
    const other = envelope('INDSubmitted', { ...IND, submittedOn: '2008-01-16' });
    const reused = await post('cro', other, signed(secret, 'msg_1', other));
    expect(reused.status).toBe(409);
    expect(reused.body.type).toBe('/problems/webhook-id-reused');
    expect(await eventsOf('product-biib015')).toHaveLength(1);
    expect(await delivery(again.headers.get('webhook-inbox-id')!)).toMatchObject({
      outcome: 'duplicate',
      status: 200,
      reason: 'redelivery',
    });
    expect(await delivery(reused.headers.get('webhook-inbox-id')!)).toMatchObject({
      outcome: 'rejected',
      status: 409,
      reason: 'webhook-id-reused',
    });
  });

  it('appends exactly once for 50 concurrent redeliveries of one webhook id', async () => {
    const secret = await register('cro', ['INDSubmitted']);
    const body = envelope('INDSubmitted', IND);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => post('cro', body, signed(secret, 'msg_burst', body))),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(200));
    expect(new Set(answers.map((answer) => answer.body.events[0].eventId)).size).toBe(1);
    expect(await eventsOf('product-biib015')).toHaveLength(1);
    const recorded = await api('GET', '/admin/webhook-deliveries?webhookId=msg_burst&limit=100');
    const outcomes = recorded.body.items.map((item: { outcome: string }) => item.outcome).sort();
    expect(outcomes).toEqual(['accepted', ...Array(49).fill('duplicate')]);
  });

  it('never lets one integration’s secret sign for another, and rotates secrets without downtime', async () => {
    const croSecret = await register('cro', ['INDSubmitted']);
    const erpSecret = await register('erp', ['INDSubmitted']);
    const body = envelope('INDSubmitted', IND);
    const crossed = await post('cro', body, signed(erpSecret, 'msg_x', body));
    expect(crossed.status).toBe(401);
    expect(crossed.body.type).toBe('/problems/no-valid-signature');

    const rotated = await api('POST', '/admin/integrations/cro/secrets', {});
    expect(rotated.status).toBe(201);
    const newSecret = rotated.body.secret as string;
    const oldSecretId = rotated.body.integration.secrets[0].secretId as string;
    for (const [id, secret] of [
      ['msg_old', croSecret],
      ['msg_new', newSecret],
    ] as const) {
      const other = envelope('INDSubmitted', {
        ...IND,
        jurisdiction: id === 'msg_old' ? 'EU' : 'JP',
      });
      expect((await post('cro', other, signed(secret, id, other))).status).toBe(200);
    }
    // A sender in mid-rotation may sign with both.
    const both = envelope('INDSubmitted', { ...IND, jurisdiction: 'CA' });
    expect((await post('cro', both, signed([croSecret, newSecret], 'msg_both', both))).status).toBe(
      200,
    );

    const revoked = await api('POST', `/admin/integrations/cro/secrets/${oldSecretId}/revoke`, {
      reason: 'rotated',
    });
    expect(revoked.status).toBe(200);
    const late = envelope('INDSubmitted', { ...IND, jurisdiction: 'AU' });
    const refused = await post('cro', late, signed(croSecret, 'msg_late', late));
    expect(refused.status).toBe(401);
    expect((await post('cro', late, signed(newSecret, 'msg_late', late))).status).toBe(200);
    const lastOne = rotated.body.secretId as string;
    const keep = await api('POST', `/admin/integrations/cro/secrets/${lastOne}/revoke`, {
      reason: 'x',
    });
    expect(keep.status).toBe(409);
  });

  it('refuses what it must, records every refusal in the inbox with its reason, and keeps 64 KiB of unsigned bodies', async () => {
    const secret = await register('cro', ['INDSubmitted', 'PaymentReceived']);
    const body = envelope('INDSubmitted', IND);
    // One envelope, signed and sent: two calls would stamp two different instants.
    const notAllowed = envelope('FirstCommercialSale', {
      productId: 'biib015',
      country: 'US',
      soldOn: '2014-05-12',
    });
    const now = Math.floor(Date.now() / 1000);
    const refusals: [string, Promise<Answer>, number, string][] = [
      [
        'no signature',
        post('cro', body, { 'webhook-id': 'm1', 'webhook-timestamp': String(now) }),
        401,
        'missing-headers',
      ],
      ['stale', post('cro', body, signed(secret, 'm2', body, now - 301)), 401, 'timestamp-too-old'],
      [
        'not digits',
        post('cro', body, { ...signed(secret, 'm3', body), 'webhook-timestamp': `${now}.0` }),
        401,
        'invalid-timestamp',
      ],
      [
        'bad signature',
        post('cro', `${body} `, signed(secret, 'm4', body)),
        401,
        'no-valid-signature',
      ],
      [
        'unknown integration',
        post('nobody', body, signed(secret, 'm5', body)),
        404,
        'unknown-integration',
      ],
      [
        'not JSON',
        post('cro', 'type=INDSubmitted', {
          ...signed(secret, 'm6', 'type=INDSubmitted'),
          'Content-Type': 'application/x-www-form-urlencoded',
        }),
        415,
        'not-json',
      ],
      [
        'malformed JSON',
        post('cro', '{"type":', signed(secret, 'm7', '{"type":')),
        400,
        'malformed-json',
      ],
      [
        'not allowed',
        post('cro', notAllowed, signed(secret, 'm8', notAllowed)),
        403,
        'event-type-not-allowed',
      ],
    ];
    for (const [what, pending, status, reason] of refusals) {
      const answer = await pending;
      expect({ what, status: answer.status, type: answer.body.type }).toEqual({
        what,
        status,
        type: `/problems/${reason}`,
      });
      expect(await delivery(answer.headers.get('webhook-inbox-id')!)).toMatchObject({
        outcome: 'rejected',
        status,
        reason,
      });
    }

    const invalidBody = envelope('INDSubmitted', { ...IND, submittedOn: '2008-02-30' });
    const invalid = await post('cro', invalidBody, signed(secret, 'm9', invalidBody));
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors).toEqual([
      expect.objectContaining({ pointer: '/data/submittedOn' }),
    ]);
    const badEnvelope = JSON.stringify({ type: 'INDSubmitted', data: IND });
    const noTimestamp = await post('cro', badEnvelope, signed(secret, 'm10', badEnvelope));
    expect(noTimestamp.status).toBe(422);
    expect(noTimestamp.body.errors).toEqual([expect.objectContaining({ pointer: '/timestamp' })]);
    const badPayment = envelope('PaymentReceived', {
      ...PAYMENT,
      amount: { amount: '-1', currency: 'USD' },
    });
    const refusedPayment = await post('cro', badPayment, signed(secret, 'm11', badPayment));
    expect(refusedPayment.status).toBe(422);
    expect(refusedPayment.body.errors[0].pointer).toMatch(/^\/data\/amount/);

    // A refusal is not kept for its id: the corrected message under the same id gets in.
    const fixed = envelope('INDSubmitted', IND);
    expect((await post('cro', fixed, signed(secret, 'm9', fixed))).status).toBe(200);

    const huge = Buffer.alloc(2 * 1024 * 1024, 'x');
    const tooLarge = await post('cro', huge, signed(secret, 'm12', huge));
    expect(tooLarge.status).toBe(413);
    expect(await delivery(tooLarge.headers.get('webhook-inbox-id')!)).toMatchObject({
      outcome: 'rejected',
      reason: 'body-too-large',
      body: '',
      bodyTruncated: true,
    });

    const unsigned = Buffer.alloc(100 * 1024, 'y');
    const forged = await post('cro', unsigned, {
      'webhook-id': 'm13',
      'webhook-timestamp': String(now),
      'webhook-signature': 'v1,AAAA',
    });
    expect(forged.status).toBe(401);
    const kept = await delivery(forged.headers.get('webhook-inbox-id')!);
    expect(kept).toMatchObject({
      authenticated: false,
      bodyBytes: 100 * 1024,
      bodyTruncated: true,
    });
    expect(kept.body).toHaveLength(64 * 1024);

    const disabled = await api('POST', '/admin/integrations/cro/disable', {
      reason: 'vendor incident',
    });
    expect(disabled.body.enabled).toBe(false);
    const whileDisabled = envelope('INDSubmitted', { ...IND, jurisdiction: 'EU' });
    const off = await post('cro', whileDisabled, signed(secret, 'm14', whileDisabled));
    expect(off.status).toBe(403);
    expect(off.body.type).toBe('/problems/integration-disabled');
    await api('POST', '/admin/integrations/cro/enable');
    expect((await post('cro', whileDisabled, signed(secret, 'm14', whileDisabled))).status).toBe(
      200,
    );

    const rejected = await api('GET', '/admin/webhook-deliveries?outcome=rejected&limit=500');
    expect(rejected.body.items.length).toBeGreaterThanOrEqual(14);
  });

  it('quarantines what cannot be placed yet and an unknown type; an admin replays them once fixed', async () => {
    const secret = await register('bank', ['PaymentReceived']);
    const payment = envelope('PaymentReceived', PAYMENT);
    const early = await post('bank', payment, signed(secret, 'wire_1', payment));
    expect(early.status).toBe(202);
    expect(early.body).toMatchObject({
      outcome: 'quarantined',
      reason: 'agreement-not-signed',
      inboxId: early.headers.get('webhook-inbox-id'),
    });
    // The sender retries: the same answer, and still nothing recorded.
    expect((await post('bank', payment, signed(secret, 'wire_1', payment))).body).toEqual(
      early.body,
    );
    const unknown = envelope('INDWithdrawn', { productId: 'biib015' });
    const odd = await post('bank', unknown, signed(secret, 'odd_1', unknown));
    expect(odd.status).toBe(202);
    expect(odd.body.reason).toBe('unknown-event-type');

    const quarantined = await api('GET', '/admin/webhook-deliveries?outcome=quarantined');
    expect(quarantined.body.items.map((item: { inboxId: string }) => item.inboxId).sort()).toEqual(
      [early.body.inboxId, odd.body.inboxId].sort(),
    );

    const stillEarly = await api('POST', `/admin/webhook-deliveries/${early.body.inboxId}/replay`);
    expect(stillEarly.status).toBe(200);
    expect(stillEarly.body).toMatchObject({
      outcome: 'quarantined',
      status: 202,
      replayOf: early.body.inboxId,
    });

    expect((await api('POST', '/agreements', { terms: foundingDeal })).status).toBe(201);
    const replayed = await api(
      'POST',
      `/admin/webhook-deliveries/${stillEarly.body.inboxId}/replay`,
    );
    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({
      outcome: 'accepted',
      status: 200,
      replayOf: stillEarly.body.inboxId,
    });
    expect(replayed.body.replayedBy).toMatch(/^apikey:/);
    const recorded = (await eventsOf(`agreement-${FOUNDING_DEAL_ID}`)).filter(
      (e) => e.type === 'PaymentReceived',
    );
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.metadata).toMatchObject({
      actor: 'integration:bank',
      source: 'webhook:wire_1',
    });
    expect(await delivery(early.body.inboxId)).toMatchObject({
      outcome: 'replayed',
      replayedAs: stillEarly.body.inboxId,
    });
    const again = await api('POST', `/admin/webhook-deliveries/${early.body.inboxId}/replay`);
    expect(again.status).toBe(409);
    const left = await api('GET', '/admin/webhook-deliveries?outcome=quarantined');
    expect(left.body.items.map((item: { inboxId: string }) => item.inboxId)).toEqual([
      odd.body.inboxId,
    ]);
  });

  it('never shows a webhook secret again: not in the integration, not in the audit trail', async () => {
    const secret = await register('cro', ['INDSubmitted']);
    const shown = await api('GET', '/admin/integrations/cro');
    expect(JSON.stringify(shown.body)).not.toContain(secret.slice(6));
    expect(shown.body.secrets).toHaveLength(1);
    const listed = await api('GET', '/admin/integrations');
    for (let attempt = 0; attempt < 100 && listed.body.items.length === 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      Object.assign(listed, await api('GET', '/admin/integrations'));
    }
    expect(listed.body.items).toEqual([shown.body]);
    let trail: Answer | undefined;
    for (let attempt = 0; attempt < 200; attempt++) {
      trail = await api('GET', '/audit-trail?streamId=integration-cro');
      if (trail.body.items?.length === 2) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(trail!.body.items.map((item: { type: string }) => item.type)).toEqual([
      'IntegrationRegistered',
      'IntegrationSecretAdded',
    ]);
    expect(JSON.stringify(trail!.body)).not.toContain(secret.slice(6));
    const exported = await fetch(
      `${service.baseUrl}/audit-trail/export?streamId=integration-cro&format=ndjson`,
      {
        headers: { Authorization: `Bearer ${service.adminKey}` },
      },
    );
    expect(await exported.text()).not.toContain(secret.slice(6));
  });
}

describe('webhook ingestion on SQLite', () => webhookSuite(openSqliteStores));
describeWithPostgres('webhook ingestion on PostgreSQL', () => webhookSuite(openPostgresStores));
