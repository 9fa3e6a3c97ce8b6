import { latestCheckpoint } from '../../src/audit/checkpointStore';
import { EVENT_EXAMPLES } from '../../src/domain/events/examples';
import type { RunningService } from '../support/serviceHarness';

const TERMS = EVENT_EXAMPLES.AgreementSigned.terms;
/** The agreement agreementWithPayment records. */
export const A = TERMS.agreementId;

/** An agreement with a product fact and a payment applied, all covered by a signed checkpoint. */
export async function agreementWithPayment(service: RunningService): Promise<void> {
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${service.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${service.adminKey}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    if (response.status >= 300)
      throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response;
  };
  await call('POST', '/agreements', { terms: TERMS });
  await call('POST', '/products/biib015/facts', {
    type: 'INDSubmitted',
    data: { jurisdiction: 'US', submittedOn: '2008-01-22' },
  });
  // The IND's milestone lands in the agreement's stream when its reactor runs: retry a stale ETag.
  for (let attempt = 0; ; attempt++) {
    // The read model may not show the agreement yet: wait for it as for a stale ETag.
    const current = await fetch(`${service.baseUrl}/agreements/${A}`, {
      headers: { authorization: `Bearer ${service.adminKey}` },
    });
    if (current.status === 404 && attempt < 100) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    const response = await fetch(`${service.baseUrl}/agreements/${A}/payments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${service.adminKey}`,
        'content-type': 'application/json',
        'If-Match': current.headers.get('etag') ?? '',
      },
      body: JSON.stringify({
        amount: { amount: '1200000.00', currency: 'USD' },
        receivedOn: '2008-03-01',
        payerPartyId: 'biogen-idec',
        payeePartyId: 'immunogen',
        reference: 'W-1',
      }),
    });
    if (response.status === 200) break;
    if (response.status !== 412 || attempt > 100)
      throw new Error(`payment: ${response.status} ${await response.text()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // Quiet: every worker (the reactors too) has caught up, the head is still, and it is signed.
  const { store, readStore } = service.stores;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const head = await store.headPosition();
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (
      service.workers.statuses().every((status) => status.position >= head) &&
      ((await latestCheckpoint(readStore))?.treeSize ?? 0) >= head &&
      (await store.headPosition()) === head
    )
      return;
    if (Date.now() > deadline) throw new Error('the service never settled and signed its head');
  }
}
