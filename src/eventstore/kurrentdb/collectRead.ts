import type { StreamingRead } from '@eventstore/db-client';
import { ReadTimeoutError, errorTypeOf, toStoreError } from './kurrentDbErrors';

/**
 * Reads a streaming read to its end. The client gives reads no deadline at all (a half-open
 * connection would hang one until keep-alive notices), so each read gets one here: on timeout the
 * call is cancelled and destroyed, since a cancelled read never ends by itself.
 */
export function collectRead<E>(read: StreamingRead<E>, timeoutMs: number): Promise<E[]> {
  return new Promise<E[]>((resolve, reject) => {
    const items: E[] = [];
    const timer = setTimeout(() => {
      finish();
      void read.cancel().catch(() => undefined);
      read.destroy();
      reject(new ReadTimeoutError(timeoutMs));
    }, timeoutMs);
    const onData = (item: E): void => {
      items.push(item);
    };
    const onEnd = (): void => {
      finish();
      resolve(items);
    };
    const onError = (error: Error): void => {
      finish();
      reject(error);
    };
    function finish(): void {
      clearTimeout(timer);
      read.off('data', onData);
      read.off('end', onEnd);
      read.off('error', onError);
      // Late errors of an abandoned call must not become uncaught exceptions.
      read.on('error', () => undefined);
    }
    read.on('data', onData);
    read.once('end', onEnd);
    read.once('error', onError);
  });
}

/**
 * A read to its end, with the store's error mapping: a stream that does not exist reads as empty,
 * and a server that cannot be reached is StoreUnavailableError.
 */
export async function readToEnd<E>(
  start: () => StreamingRead<E>,
  options: { readonly server: string; readonly timeoutMs: number },
): Promise<E[]> {
  try {
    return await collectRead(start(), options.timeoutMs);
  } catch (error) {
    if (errorTypeOf(error) === 'stream-not-found') return [];
    throw toStoreError(error, options.server);
  }
}
