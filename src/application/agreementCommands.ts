import type { AgreementEvent } from '../domain/agreement/agreementEvent';
import { initialState, type AgreementState } from '../domain/agreement/agreementState';
import type { AgreementCommand, CommandContext } from '../domain/agreement/commands';
import { decide } from '../domain/agreement/decide';
import { evolve } from '../domain/agreement/evolve';
import { streamIdOf } from '../domain/events/streams';
import { WrongExpectedVersionError } from '../eventstore/errors';
import type { EventStore } from '../eventstore/eventStore';
import { derivedUuid, domainEventOf, newEventOf } from './storedEvents';

/** An agreement as its stream stands: the decider's state and the stream's version. */
export interface LoadedAgreement {
  readonly agreementId: string;
  readonly state: AgreementState;
  /** The number of events in the stream: what `If-Match` compares with. */
  readonly version: number;
}

/** Who asks, and the request that carries the command. */
export interface CommandOrigin {
  readonly actor: string;
  /** A request id, a webhook id, a CLI invocation. */
  readonly source?: string;
  readonly correlationId?: string;
  /**
   * What makes this command's event ids: the same seed and command give the same ids, so a
   * retry appends nothing (an Idempotency-Key, a webhook id). A fresh UUID when none is given.
   */
  readonly idSeed: string;
}

export interface CommandOutcome {
  readonly agreementId: string;
  readonly events: readonly AgreementEvent[];
  /** The stream's version after the command: the next `If-Match`. */
  readonly version: number;
  /** The global position reached: what a read waits for to see its own write. */
  readonly position: number;
  /** True when every event was there already (a retry): nothing new was written. */
  readonly alreadyRecorded: boolean;
}

export type CommandBody = AgreementCommand extends infer C
  ? C extends AgreementCommand
    ? Omit<C, keyof CommandContext>
    : never
  : never;

/** How often a command that lost an append race is decided again on the newer state. */
const CONFLICT_RETRIES = 5;

/**
 * The agreement's command handler: loads the stream, folds it, asks the decider, appends what it
 * decided with the version it read as the expected version. With no expected version from the
 * caller, a concurrent append just means deciding again on the newer state; with one (`If-Match`),
 * a stale version is the caller's to resolve and fails with WrongExpectedVersionError.
 */
export class AgreementCommands {
  constructor(
    private readonly store: EventStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async load(agreementId: string): Promise<LoadedAgreement> {
    const recorded = await this.store.readStream(streamIdOf('agreement', agreementId));
    const state = recorded.map(domainEventOf).reduce(evolve, initialState);
    return { agreementId, state, version: recorded.length };
  }

  async execute(
    agreementId: string,
    command: CommandBody,
    origin: CommandOrigin,
    expectedVersion?: number,
  ): Promise<CommandOutcome> {
    const now = this.clock().toISOString();
    const context: CommandContext = {
      now,
      actor: origin.actor,
      idFor: (key) => derivedUuid('agreement', agreementId, origin.idSeed, key),
    };
    for (let attempt = 0; ; attempt += 1) {
      const loaded = await this.load(agreementId);
      if (expectedVersion !== undefined && loaded.version !== expectedVersion) {
        throw new WrongExpectedVersionError(
          streamIdOf('agreement', agreementId),
          expectedVersion,
          loaded.version,
        );
      }
      const events = decide({ ...command, ...context }, loaded.state);
      if (events.length === 0) {
        return {
          agreementId,
          events,
          version: loaded.version,
          position: 0,
          alreadyRecorded: true,
        };
      }
      try {
        const result = await this.store.append(
          streamIdOf('agreement', agreementId),
          events.map((event) =>
            newEventOf(
              event,
              {
                actor: origin.actor,
                ...(origin.source !== undefined && { source: origin.source }),
                ...(origin.correlationId !== undefined && { correlationId: origin.correlationId }),
              },
              now,
            ),
          ),
          { expectedVersion: loaded.version === 0 ? 'no-stream' : loaded.version },
        );
        return {
          agreementId,
          events,
          version: result.streamVersion,
          position: result.globalPosition,
          alreadyRecorded: result.alreadyAppended,
        };
      } catch (error) {
        if (
          !(error instanceof WrongExpectedVersionError) ||
          expectedVersion !== undefined ||
          attempt >= CONFLICT_RETRIES
        )
          throw error;
      }
    }
  }
}
