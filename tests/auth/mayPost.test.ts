import { mayPost } from '../../src/auth/mayPost';

describe('mayPost', () => {
  const feed = {
    keyId: 'abcdefgh2345',
    name: 'CRO feed',
    role: 'integration' as const,
    eventTypes: ['INDSubmitted'],
  };

  it('lets an integration post only the event types on its key', () => {
    expect(mayPost(feed, 'INDSubmitted')).toBe(true);
    expect(mayPost(feed, 'PaymentReceived')).toBe(false);
    expect(mayPost({ ...feed, eventTypes: undefined }, 'INDSubmitted')).toBe(false);
  });

  it('lets an admin post anything and an auditor nothing', () => {
    expect(mayPost({ ...feed, role: 'admin', eventTypes: undefined }, 'PaymentReceived')).toBe(
      true,
    );
    expect(mayPost({ ...feed, role: 'auditor' }, 'INDSubmitted')).toBe(false);
  });
});
