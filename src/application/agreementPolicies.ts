import type { Projection } from '../../projections/projection';
import type { AgreementEvent } from '../domain/agreement/agreementEvent';
import type { AgreementState } from '../domain/agreement/agreementState';
import { streamIdOf } from '../domain/events/streams';
import { minimumRoyaltyTrueUp } from '../domain/policies/minimumRoyaltyTrueUp';
import { WrongExpectedVersionError } from '../eventstore/errors';
import type { EventStore, RecordedEvent } from '../eventstore/eventStore';
import { AgreementCommands } from './agreementCommands';
import { derivedUuid, domainEventOf, newEventOf } from './storedEvents';

/** A policy that reacts to an event of an agreement's own stream with more events of it. */
interface AgreementPolicy {
  readonly name: string;
  /** The event types it may react to: others are skipped without loading the agreement. */
  readonly reactsTo: ReadonlySet<string>;
  /** An event type without which in its stream the policy decides nothing for an agreement. */
  readonly onlyIfStreamHas?: string;
  readonly decide: (input: {
    readonly event: AgreementEvent;
    readonly state: AgreementState;
    readonly idFor: (key: string) => string;
  }) => AgreementEvent[];
}

const POLICIES: readonly AgreementPolicy[] = [
  {
    name: 'minimum-royalty-true-up',
    reactsTo: new Set(['RoyaltyAccrued', 'EntryReversed']),
    // It acts on assessed years only, and only a recorded shortfall makes a year assessed.
    onlyIfStreamHas: 'MinimumRoyaltyShortfallAssessed',
    decide: minimumRoyaltyTrueUp,
  },
];

const CONFLICT_RETRIES = 5;

/** How many agreements' stream summaries the policies keep between batches. */
const SUMMARY_CAPACITY = 10_000;

/**
 * Which event types an agreement's stream holds, as it stands now: what tells a policy that can
 * only act on a stream holding some event (`onlyIfStreamHas`) that it has nothing to do, without
 * folding the whole agreement for each event it reacts to (which made a catch-up cost grow with
 * the square of an agreement's length). Each stream is read once, types only (nothing validated
 * or folded), then only its new events; its last version is one row.
 */
export class StreamTypes {
  private readonly summaries = new Map<string, { version: number; types: Set<string> }>();

  constructor(
    private readonly store: EventStore,
    private readonly capacity = SUMMARY_CAPACITY,
  ) {}

  async has(agreementId: string, type: string): Promise<boolean> {
    const streamId = streamIdOf('agreement', agreementId);
    const [last] = await this.store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    const version = last?.streamVersion ?? 0;
    const summary = this.summaries.get(agreementId) ?? { version: 0, types: new Set<string>() };
    if (summary.version < version) {
      const newer: RecordedEvent[] = await this.store.readStream(streamId, {
        fromVersion: summary.version + 1,
      });
      for (const event of newer) summary.types.add(event.type);
      summary.version = newer[newer.length - 1]?.streamVersion ?? summary.version;
    }
    this.summaries.delete(agreementId);
    this.summaries.set(agreementId, summary);
    if (this.summaries.size > this.capacity) {
      const oldest = this.summaries.keys().next().value;
      if (oldest !== undefined) this.summaries.delete(oldest);
    }
    return summary.types.has(type);
  }
}

/**
 * The policies that follow an agreement's own events (the minimum royalty true-up after a
 * restatement of an assessed year), run as one checkpointed worker over the global log. Each
 * decides on the agreement's current state, with the event that woke it; what it appends has
 * ids derived from the policy, the agreement and the cause, so a batch run twice appends nothing
 * the second time. It keeps no tables of its own: its checkpoint is all it needs.
 */
export function agreementPolicies(store: EventStore): Projection {
  const agreements = new AgreementCommands(store);
  const streamTypes = new StreamTypes(store);
  return {
    name: 'agreement-policies',
    migrations: [],
    async apply(_tx, events) {
      for (const recorded of events) {
        if (!recorded.streamId.startsWith('agreement-')) continue;
        const policies = POLICIES.filter((policy) => policy.reactsTo.has(recorded.type));
        if (policies.length === 0) continue;
        const agreementId = recorded.streamId.slice('agreement-'.length);
        const event = domainEventOf(recorded);
        for (const policy of policies) {
          if (
            policy.onlyIfStreamHas !== undefined &&
            !(await streamTypes.has(agreementId, policy.onlyIfStreamHas))
          )
            continue;
          for (let attempt = 0; ; attempt += 1) {
            const { state, version } = await agreements.load(agreementId);
            const decided = policy.decide({
              event,
              state,
              idFor: (key) => derivedUuid(policy.name, agreementId, event.eventId, key),
            });
            if (decided.length === 0) break;
            try {
              await store.append(
                streamIdOf('agreement', agreementId),
                decided.map((next) =>
                  newEventOf(
                    next,
                    { actor: `system:${policy.name}`, causationId: event.eventId },
                    recorded.metadata.occurredAt,
                  ),
                ),
                { expectedVersion: version },
              );
              break;
            } catch (error) {
              if (!(error instanceof WrongExpectedVersionError) || attempt >= CONFLICT_RETRIES)
                throw error;
            }
          }
        }
      }
    },
  };
}
