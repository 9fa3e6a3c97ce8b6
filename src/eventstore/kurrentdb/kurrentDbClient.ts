import { EventStoreDBClient } from '@eventstore/db-client';
import { clientConnectionString } from './connectionString';

/** The part of the client the store uses: what a fake server in tests has to provide. */
export type KurrentDbClient = Pick<
  EventStoreDBClient,
  'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'dispose'
>;

/**
 * A client for a connection string. It connects lazily, reconnects by itself after UNAVAILABLE or
 * CANCELLED answers (the failed call still fails) and, with `+discover`, finds the cluster leader
 * through gossip. Throws on a malformed connection string, with a message that may quote part of
 * it, so callers must not show the message as is.
 */
export function connectKurrentDb(connectionString: string): KurrentDbClient {
  return EventStoreDBClient.connectionString(clientConnectionString(connectionString));
}
