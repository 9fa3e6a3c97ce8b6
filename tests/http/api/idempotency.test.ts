import type { Request } from 'express';
import {
  IdempotencyKeyMissingError,
  idempotencyKeyOf,
  requestHashOf,
  withIdempotency,
  type IdempotencyStore,
} from '../../../src/http/api/idempotency';
import { ValidationError } from '../../../src/http/validationError';

const withHeader = (value: string | undefined): Request =>
  ({ get: (name: string) => (name === 'Idempotency-Key' ? value : undefined) }) as Request;

describe('idempotencyKeyOf', () => {
  it('takes a bare key and the structured-field string the draft specifies', () => {
    expect(idempotencyKeyOf(withHeader('8e03978e-40d5-43e8-bc93-6894a57f9324'))).toBe(
      '8e03978e-40d5-43e8-bc93-6894a57f9324',
    );
    expect(idempotencyKeyOf(withHeader('"8e03978e-40d5"'))).toBe('8e03978e-40d5');
    expect(idempotencyKeyOf(withHeader('"a\\"b"'))).toBe('a"b');
    expect(idempotencyKeyOf(withHeader('x'.repeat(255)))).toHaveLength(255);
  });

  it('is undefined without the header, and 400 when the operation requires one', () => {
    expect(idempotencyKeyOf(withHeader(undefined))).toBeUndefined();
    expect(() => idempotencyKeyOf(withHeader(undefined), { required: true })).toThrow(
      IdempotencyKeyMissingError,
    );
  });

  it.each([
    ['empty', ''],
    ['empty quoted', '""'],
    ['over 255 characters', 'x'.repeat(256)],
    ['with a space', 'two words'],
    ['two keys', 'key-1, key-2'],
    ['not ASCII', 'clé'],
    ['with a control character', 'a\u0001b'],
  ])('refuses a key that is %s, pointing at the header', (_case, value) => {
    let thrown: unknown;
    try {
      idempotencyKeyOf(withHeader(value));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).errors).toEqual([
      { detail: expect.any(String), pointer: '/headers/idempotency-key' },
    ]);
  });
});

describe('requestHashOf', () => {
  const request = { method: 'POST', path: '/agreements/a-1/payments', body: { a: 1, b: [2] } };

  it('is the same for the same request, whatever the order of its members', () => {
    expect(requestHashOf(request)).toMatch(/^[0-9a-f]{64}$/);
    expect(requestHashOf({ ...request, method: 'post', body: { b: [2], a: 1 } })).toBe(
      requestHashOf(request),
    );
  });

  it('differs with the method, the path or the body', () => {
    const hash = requestHashOf(request);
    expect(requestHashOf({ ...request, method: 'PUT' })).not.toBe(hash);
    expect(requestHashOf({ ...request, path: '/agreements/a-2/payments' })).not.toBe(hash);
    expect(requestHashOf({ ...request, body: { a: 1, b: [3] } })).not.toBe(hash);
  });
});

describe('withIdempotency', () => {
  it('runs the work without a record when the request has no key', async () => {
    const unused = {} as IdempotencyStore;
    const answer = await withIdempotency(
      unused,
      { key: undefined, principalKeyId: 'k1', method: 'POST', path: '/x', body: {} },
      async () => ({ status: 201, body: { done: true } }),
    );
    expect(answer).toEqual({ status: 201, body: { done: true } });
  });
});
