import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { EVENT_EXAMPLES } from '../../../src/domain/events/examples';
import { FuzzWorld, harvest, type FuzzAnswer, type SentRequest } from './fuzzClient';
import type { FuzzedService } from './fuzzedService';
import { settled } from './logChecks';
import type { KnownValues } from './schemaValues';

const FOUNDING_DEAL = join(__dirname, '..', '..', '..', 'examples', 'founding-deal.json');
const PRODUCT = 'biib015';
const INTEGRATION = 'fuzz-cro';
const WEBHOOK_EVENT_TYPES = [
  'INDSubmitted',
  'ClinicalPhaseStarted',
  'FirstCommercialSale',
  'PaymentReceived',
];

interface Call {
  (
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<FuzzAnswer>;
}

/**
 * A store with something in it, so fuzzed requests reach deep code: the founding deal signed, its
 * IND milestone triggered and paid, a royalty report, keys of every role (and one revoked), an
 * integration with a signed delivery, a verification job. Answers the fuzzer's world and the
 * values bodies are drawn from.
 */
export async function seedService(
  service: FuzzedService,
): Promise<{ world: FuzzWorld; known: KnownValues }> {
  const call = caller(service.baseUrl, service.adminKey);
  const expect = async (status: number, ...args: Parameters<Call>): Promise<FuzzAnswer> => {
    const answer = await call(...args);
    if (answer.status !== status)
      throw new Error(
        `seeding: ${args[0]} ${args[1]} answered ${answer.status}, not ${status}: ${answer.text}`,
      );
    return answer;
  };
  const deal = JSON.parse(readFileSync(FOUNDING_DEAL, 'utf8')) as {
    terms: { agreementId: string };
  };
  const agreementId = deal.terms.agreementId;
  const command = async (subpath: string, body: unknown): Promise<FuzzAnswer> => {
    await settled(service.baseUrl, service.log);
    const current = await expect(200, 'GET', `/agreements/${agreementId}`);
    return expect(200, 'POST', `/agreements/${agreementId}${subpath}`, body, {
      'If-Match': current.headers.get('etag') ?? '',
    });
  };

  await expect(201, 'POST', '/agreements', deal);
  await expect(201, 'POST', `/products/${PRODUCT}/facts`, {
    type: 'INDSubmitted',
    data: { jurisdiction: 'US', submittedOn: '2008-01-15' },
  });
  await expect(201, 'POST', `/products/${PRODUCT}/facts`, {
    type: 'FirstCommercialSale',
    data: { country: 'US', soldOn: '2014-05-12' },
  });
  await settled(service.baseUrl, service.log);
  const obligations = await expect(200, 'GET', `/obligations?agreementId=${agreementId}`);
  const items = (obligations.json as { items: { obligationId: string; kind: string }[] }).items;
  const milestone = items.find((item) => item.kind === 'milestone');
  if (milestone === undefined) throw new Error('seeding: the IND milestone was not triggered');
  await command('/payments', {
    amount: { amount: '1500000.00', currency: 'USD' },
    receivedOn: '2008-02-19',
    payerPartyId: 'biogen-idec',
    payeePartyId: 'immunogen',
    reference: 'FEDWIRE 20080219-000123',
    intendedObligationIds: [milestone.obligationId],
  });
  await command('/net-sales-reports', {
    reportReference: 'BIIB-ROY-2015-Q1',
    period: { from: '2015-01-01', to: '2015-03-31' },
    reportedOn: '2015-04-28',
    lines: [
      {
        productId: PRODUCT,
        country: 'US',
        netSales: { amount: '12345678.91', currency: 'USD' },
        exchangeRate: { localUnitsPerPaymentUnit: '1', rateDate: '2015-03-31' },
      },
    ],
  });

  const key = async (role: string, eventTypes?: string[]) =>
    (
      await expect(201, 'POST', '/admin/api-keys', {
        name: `fuzz ${role}`,
        role,
        ...(eventTypes && { eventTypes }),
      })
    ).json as { apiKey: string; keyId: string };
  const auditor = await key('auditor');
  const integrationKey = await key('integration', ['INDSubmitted', 'ClinicalPhaseStarted']);
  const revoked = await key('admin');
  await expect(200, 'POST', `/admin/api-keys/${revoked.keyId}/revoke`, {
    reason: 'fuzz: a revoked key',
  });
  const sacrificial = await key('auditor');

  const integration = await expect(201, 'POST', '/admin/integrations', {
    integrationId: INTEGRATION,
    name: 'Fuzzed CRO',
    eventTypes: WEBHOOK_EVENT_TYPES,
  });
  const { secret, secretId } = integration.json as { secret: string; secretId: string };
  const payload = JSON.stringify({
    type: 'ClinicalPhaseStarted',
    timestamp: new Date().toISOString(),
    data: EVENT_EXAMPLES.ClinicalPhaseStarted,
  });
  const delivered = await fetch(`${service.baseUrl}/webhooks/${INTEGRATION}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'webhook-id': 'msg_seed',
      'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
      'webhook-signature': new Webhook(secret).sign('msg_seed', new Date(), payload),
    },
    body: payload,
  });
  await delivered.arrayBuffer();
  await expect(202, 'POST', '/audit/verify');
  await settled(service.baseUrl, service.log);

  const world = new FuzzWorld(
    service.baseUrl,
    {
      admin: service.adminKey,
      auditor: auditor.apiKey,
      integration: integrationKey.apiKey,
      revoked: revoked.apiKey,
    },
    secret,
  );
  // The fuzzer signs with this secret: revoked, no webhook would get past the signature.
  world.protect(secretId);
  world.remember('sacrificial-key', sacrificial.keyId);
  world.remember('product', PRODUCT);
  world.remember('integration', INTEGRATION);
  // The first page of every list, one item long: cursors to follow and ids to put in paths.
  for (const list of [
    '/agreements',
    `/obligations?agreementId=${agreementId}`,
    '/payments',
    '/royalty-statements',
    '/audit-trail',
    '/admin/api-keys',
    '/admin/integrations',
    '/admin/webhook-deliveries',
  ]) {
    const path = `${list}${list.includes('?') ? '&' : '?'}limit=1`;
    const answer = await expect(200, 'GET', path);
    harvest(world, sentOf(service.baseUrl, 'GET', path), answer);
  }
  const trail = await expect(200, 'GET', '/audit-trail?limit=500');
  harvest(world, sentOf(service.baseUrl, 'GET', '/audit-trail'), trail);
  const docs = await (await fetch(`${service.baseUrl}/docs`)).text();
  for (const [, asset] of docs.matchAll(/\/docs\/assets\/([^"'?]+)/g))
    world.remember('asset', asset);

  const known: KnownValues = {
    agreementIds: [agreementId],
    obligationIds: items.map((item) => item.obligationId),
    eventIds: world.known('event').slice(0, 30),
    partyIds: ['immunogen', 'biogen-idec', 'licensor', 'licensee', 'nobody'],
    productIds: [PRODUCT, 'unlicensed-product'],
    webhookEventTypes: WEBHOOK_EVENT_TYPES,
    clauseIds: [...new Set(JSON.stringify(deal).match(/"clauseId":"[^"]+"/g) ?? [])].map((member) =>
      member.slice('"clauseId":"'.length, -1),
    ),
  };
  for (const id of known.obligationIds) world.remember('obligation', id);
  return { world, known };
}

function caller(baseUrl: string, key: string): Call {
  return async (method, path, body, headers = {}) => {
    const response = await fetch(baseUrl + path, {
      method,
      headers: {
        Authorization: `Bearer ${key}`,
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
        ...headers,
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : (JSON.parse(text) as unknown);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  };
}

const sentOf = (baseUrl: string, method: string, path: string): SentRequest => ({
  method,
  url: baseUrl + path,
  requestId: 'seed',
  headers: {},
});
