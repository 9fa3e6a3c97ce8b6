import type { AgreementEvent } from '../domain/agreement/agreementEvent';
import { emit } from '../domain/agreement/agreementEvent';
import { eventDefinition, type EventDataInput, type EventType } from '../domain/events/catalogue';
import { DomainError } from '../domain/domainError';
import { streamIdOf } from '../domain/events/streams';
import { royaltyCountryFactsOf } from '../domain/products/royaltyCountryFacts';
import type { RoyaltyCountryFacts } from '../domain/royalties/royaltyReport';
import type { EventStore } from '../eventstore/eventStore';
import type { CommandOrigin } from './agreementCommands';
import { derivedUuid, domainEventOf, newEventOf } from './storedEvents';

export interface RecordedFact {
  readonly productId: string;
  readonly event: AgreementEvent;
  readonly version: number;
  readonly position: number;
  readonly alreadyRecorded: boolean;
}

/** Whether events of this type belong to a product stream (development, market, patent facts). */
export function isProductFactType(type: string): type is EventType {
  try {
    return eventDefinition(type).streams.includes('product') && type !== 'EntryReversed';
  } catch {
    return false;
  }
}

/**
 * Development, regulatory, market and patent facts happen to a product, whatever agreements
 * cover it: they are appended to its stream, and the milestone policy reacts for every agreement
 * that licenses it. A fact is never refused for arriving late or twice: its id (from the origin's
 * seed) makes a redelivery a no-op, and the policy decides by its dates.
 */
export class ProductFacts {
  constructor(
    private readonly store: EventStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async record(type: string, data: unknown, origin: CommandOrigin): Promise<RecordedFact> {
    if (!isProductFactType(type)) {
      throw new DomainError(
        'not-a-product-fact',
        `${type} is not a development, regulatory, market or patent fact of a product`,
        '/type',
      );
    }
    const event = emit(
      derivedUuid('fact', origin.idSeed),
      type,
      data as EventDataInput<typeof type>,
    );
    const productId = (event.data as { readonly productId: string }).productId;
    const result = await this.store.append(
      streamIdOf('product', productId),
      [
        newEventOf(
          event,
          {
            actor: origin.actor,
            ...(origin.source !== undefined && { source: origin.source }),
            ...(origin.correlationId !== undefined && { correlationId: origin.correlationId }),
          },
          this.clock().toISOString(),
        ),
      ],
      { expectedVersion: 'any' },
    );
    return {
      productId,
      event,
      version: result.events[0]?.streamVersion ?? result.streamVersion,
      position: result.globalPosition,
      alreadyRecorded: result.alreadyAppended,
    };
  }

  /** The product's facts in the order recorded. */
  async history(productId: string): Promise<AgreementEvent[]> {
    const recorded = await this.store.readStream(streamIdOf('product', productId));
    return recorded.map(domainEventOf);
  }

  /** What royalty statements need of each product, country by country. */
  async royaltyFacts(productIds: Iterable<string>): Promise<RoyaltyCountryFacts[]> {
    const facts: RoyaltyCountryFacts[] = [];
    for (const productId of new Set(productIds))
      facts.push(...royaltyCountryFactsOf(await this.history(productId)));
    return facts;
  }
}
