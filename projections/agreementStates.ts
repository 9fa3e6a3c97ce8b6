import { deserialize, serialize } from 'node:v8';
import { initialState, type AgreementState } from '../src/domain/agreement/agreementState';
import { evolve } from '../src/domain/agreement/evolve';
import { streamIdOf } from '../src/domain/events/streams';
import { domainEventOf } from '../src/application/storedEvents';
import type { EventStore, RecordedEvent } from '../src/eventstore/eventStore';

interface Cached {
  readonly version: number;
  readonly state: AgreementState;
}

/** A state put aside as bytes: about 32 KB where its live objects take several times that. */
interface Frozen {
  readonly version: number;
  readonly bytes: Buffer;
}

/**
 * How many agreements' states a projection keeps live between events: enough for the bench
 * fixture's waves of 1,000 agreements interleaved event by event. Below the width of such an
 * interleaving every event misses (measured with 256: every step thawed a state, 900 events/s
 * against 3,300 with them all live).
 */
const DEFAULT_CAPACITY = 1_024;

/** How many bytes of states put aside (serialized) a projection keeps beyond the live ones. */
const DEFAULT_FROZEN_BYTES = 64 * 1024 * 1024;

/**
 * Agreement states for projections that show what the decider sees (balances, statuses), folded
 * incrementally: a batch's events are applied to the state left by the previous batch. A state
 * that is missing or not at the version just before an event (evicted, or left by a batch whose
 * transaction rolled back) is folded again from the stream up to that version, so the result
 * never depends on what was cached: a rebuild gives the same rows.
 *
 * Memory is bounded twice: about a thousand states live, and the states pushed out of them kept
 * serialized (v8's structured clone: the state is plain data, Maps and bigints) up to a number of
 * bytes. Taking a state back from its bytes costs about half a millisecond where folding its
 * stream again costs tens; only a state pushed out of both is folded again.
 */
export class AgreementStates {
  private readonly cache = new Map<string, Cached>();
  private readonly frozen = new Map<string, Frozen>();
  private frozenBytes = 0;

  constructor(
    private readonly store: EventStore,
    private readonly capacity = DEFAULT_CAPACITY,
    private readonly frozenCapacityBytes = DEFAULT_FROZEN_BYTES,
  ) {}

  /** The agreement's state before and after `event` (an event of its stream). */
  async step(
    agreementId: string,
    event: RecordedEvent,
  ): Promise<{ before: AgreementState; after: AgreementState }> {
    let cached = this.cache.get(agreementId) ?? this.thaw(agreementId);
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
    this.frozen.clear();
    this.frozenBytes = 0;
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
      const [oldest] = this.cache;
      if (oldest === undefined) return;
      this.cache.delete(oldest[0]);
      this.freeze(oldest[0], oldest[1]);
    }
  }

  /** Keeps a state pushed out of the live ones as bytes, the oldest bytes dropped past the bound. */
  private freeze(agreementId: string, cached: Cached): void {
    this.forgetFrozen(agreementId);
    let bytes: Buffer;
    try {
      bytes = serialize(cached.state);
    } catch {
      // A state holding something v8 cannot clone is not kept: folding its stream still works.
      return;
    }
    this.frozen.set(agreementId, { version: cached.version, bytes });
    this.frozenBytes += bytes.length;
    for (const [id] of this.frozen) {
      if (this.frozenBytes <= this.frozenCapacityBytes) break;
      this.forgetFrozen(id);
    }
  }

  /** A state kept as bytes, live again (and no longer kept as bytes: the step changes it). */
  private thaw(agreementId: string): Cached | undefined {
    const frozen = this.frozen.get(agreementId);
    if (frozen === undefined) return undefined;
    this.forgetFrozen(agreementId);
    return { version: frozen.version, state: deserialize(frozen.bytes) as AgreementState };
  }

  private forgetFrozen(agreementId: string): void {
    const frozen = this.frozen.get(agreementId);
    if (frozen === undefined) return;
    this.frozen.delete(agreementId);
    this.frozenBytes -= frozen.bytes.length;
  }
}

/** The agreement id of an agreement stream, or undefined for any other stream. */
export const agreementIdOfStream = (streamId: string): string | undefined =>
  streamId.startsWith('agreement-') ? streamId.slice('agreement-'.length) : undefined;
