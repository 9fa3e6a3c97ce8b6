/**
 * The two kinds of stream: `agreement-<agreementId>` (terms, commercial facts, obligations,
 * payments) and `product-<productId>` (development and regulatory facts, which several agreements
 * covering the product may all react to).
 */
export type StreamKind = 'agreement' | 'product';

export const STREAM_KINDS: readonly StreamKind[] = ['agreement', 'product'];

export function streamIdOf(kind: StreamKind, subjectId: string): string {
  return `${kind}-${subjectId}`;
}
