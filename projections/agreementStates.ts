import { initialState, type AgreementState } from '../src/domain/agreement/agreementState';
import { evolve } from '../src/domain/agreement/evolve';
import { streamIdOf } from '../src/domain/events/streams';
import { domainEventOf } from '../src/application/storedEvents';
import type { EventStore, RecordedEvent } from '../src/eventstore/eventStore';

interface Cached {
  readonly version: number;
  readonly state: AgreementState;
}

/** How many agreements' states a projection keeps between batches. */
const DEFAULT_CAPACITY = 2_000;

/**
 * Agreement states for projections that show what the decider sees (balances, statuses), folded
 * incrementally: a batch's events are applied to the state left by the previous batch. A state
 * that is missing or not at the version just before an event (evicted, or left by a batch whose
 * transaction rolled back) is folded again from the stream up to that version, so the result
 * never depends on what was cached: a rebuild gives the same rows.
 */
export class AgreementStates {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly store: EventStore,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {}

  /** The agreement's state before and after `event` (an event of its stream). */
  async step(
    agreementId: string,
    event: RecordedEvent,
  ): Promise<{ before: AgreementState; after: AgreementState }> {
    let cached = this.cache.get(agreementId);
    if (cached === undefined || cached.version !== event.streamVersion - 1) {
      cached = await this.fold(agreementId, event.streamVersion - 1);
    }
    const next = {
      version: event.streamVersion,
      state: evolve(cached.state, domainEventOf(event)),
    };
    this.remember(agreementId, next);
    return { before: cached.state, after: next.state };
  }

  /** Forgets everything: after a failed batch, or before a rebuild. */
  clear(): void {
    this.cache.clear();
  }

  private async fold(agreementId: string, version: number): Promise<Cached> {
    if (version === 0) return { version, state: initialState };
    const events = await this.store.readStream(streamIdOf('agreement', agreementId), {
      maxCount: version,
    });
    return { version, state: events.map(domainEventOf).reduce(evolve, initialState) };
  }

  private remember(agreementId: string, cached: Cached): void {
    this.cache.delete(agreementId);
    this.cache.set(agreementId, cached);
    if (this.cache.size > this.capacity) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }
}

/** The agreement id of an agreement stream, or undefined for any other stream. */
export const agreementIdOfStream = (streamId: string): string | undefined =>
  streamId.startsWith('agreement-') ? streamId.slice('agreement-'.length) : undefined;
