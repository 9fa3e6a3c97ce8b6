/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any -- answers are JSON read back as a client sees them */
import { EVENT_EXAMPLES } from '../../../src/domain/events/examples';
import { eventsOf, onBothStores, usd, type Api } from './api';

jest.setTimeout(60_000);

// The founding deal: 3% royalty due 60 days after the quarter (following business day), late
// interest 12% a year (actual/365, half-up), audits of the 3 calendar years before, 5% threshold.
const TERMS = EVENT_EXAMPLES.AgreementSigned.terms;
const A = TERMS.agreementId;
const Q1_2015 = { from: '2015-01-01', to: '2015-03-31' };

/** Q1 2015: $10M of US net sales, $300,000.00 of royalty due 2015-06-01 (30 May is a Saturday). */
async function reportedQ1(api: Api): Promise<void> {
  await api.sign(TERMS);
  await api.fact('biib015', 'FirstCommercialSale', { country: 'US', soldOn: '2014-05-12' });
  await api.command(A, '/net-sales-reports', {
    reportReference: 'BIIB-ROY-2015-Q1',
    period: Q1_2015,
    reportedOn: '2015-04-28',
    lines: [
      {
        productId: 'biib015',
        country: 'US',
        netSales: usd('10000000.00'),
        exchangeRate: { localUnitsPerPaymentUnit: '1', rateDate: '2015-03-31' },
      },
    ],
  });
}

const findings = (fields: Record<string, unknown> = {}) => ({
  auditReference: 'KPMG 16-001',
  conductedOn: '2016-03-15',
  auditedPeriod: { from: '2015-01-01', to: '2015-12-31' },
  auditCost: usd('25000.00'),
  findings: [
    {
      clauseId: '6.1',
      period: Q1_2015,
      productId: 'biib015',
      country: 'US',
      royaltyDue: usd('330000.00'),
    },
  ],
  ...fields,
});

onBothStores('audit findings over REST', (api) => {
  it('records the findings, the shortfall with interest and the shifted cost as obligations', async () => {
    await reportedQ1(api);
    const answer = await api.command(A, '/audit-findings', findings());
    expect(answer.body.events.map((e: any) => e.type)).toEqual([
      'AuditFindingsRecorded',
      'AuditShortfallAssessed',
      'AuditCostShifted',
    ]);
    // 30,000 / 330,000 = 1/11 of what was due for 2015, above 5%.
    const [recorded] = eventsOf(answer, 'AuditFindingsRecorded');
    expect(recorded.data).toMatchObject({
      royaltiesAccrued: usd('300000.00'),
      shortfall: usd('30000.00'),
      dueForPeriod: usd('330000.00'),
      underpaymentRatio: '1/11',
      costShifts: true,
    });
    // 30,000.00 x 12% x 350 days (2015-06-02 .. 2016-05-16) / 365 = 3,452.05; due 60 days after
    // the findings, 14 May 2016 a Saturday: Monday 16 May.
    const [shortfall] = await api.list(`/obligations?agreementId=${A}&kind=audit-shortfall`);
    expect(shortfall).toMatchObject({
      amount: usd('33452.05'),
      dueOn: '2016-05-16',
      clauseId: '6.1',
    });
    const [cost] = await api.list(`/obligations?agreementId=${A}&kind=audit-cost`);
    expect(cost).toMatchObject({ amount: usd('25000.00'), dueOn: '2016-05-16' });
  });

  it('refuses a period outside the look-back window, naming the field, and a second audit in a year', async () => {
    await reportedQ1(api);
    const outside = await api.command(
      A,
      '/audit-findings',
      findings({ auditedPeriod: { from: '2012-01-01', to: '2015-12-31' } }),
      422,
    );
    expect(outside.body.errors).toEqual([
      expect.objectContaining({ pointer: '/auditedPeriod/from' }),
    ]);
    await api.command(A, '/audit-findings', findings());
    const second = await api.command(
      A,
      '/audit-findings',
      findings({ auditReference: 'KPMG 16-002', conductedOn: '2016-10-01' }),
      409,
    );
    expect(second.body.type).toMatch(/audit-already-conducted$/);
  });

  it('is for admins only', async () => {
    await reportedQ1(api);
    const key = await api.createKey('auditor');
    const current = await api.expectStatus(200, 'GET', `/agreements/${A}`);
    await api.expectStatus(403, 'POST', `/agreements/${A}/audit-findings`, {
      key,
      body: findings(),
      headers: { 'If-Match': current.headers.get('etag') ?? '' },
    });
  });
});
