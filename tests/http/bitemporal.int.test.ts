/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any -- answers are JSON read back as a client sees them */
import { EVENT_EXAMPLES } from '../../src/domain/events/examples';
import { onBothStores, usd } from './endpoints/api';

jest.setTimeout(60_000);

const TERMS = EVENT_EXAMPLES.AgreementSigned.terms;
const A = TERMS.agreementId;

/**
 * Record time (`recordedAt`) and valid time (`asOf`) through the real service: the upfront fee
 * of deal A falls due on 2004-10-31 and is paid on 2005-01-10.
 */
onBothStores('as of and as recorded', (api) => {
  let signedAt: number;
  let paidAt: number;
  let upfrontId: string;

  /** Each test has a fresh service: deal A signed, then its upfront fee paid. */
  async function history(): Promise<void> {
    const signed = await api.sign(TERMS);
    signedAt = Number(signed.headers.get('x-position'));
    await api.settled();
    const [upfront] = await api.list(`/obligations?agreementId=${A}&kind=upfront-fee`);
    upfrontId = upfront.obligationId;
    const paid = await api.command(A, '/payments', {
      amount: usd('1000000.00'),
      receivedOn: '2005-01-10',
      payerPartyId: 'biogen-idec',
      payeePartyId: 'immunogen',
      reference: 'FEDWIRE 20050110-000007',
      intendedObligationIds: [upfrontId],
    });
    paidAt = Number(paid.headers.get('x-position'));
    await api.settled();
  }

  const upfront = async (query: string): Promise<any> =>
    (await api.expectStatus(200, 'GET', `/obligations/${upfrontId}?${query}`)).body;

  it('recorded before the payment, the obligation is unpaid; after it, paid; today, paid', async () => {
    await history();
    expect(paidAt).toBeGreaterThan(signedAt);
    expect(await upfront(`recordedAt=${paidAt - 1}`)).toMatchObject({
      status: 'payable',
      amountPaid: usd('0.00'),
      openBalance: usd('1000000.00'),
      payments: [],
    });
    expect(await upfront(`recordedAt=${paidAt}`)).toMatchObject({
      status: 'paid',
      amountPaid: usd('1000000.00'),
      openBalance: usd('0.00'),
    });
    expect((await upfront('')).status).toBe('paid');
    const listed = await api.list(`/obligations?agreementId=${A}&recordedAt=${paidAt - 1}`);
    expect(listed.find((o) => o.obligationId === upfrontId)).toMatchObject({ status: 'payable' });
  });

  it('as of a date before the due date the unpaid obligation is not overdue; after it, overdue (asOf with recordedAt)', async () => {
    await history();
    expect(await upfront(`recordedAt=${paidAt - 1}&asOf=2004-10-30`)).toMatchObject({
      overdue: false,
      asOf: '2004-10-30',
    });
    expect(await upfront(`recordedAt=${paidAt - 1}&asOf=2004-12-01`)).toMatchObject({
      overdue: true,
    });
    // Recorded after the payment, but as of a date before it was paid: still overdue then.
    expect(await upfront(`recordedAt=${paidAt}&asOf=2004-12-01`)).toMatchObject({
      overdue: true,
    });
    expect(await upfront(`recordedAt=${paidAt}&asOf=2005-01-10`)).toMatchObject({
      overdue: false,
      status: 'paid',
    });
    const overdue = await api.list(
      `/obligations?status=overdue&asOf=2004-12-01&recordedAt=${paidAt - 1}`,
    );
    expect(overdue.map((o) => o.obligationId)).toContain(upfrontId);
    expect(await api.list(`/obligations?status=overdue&asOf=2005-01-10`)).not.toContainEqual(
      expect.objectContaining({ obligationId: upfrontId }),
    );
  });

  it('as of a date, only what had arisen, paid by payments made on or before it', async () => {
    await history();
    expect(await upfront('asOf=2005-01-09')).toMatchObject({
      status: 'payable',
      amountPaid: usd('0.00'),
      openBalance: usd('1000000.00'),
      overdue: true,
    });
    expect(await upfront('asOf=2005-01-10')).toMatchObject({
      status: 'paid',
      amountPaid: usd('1000000.00'),
      openBalance: usd('0.00'),
      overdue: false,
    });
    const overdue = await api.list('/obligations?status=overdue&asOf=2005-01-09');
    expect(overdue.map((o) => o.obligationId)).toContain(upfrontId);
    const open = await api.list('/obligations?status=open&asOf=2005-01-09');
    expect(open.map((o) => o.obligationId)).toContain(upfrontId);
    // Before the agreement was signed nothing had arisen.
    expect(await api.list(`/obligations?agreementId=${A}&asOf=2004-09-30`)).toEqual([]);
    await api.expectStatus(404, 'GET', `/obligations/${upfrontId}?asOf=2004-09-30`);
    const exported = await api.expectStatus(
      200,
      'GET',
      `/obligations/export?format=ndjson&agreementId=${A}&asOf=2005-01-09`,
    );
    const rows = exported.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows.find((o) => o.obligationId === upfrontId)).toMatchObject({ status: 'payable' });
  });

  it('payments, royalty lines and the audit trail as recorded and as of a date', async () => {
    await history();
    const trail = await api.list(`/audit-trail?agreementId=${A}`);
    const received = trail.find((e) => e.type === 'PaymentReceived');
    const applied = trail.find((e) => e.type === 'PaymentApplied');
    expect(await api.list(`/payments?recordedAt=${received.position - 1}`)).toEqual([]);
    await api.expectStatus(
      404,
      'GET',
      `/payments/${received.eventId}?recordedAt=${received.position - 1}`,
    );
    if (applied.position > received.position) {
      const unapplied = await api.expectStatus(
        200,
        'GET',
        `/payments/${received.eventId}?recordedAt=${applied.position - 1}`,
      );
      expect(unapplied.body).toMatchObject({ applied: usd('0.00'), settled: [] });
    }
    const [payment] = await api.list(`/payments?recordedAt=${applied.position}`);
    expect(payment).toMatchObject({
      paymentEventId: received.eventId,
      applied: usd('1000000.00'),
      settled: [expect.objectContaining({ obligationId: upfrontId, reversed: false })],
    });
    expect(await api.list('/payments?asOf=2005-01-09')).toEqual([]);
    expect(await api.list('/payments?asOf=2005-01-10')).toHaveLength(1);
    const exported = await api.expectStatus(
      200,
      'GET',
      `/payments/export?format=ndjson&recordedAt=${received.position - 1}`,
    );
    expect(exported.text.trim()).toBe('');
    const early = await api.list(`/audit-trail?recordedAt=${signedAt}`);
    expect(early.length).toBeGreaterThan(0);
    expect(early.every((e) => e.position <= signedAt)).toBe(true);
    expect(await api.list(`/royalty-statements?recordedAt=${paidAt}`)).toEqual([]);
  });

  it('a reversed application: as recorded before the reversal, paid and not reversed; after, unpaid', async () => {
    await history();
    const [applied] = await api.list(`/audit-trail?agreementId=${A}&type=PaymentApplied`);
    const [received] = await api.list(`/audit-trail?agreementId=${A}&type=PaymentReceived`);
    const reversal = await api.command(A, '/reversals', {
      reversedEventId: applied.eventId,
      reason: 'Applied to the wrong obligation',
    });
    const reversedAt = Number(reversal.headers.get('x-position'));
    await api.settled();
    expect(await upfront('')).toMatchObject({
      status: 'payable',
      payments: [expect.objectContaining({ reversed: true })],
    });
    expect(await upfront('asOf=2005-02-01')).toMatchObject({ status: 'payable', overdue: true });
    expect(await upfront(`recordedAt=${reversedAt - 1}`)).toMatchObject({
      status: 'paid',
      payments: [expect.objectContaining({ reversed: false })],
    });
    expect(await upfront(`recordedAt=${reversedAt - 1}&asOf=2005-02-01`)).toMatchObject({
      status: 'paid',
      overdue: false,
    });
    expect(await upfront(`recordedAt=${reversedAt - 1}&asOf=2005-01-09`)).toMatchObject({
      status: 'payable',
      overdue: true,
    });
    const before = await api.expectStatus(
      200,
      'GET',
      `/payments/${received.eventId}?recordedAt=${reversedAt - 1}`,
    );
    expect(before.body).toMatchObject({
      applied: usd('1000000.00'),
      settled: [expect.objectContaining({ reversed: false })],
    });
    const after = await api.expectStatus(
      200,
      'GET',
      `/payments/${received.eventId}?recordedAt=${reversedAt}`,
    );
    expect(after.body).toMatchObject({
      applied: usd('0.00'),
      settled: [expect.objectContaining({ reversed: true })],
    });
  });

  it('recordedAt as an instant is the last position recorded at or before it', async () => {
    await history();
    const trail = await api.list(`/audit-trail?agreementId=${A}`);
    const payment = trail.find((e) => e.type === 'PaymentReceived');
    expect(await upfront(`recordedAt=${encodeURIComponent(payment.recordedAt)}`)).toMatchObject({
      status: 'paid',
    });
    const before = new Date(Date.parse(trail[0].recordedAt) - 1).toISOString();
    await api.expectStatus(404, 'GET', `/obligations/${upfrontId}?recordedAt=${before}`);
    await api.expectStatus(422, 'GET', `/obligations?recordedAt=yesterday`);
  });

  it('agreements as recorded: the summary before and after the payment, nothing before the signing', async () => {
    await history();
    const before = await api.expectStatus(200, 'GET', `/agreements/${A}?recordedAt=${paidAt - 1}`);
    expect(before.body.summary.paid).toEqual(usd('0.00'));
    expect(before.body.terms).toEqual(expect.objectContaining({ agreementId: A }));
    const after = await api.expectStatus(200, 'GET', `/agreements/${A}?recordedAt=${paidAt}`);
    expect(after.body.summary.paid).toEqual(usd('1000000.00'));
    expect(after.body.version).toBeGreaterThan(before.body.version);
    // The signing command appends the signature, then what it makes due: the same command's
    // position; before the signature itself, nothing.
    const [signature] = await api.list(`/audit-trail?agreementId=${A}&type=AgreementSigned`);
    expect(signature.position).toBeLessThanOrEqual(signedAt);
    await api.expectStatus(404, 'GET', `/agreements/${A}?recordedAt=${signature.position - 1}`);
    expect(await api.list(`/agreements?recordedAt=${signature.position - 1}`)).toEqual([]);
    const signedOnly = await api.expectStatus(
      200,
      'GET',
      `/agreements/${A}?recordedAt=${signature.position}`,
    );
    expect(signedOnly.body.version).toBe(1);
    expect((await api.list(`/agreements?recordedAt=${paidAt}`)).map((a) => a.agreementId)).toEqual([
      A,
    ]);
  });

  it('pages the versions recorded at a position one at a time, each obligation once', async () => {
    await history();
    const all = await api.list(`/obligations?recordedAt=${paidAt}`);
    const ids: string[] = [];
    let next: string | undefined = `/obligations?recordedAt=${paidAt}&limit=1`;
    while (next !== undefined) {
      const page = await api.expectStatus(200, 'GET', next);
      ids.push(...page.body.items.map((o: any) => o.obligationId));
      next = page.body.nextCursor
        ? `/obligations?recordedAt=${paidAt}&limit=1&cursor=${page.body.nextCursor}`
        : undefined;
    }
    expect(ids).toEqual(all.map((o) => o.obligationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('the audit trail as of a date: the events that occurred on or before it, combinable with recordedAt', async () => {
    await history();
    const trail = await api.list(`/audit-trail?agreementId=${A}`);
    const dates = [...new Set(trail.map((e) => String(e.occurredAt).slice(0, 10)))].sort();
    expect(dates.length).toBeGreaterThan(1);
    const first = dates[0]!;
    const occurredBy = (date: string) =>
      trail.filter((e) => String(e.occurredAt).slice(0, 10) <= date).map((e) => e.position);
    for (const date of dates)
      expect(
        (await api.list(`/audit-trail?agreementId=${A}&asOf=${date}`)).map((e) => e.position),
      ).toEqual(occurredBy(date));
    expect(await api.list(`/audit-trail?agreementId=${A}&asOf=1999-12-31`)).toEqual([]);
    const payment = trail.find((e) => e.type === 'PaymentReceived');
    const recorded = await api.list(
      `/audit-trail?agreementId=${A}&asOf=${dates.at(-1)}&recordedAt=${payment.position - 1}`,
    );
    expect(recorded.map((e) => e.position)).toEqual(
      trail.filter((e) => e.position < payment.position).map((e) => e.position),
    );
    const exported = await api.expectStatus(
      200,
      'GET',
      `/audit-trail/export?format=ndjson&agreementId=${A}&asOf=${first}`,
    );
    const lines = exported.text.trim().split('\n').filter(Boolean);
    expect(lines.map((line) => JSON.parse(line).position)).toEqual(occurredBy(first));
    await api.expectStatus(422, 'GET', '/audit-trail?asOf=yesterday');
  });

  it('API keys as recorded: created by the position, revoked only if revoked by it; asOf is the same time', async () => {
    const created = await api.expectStatus(201, 'POST', '/admin/api-keys', {
      body: { name: 'leaky', role: 'auditor' },
    });
    const { keyId } = created.body;
    await api.expectStatus(200, 'POST', `/admin/api-keys/${keyId}/revoke`, {
      body: { reason: 'pasted into a ticket' },
    });
    const events = await api.list(`/audit-trail?streamId=${encodeURIComponent(`apikey-${keyId}`)}`);
    const [creation, revocation] = events;
    expect([creation.type, revocation.type]).toEqual(['ApiKeyCreated', 'ApiKeyRevoked']);
    const leaky = async (query: string) =>
      (await api.list(`/admin/api-keys?${query}`)).find((k) => k.keyId === keyId);
    expect(await leaky(`recordedAt=${creation.position - 1}`)).toBeUndefined();
    expect(await leaky(`recordedAt=${creation.position}`)).toMatchObject({ revoked: null });
    expect(await leaky(`recordedAt=${revocation.position - 1}`)).toMatchObject({ revoked: null });
    expect(await leaky(`recordedAt=${revocation.position}`)).toMatchObject({
      revoked: { reason: 'pasted into a ticket' },
    });
    expect(await leaky('')).toMatchObject({ revoked: { reason: 'pasted into a ticket' } });
    // Two events recorded within the same millisecond share an instant.
    if (creation.recordedAt < revocation.recordedAt)
      expect(await leaky(`asOf=${encodeURIComponent(creation.recordedAt)}`)).toMatchObject({
        revoked: null,
      });
    expect(await leaky(`asOf=${encodeURIComponent(revocation.recordedAt)}`)).toMatchObject({
      revoked: { reason: 'pasted into a ticket' },
    });
    expect(await api.list('/admin/api-keys?asOf=2000-01-01')).toEqual([]);
    expect(await leaky(`asOf=2999-12-31&recordedAt=${revocation.position - 1}`)).toMatchObject({
      revoked: null,
    });
    expect(await leaky(`asOf=2000-01-01&recordedAt=${revocation.position}`)).toBeUndefined();
    const paged = await api.list(`/admin/api-keys?limit=1&recordedAt=${revocation.position - 1}`);
    expect(paged.find((k) => k.keyId === keyId)).toMatchObject({ revoked: null });
    await api.expectStatus(422, 'GET', '/admin/api-keys?recordedAt=yesterday');
  });

  it('integrations as recorded: registered by the position, enabled until disabled by it', async () => {
    await api.expectStatus(201, 'POST', '/admin/integrations', {
      body: { integrationId: 'cro', name: 'cro feed', eventTypes: ['INDSubmitted'] },
    });
    await api.expectStatus(200, 'POST', '/admin/integrations/cro/disable', {
      body: { reason: 'contract ended' },
    });
    const events = await api.list('/audit-trail?streamId=integration-cro');
    const registration = events.find((e) => e.type === 'IntegrationRegistered');
    const disabling = events.find((e) => e.type === 'IntegrationDisabled');
    const cro = async (query: string) =>
      (await api.list(`/admin/integrations?${query}`)).find((i) => i.integrationId === 'cro');
    expect(await cro(`recordedAt=${registration.position - 1}`)).toBeUndefined();
    expect(await cro(`recordedAt=${disabling.position - 1}`)).toMatchObject({
      enabled: true,
      disabled: null,
    });
    expect(await cro(`recordedAt=${disabling.position}`)).toMatchObject({ enabled: false });
    expect(await cro('')).toMatchObject({ enabled: false });
    if (registration.recordedAt < disabling.recordedAt)
      expect(await cro(`asOf=${encodeURIComponent(registration.recordedAt)}`)).toMatchObject({
        enabled: true,
      });
    expect(await cro(`asOf=${encodeURIComponent(disabling.recordedAt)}`)).toMatchObject({
      enabled: false,
    });
    expect(await api.list('/admin/integrations?asOf=2000-01-01')).toEqual([]);
  });
});
