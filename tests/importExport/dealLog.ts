import { EVENT_EXAMPLES } from '../../src/domain/events/examples';
import type { RunningService } from '../support/serviceHarness';

/** The founding deal's agreement id. */
export const A = EVENT_EXAMPLES.AgreementSigned.terms.agreementId;

/** The founding deal signed and its IND posted, once every worker has caught up. */
export async function recordDeal(service: RunningService): Promise<void> {
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${service.baseUrl}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${service.adminKey}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    if (response.status >= 300)
      throw new Error(`${path}: ${response.status} ${await response.text()}`);
  };
  await post('/agreements', { terms: EVENT_EXAMPLES.AgreementSigned.terms });
  await post('/products/biib015/facts', {
    type: 'INDSubmitted',
    data: { jurisdiction: 'US', submittedOn: '2008-01-22' },
  });
  await settled(service);
}

/** Every worker (the policies too) at the head, and the head still. */
export async function settled(service: RunningService): Promise<number> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const head = await service.stores.store.headPosition();
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (
      service.workers.statuses().every((status) => status.position >= head) &&
      (await service.stores.store.headPosition()) === head
    )
      return head;
    if (Date.now() > deadline) throw new Error('the service never settled');
  }
}
