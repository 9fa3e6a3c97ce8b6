import { withoutSecretHash } from '../../src/auth/withoutSecretHash';

describe('withoutSecretHash', () => {
  it('drops the hash from an ApiKeyCreated and keeps the rest', () => {
    const data = { keyId: 'abcdefgh2345', role: 'auditor', secretHash: 'ab'.repeat(32) };
    expect(withoutSecretHash('ApiKeyCreated', data)).toEqual({
      keyId: 'abcdefgh2345',
      role: 'auditor',
    });
  });

  it('leaves other events as they are', () => {
    const data = { secretHash: 'not a key event' };
    expect(withoutSecretHash('ApiKeyRevoked', data)).toBe(data);
    expect(withoutSecretHash('PaymentReceived', data)).toBe(data);
  });
});
