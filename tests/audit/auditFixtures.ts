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
    const current = await call('GET', `/agreements/${A}`);
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
    if (response.status !== 412 || attempt > 20)
      throw new Error(`payment: ${response.status} ${await response.text()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const head = await service.stores.store.headPosition();
  const deadline = Date.now() + 20_000;
  while (((await latestCheckpoint(service.stores.readStore))?.treeSize ?? 0) < head) {
    if (Date.now() > deadline) throw new Error('never signed the head');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
