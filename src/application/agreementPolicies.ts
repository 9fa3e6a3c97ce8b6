import type { Projection } from '../../projections/projection';
import type { AgreementEvent } from '../domain/agreement/agreementEvent';
import type { AgreementState } from '../domain/agreement/agreementState';
import { streamIdOf } from '../domain/events/streams';
import { minimumRoyaltyTrueUp } from '../domain/policies/minimumRoyaltyTrueUp';
import { WrongExpectedVersionError } from '../eventstore/errors';
import type { EventStore } from '../eventstore/eventStore';
import { AgreementCommands } from './agreementCommands';
import { derivedUuid, domainEventOf, newEventOf } from './storedEvents';

/** A policy that reacts to an event of an agreement's own stream with more events of it. */
interface AgreementPolicy {
  readonly name: string;
  /** The event types it may react to: others are skipped without loading the agreement. */
  readonly reactsTo: ReadonlySet<string>;
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
    decide: minimumRoyaltyTrueUp,
  },
];

const CONFLICT_RETRIES = 5;

/**
 * The policies that follow an agreement's own events (the minimum royalty true-up after a
 * restatement of an assessed year), run as one checkpointed worker over the global log. Each
 * decides on the agreement's current state, with the event that woke it; what it appends has
 * ids derived from the policy, the agreement and the cause, so a batch run twice appends nothing
 * the second time. It keeps no tables of its own: its checkpoint is all it needs.
 */
export function agreementPolicies(store: EventStore): Projection {
  const agreements = new AgreementCommands(store);
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
