/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any -- answers are JSON read back as a client sees them */
import { EVENT_EXAMPLES } from '../../../src/domain/events/examples';
import { onBothStores, type Api } from './api';

jest.setTimeout(60_000);

const TERMS = EVENT_EXAMPLES.AgreementSigned.terms;
const A = TERMS.agreementId;
const O = '5e0f8a6c-2004-4c1d-8a10-000000000003';

/** Every command of commandRoutes.ts but the product facts, with a body of the right shape. */
const COMMANDS: readonly [string, unknown][] = [
  ['/agreements', { terms: TERMS }],
  [`/agreements/${A}/amendments`, { ...EVENT_EXAMPLES.AgreementAmended, agreementId: undefined }],
  [`/agreements/${A}/termination`, { terminatedOn: '2022-03-31', terminatedBy: 'licensee' }],
  [`/agreements/${A}/payee-assignments`, {}],
  [`/agreements/${A}/invoices`, {}],
  [`/agreements/${A}/payment-notices`, {}],
  [`/agreements/${A}/payments`, {}],
  [`/agreements/${A}/credit-applications`, { appliedOn: '2010-04-01' }],
  [`/agreements/${A}/obligations/${O}/waivers`, {}],
  [`/agreements/${A}/obligations/${O}/disputes`, {}],
  [`/agreements/${A}/disputes/${O}/resolution`, {}],
  [`/agreements/${A}/obligations/${O}/adjustments`, {}],
  [`/agreements/${A}/reversals`, { reversedEventId: O, reason: 'test' }],
  [`/agreements/${A}/net-sales-reports`, {}],
  [`/agreements/${A}/net-sales-restatements`, {}],
  [`/agreements/${A}/third-party-royalty-reports`, {}],
  [`/agreements/${A}/year-end-assessments`, { year: 2016, asOf: '2017-01-15' }],
  [`/agreements/${A}/late-interest-accruals`, { asOf: '2008-12-31' }],
];

/** Every read of queryRoutes.ts. */
const READS: readonly string[] = [
  '/agreements',
  `/agreements/${A}`,
  '/obligations',
  `/obligations/${O}`,
  '/obligations/export?format=csv',
  '/obligations/export?format=ndjson',
  '/payments',
  '/payments/no-such-payment',
  '/payments/export?format=csv',
  '/royalty-statements',
  '/royalty-statements/export?format=ndjson',
  '/audit-trail',
  '/audit-trail/export?format=csv',
];

async function statusesOf(api: Api, key: string) {
  const commands: [string, number][] = [];
  for (const [path, body] of COMMANDS) {
    const answer = await api.call('POST', path, { key, body, headers: { 'If-Match': '"2"' } });
    commands.push([path, answer.status]);
  }
  const reads: [string, number][] = [];
  for (const path of READS) reads.push([path, (await api.call('GET', path, { key })).status]);
  return { commands, reads };
}

const all = <T>(items: readonly T[], status: number): [T, number][] =>
  items.map((item) => [item, status]);

onBothStores('API key roles over REST', (api) => {
  it('lets an integration key post only the fact types on it: 403 for others, for every agreement command and for reads', async () => {
    await api.sign(TERMS);
    const key = await api.createKey('integration', ['INDSubmitted']);
    const keyId = /^obl_([^_]+)_/.exec(key)![1]!;

    const ind = await api.expectStatus(201, 'POST', '/products/biib015/facts', {
      key,
      body: { type: 'INDSubmitted', data: { jurisdiction: 'US', submittedOn: '2008-01-15' } },
    });
    // The fact counts like any other: the milestone is due.
    const [milestone] = await api.list(`/obligations?agreementId=${A}&kind=milestone`);
    expect(milestone).toMatchObject({
      triggeringEventId: ind.body.event.eventId,
      dueOn: '2008-02-14',
    });
    const [recorded] = await api.list('/audit-trail?type=INDSubmitted');
    expect(recorded).toMatchObject({ actor: `apikey:${keyId}`, eventId: ind.body.event.eventId });

    const other = await api.call('POST', '/products/biib015/facts', {
      key,
      body: {
        type: 'ClinicalPhaseStarted',
        data: { phase: 'II', firstPatientDosedOn: '2010-03-08', indication: 'solid tumours' },
      },
    });
    expect(other.status).toBe(403);
    expect(other.body.type).toMatch(/event-type-not-allowed$/);

    const { commands, reads } = await statusesOf(api, key);
    expect(commands).toEqual(
      all(
        COMMANDS.map(([path]) => path),
        403,
      ),
    );
    expect(reads).toEqual(all(READS, 403));
    // Nothing but the IND was recorded by the key.
    expect((await api.list(`/audit-trail?actor=apikey:${keyId}`)).map((e: any) => e.type)).toEqual([
      'INDSubmitted',
    ]);
  });

  it('lets an auditor key read and export everything, and refuses it every command and fact', async () => {
    await api.sign(TERMS);
    const key = await api.createKey('auditor');
    const { commands, reads } = await statusesOf(api, key);
    expect(commands).toEqual(
      all(
        COMMANDS.map(([path]) => path),
        403,
      ),
    );
    expect(reads).toEqual(
      READS.map((path) => [
        path,
        path.endsWith('no-such-payment') || path === `/obligations/${O}` ? 404 : 200,
      ]),
    );
    const fact = await api.call('POST', '/products/biib015/facts', {
      key,
      body: { type: 'INDSubmitted', data: { jurisdiction: 'US', submittedOn: '2008-01-15' } },
    });
    expect(fact.status).toBe(403);
    const exported = await api.expectStatus(
      200,
      'GET',
      `/audit-trail/export?agreementId=${A}&format=ndjson`,
      {
        key,
      },
    );
    expect(
      exported.text
        .trimEnd()
        .split('\n')
        .map((row) => JSON.parse(row).type),
    ).toEqual(['AgreementSigned', 'UpfrontFeeDue']);
  });
});
