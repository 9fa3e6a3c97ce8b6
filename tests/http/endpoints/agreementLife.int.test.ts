/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any -- answers are JSON read back as a client sees them */
import { EVENT_EXAMPLES } from '../../../src/domain/events/examples';
import { eventsOf, onBothStores, usd } from './api';

jest.setTimeout(60_000);

// The founding deal as the event catalogue's examples tell it: 5.2(b) is due 30 days after notice.
const TERMS = EVENT_EXAMPLES.AgreementSigned.terms;
const A = TERMS.agreementId;
const { agreementId: _amendedId, ...AMENDMENT } = EVENT_EXAMPLES.AgreementAmended;
const { agreementId: _terminatedId, ...TERMINATION } = EVENT_EXAMPLES.AgreementTerminated;
const { agreementId: _assignedId, ...ASSIGNMENT } = EVENT_EXAMPLES.PayeeAssigned;

const usLine = (netSales: string, rateDate: string) => ({
  productId: 'biib015',
  country: 'US',
  netSales: usd(netSales),
  exchangeRate: { localUnitsPerPaymentUnit: '1', rateDate },
});

const report = (from: string, to: string, netSales: string) => ({
  reportReference: `BIIB-ROY-${from}`,
  period: { from, to },
  reportedOn: to,
  lines: [usLine(netSales, to)],
});

onBothStores('the agreement’s life over REST', (api) => {
  it('amends the terms: GET /agreements/{id} shows the amended terms and version, and a milestone the amendment added is earned under them', async () => {
    const signed = await api.sign(TERMS);
    expect(signed.headers.get('etag')).toBe('"2"'); // AgreementSigned, UpfrontFeeDue

    const amended = await api.command(A, '/amendments', AMENDMENT);
    expect(amended.body.version).toBe(3);
    expect(amended.headers.get('etag')).toBe('"3"');
    const [amendment] = eventsOf(amended, 'AgreementAmended');
    expect(amendment.data).toMatchObject({
      amendmentReference: 'Amendment No. 1',
      effectiveOn: '2009-07-01',
      changedClauseIds: ['5.3(b)'],
    });

    const agreement = await api.expectStatus(
      200,
      'GET',
      `/agreements/${A}?waitFor=${amended.headers.get('x-position')}`,
    );
    expect(agreement.headers.get('etag')).toBe('"3"');
    expect(agreement.body.version).toBe(3);
    expect(agreement.body.terms.milestones.map((m: any) => m.clauseId)).toEqual([
      '5.2(a)',
      '5.2(b)',
      '5.3(b)',
    ]);
    expect(agreement.body.terms.milestones[2]).toMatchObject({
      amount: usd('5000000.00'),
      trigger: { eventType: 'RegulatoryApprovalGranted', conditions: { jurisdictions: ['EU'] } },
    });

    // The first EU marketing authorisation, after the amendment took effect: 5.3(b) is earned
    // under the amended terms, due 30 days after it (2012-09-20 + 30 days = 2012-10-20).
    await api.fact('biib015', 'RegulatoryApprovalGranted', {
      jurisdiction: 'EU',
      indication: 'Cripto-positive solid tumours',
      approvedOn: '2012-09-20',
      filingType: 'MAA',
    });
    const [milestone] = await api.list(`/obligations?agreementId=${A}&kind=milestone`);
    expect(milestone).toMatchObject({
      clauseId: '5.3(b)',
      termsEventId: amendment.eventId,
      amount: usd('5000000.00'),
      arisesOn: '2012-09-20',
      dueOn: '2012-10-20',
      status: 'payable',
      payerPartyId: 'biogen-idec',
      payeePartyId: 'immunogen',
    });
  });

  it('refuses an amendment that changes the signing date, naming the field', async () => {
    await api.sign(TERMS);
    const refused = await api.command(
      A,
      '/amendments',
      { ...AMENDMENT, terms: { ...AMENDMENT.terms, signedOn: '2004-11-01' } },
      422,
    );
    expect(refused.body.errors).toEqual([expect.objectContaining({ pointer: '/terms/signedOn' })]);
  });

  it('terminates: the agreement shows its termination date, and nothing arises or is amended after it', async () => {
    await api.sign(TERMS);
    const terminated = await api.command(A, '/termination', TERMINATION);
    expect(eventsOf(terminated, 'AgreementTerminated')[0].data).toMatchObject({
      terminatedOn: '2022-03-31',
      terminatedBy: 'licensee',
      grounds: 'convenience',
    });
    const agreement = await api.expectStatus(
      200,
      'GET',
      `/agreements/${A}?waitFor=${terminated.headers.get('x-position')}`,
    );
    expect(agreement.body).toMatchObject({ terminatedOn: '2022-03-31', version: 3 });
    const listed = await api.list(`/agreements?party=biogen-idec`);
    expect(listed).toEqual([expect.objectContaining({ terminatedOn: '2022-03-31' })]);

    const amendment = await api.command(A, '/amendments', AMENDMENT, 422);
    expect(amendment.body.type).toMatch(/agreement-terminated$/);
    await api.fact('biib015', 'FirstCommercialSale', {
      productId: 'biib015',
      country: 'US',
      soldOn: '2014-05-12',
    });
    const late = await api.command(
      A,
      '/net-sales-reports',
      report('2022-04-01', '2022-06-30', '1000000.00'),
      422,
    );
    expect(late.body.errors).toEqual([expect.objectContaining({ pointer: '/period' })]);
  });

  it('assigns the payee of royalties from a date: royalties arising from it are the assignee’s, others stay the licensor’s', async () => {
    await api.sign(TERMS);
    await api.fact('biib015', 'FirstCommercialSale', { country: 'US', soldOn: '2014-05-12' });
    // Q4 2015 arises before the assignment's 2016-01-01.
    await api.command(A, '/net-sales-reports', report('2015-10-01', '2015-12-31', '10000000.00'));
    const assigned = await api.command(A, '/payee-assignments', ASSIGNMENT);
    expect(eventsOf(assigned, 'PayeeAssigned')[0].data).toMatchObject({
      effectiveOn: '2016-01-01',
      payee: { partyId: 'example-royalty-fund' },
    });
    await api.command(A, '/net-sales-reports', report('2016-01-01', '2016-03-31', '10000000.00'));
    // A milestone is not of the kinds assigned: it stays the licensor's.
    await api.fact('biib015', 'INDSubmitted', { jurisdiction: 'US', submittedOn: '2016-02-01' });

    const obligations = await api.list(`/obligations?agreementId=${A}&kind=royalty`);
    expect(
      obligations.map((o: any) => [o.arisesOn, o.amount.amount, o.dueOn, o.payeePartyId]),
    ).toEqual([
      // 3% of 10,000,000.00 = 300,000.00; due 60 days after the quarter: 2015-12-31 + 60 days =
      // 2016-02-29 (a leap day, a Monday).
      ['2015-10-01', '300000.00', '2016-02-29', 'immunogen'],
      // A new tier year: 3% again. 2016-03-31 + 60 days = 2016-05-30, a Monday.
      ['2016-01-01', '300000.00', '2016-05-30', 'example-royalty-fund'],
    ]);
    const [milestone] = await api.list(`/obligations?agreementId=${A}&kind=milestone`);
    expect(milestone).toMatchObject({ arisesOn: '2016-02-01', payeePartyId: 'immunogen' });
    const theFunds = await api.list(`/obligations?payeePartyId=example-royalty-fund`);
    expect(theFunds.map((o: any) => o.arisesOn)).toEqual(['2016-01-01']);
  });

  it('assigns the payee from a date already passed: a royalty recorded before the assignment that arose after its date is the assignee’s too', async () => {
    await api.sign(TERMS);
    await api.fact('biib015', 'FirstCommercialSale', { country: 'US', soldOn: '2014-05-12' });
    await api.command(A, '/net-sales-reports', report('2016-01-01', '2016-03-31', '10000000.00'));
    const [before] = await api.list(`/obligations?agreementId=${A}&kind=royalty`);
    expect(before.payeePartyId).toBe('immunogen');

    await api.command(A, '/payee-assignments', ASSIGNMENT);
    // The decider settles, credits and reports by the payee of the day the royalty arose (2016-01-01):
    // the read model must say the same.
    const [after] = await api.list(`/obligations?agreementId=${A}&kind=royalty`);
    expect(after).toMatchObject({
      obligationId: before.obligationId,
      payeePartyId: 'example-royalty-fund',
    });
  });
});
