import { z } from 'zod';
import { ValidationError } from '../../src/http/validationError';

describe('ValidationError.fromZod', () => {
  it('points at each invalid field with a JSON Pointer', () => {
    const schema = z.object({
      amountMinor: z.string().regex(/^\d+$/),
      payments: z.array(z.object({ dueOn: z.iso.date() })),
      'a/b~c': z.number(),
    });
    const parsed = schema.safeParse({
      amountMinor: '12.5',
      payments: [{ dueOn: '2026-01-01' }, { dueOn: 'soon' }],
      'a/b~c': 'x',
    });
    if (parsed.success) throw new Error('expected the parse to fail');
    const error = ValidationError.fromZod(parsed.error);
    expect(error.errors.map((fieldError) => fieldError.pointer)).toEqual([
      '/amountMinor',
      '/payments/1/dueOn',
      '/a~1b~0c',
    ]);
    expect(error.errors.every((fieldError) => fieldError.detail.length > 0)).toBe(true);
  });

  it('prefixes the pointer with where the value sits in the request', () => {
    const parsed = z.object({ id: z.uuid() }).safeParse({ id: 'x' });
    if (parsed.success) throw new Error('expected the parse to fail');
    expect(ValidationError.fromZod(parsed.error, '/data').errors[0]?.pointer).toBe('/data/id');
  });
});
