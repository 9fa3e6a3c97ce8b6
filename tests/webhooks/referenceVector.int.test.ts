/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call -- answers are JSON read back as a client sees them */
import { openSqliteStores, type Stores } from '../support/serviceHarness';
import { postWebhook } from './webhookClient';
import { startWebhookServer, type WebhookServer } from './webhookServer';

jest.setTimeout(60_000);

// The test vector of the Standard Webhooks reference libraries.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TIMESTAMP = 1614265330;
const PAYLOAD = '{"test": 2432232314}';
const SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
const HEADERS = {
  'webhook-id': ID,
  'webhook-timestamp': String(TIMESTAMP),
  'webhook-signature': SIGNATURE,
};

describe('the reference test vector through the HTTP route, with the clock pinned', () => {
  let stores: Stores;
  let served: WebhookServer;
  let now = new Date(TIMESTAMP * 1000);

  beforeAll(async () => {
    stores = await openSqliteStores();
    served = await startWebhookServer(stores, {
      clock: () => now,
      integration: { integrationId: 'reference', name: 'the Standard Webhooks test vector' },
      secret: SECRET,
    });
  });

  afterAll(async () => {
    await served.close();
    await stores.close();
  });

  const post = (body: string, at: number) => {
    now = new Date(at * 1000);
    return postWebhook(served.baseUrl, 'reference', body, HEADERS);
  };

  it('verifies the vector: its payload is no envelope, so it gets past the signature to 422', async () => {
    const answer = await post(PAYLOAD, TIMESTAMP);
    expect(answer.status).toBe(422);
    expect(answer.body.errors.map((error: { pointer: string }) => error.pointer).sort()).toEqual([
      '/data',
      '/timestamp',
      '/type',
    ]);
  });

  it('refuses the same payload re-serialised', async () => {
    const answer = await post(JSON.stringify(JSON.parse(PAYLOAD)), TIMESTAMP);
    expect(answer.status).toBe(401);
    expect(answer.body.type).toBe('/problems/no-valid-signature');
  });

  it('accepts the timestamp 5 minutes either way and refuses it a second beyond', async () => {
    expect((await post(PAYLOAD, TIMESTAMP + 300)).status).toBe(422);
    expect((await post(PAYLOAD, TIMESTAMP - 300)).status).toBe(422);
    expect((await post(PAYLOAD, TIMESTAMP + 301)).body.type).toBe('/problems/timestamp-too-old');
    expect((await post(PAYLOAD, TIMESTAMP - 301)).body.type).toBe('/problems/timestamp-too-new');
  });

  it('describes the webhook in /openapi.json', async () => {
    const document = (await (await fetch(`${served.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, { post?: { operationId: string; security: unknown[] } }>;
    };
    expect(document.paths['/webhooks/{integrationId}']?.post).toMatchObject({
      operationId: 'receiveWebhook',
      security: [],
    });
  });
});
