import type { Projection } from '../../projections/projection';
import type { AgreementEvent } from '../domain/agreement/agreementEvent';
import { streamIdOf } from '../domain/events/streams';
import { developmentFactOf } from '../domain/policies/developmentFactOf';
import { milestonesForFact } from '../domain/policies/milestonesForFact';
import { WrongExpectedVersionError } from '../eventstore/errors';
import type { EventStore } from '../eventstore/eventStore';
import type { SqlExecutor } from '../readstore/readStore';
import { AgreementCommands } from './agreementCommands';
import { derivedUuid, domainEventOf, newEventOf } from './storedEvents';

export const MILESTONE_POLICY_ACTOR = 'system:milestone-policy';

const CREATE_LICENSED_PRODUCTS = `
CREATE TABLE milestone_policy_licences (
  product_id TEXT NOT NULL,
  agreement_id TEXT NOT NULL,
  PRIMARY KEY (product_id, agreement_id)
)`;

const CONFLICT_RETRIES = 5;

const othersThan = (history: readonly AgreementEvent[], fact: AgreementEvent) =>
  history.filter((other) => other.eventId !== fact.eventId);

/**
 * The development-fact policy, run as a checkpointed worker over the global log: a fact of a
 * product's stream triggers the matching milestones of every agreement that licenses the
 * product; an agreement signed or amended after facts were recorded gets what those facts
 * trigger under its terms. Which agreements license which product is kept in its own table, in
 * the transaction that moves its checkpoint, so it never misses an agreement whatever the lag of
 * the read models. What it appends has ids derived from the fact and the clause, so a batch run
 * twice (a crash between the append and the checkpoint) appends nothing the second time.
 */
export function milestonePolicy(store: EventStore): Projection {
  const agreements = new AgreementCommands(store);

  async function productHistory(productId: string): Promise<AgreementEvent[]> {
    return (await store.readStream(streamIdOf('product', productId))).map(domainEventOf);
  }

  /** Runs the policy for one fact in one agreement, deciding again if the stream moved meanwhile. */
  async function applyFact(
    agreementId: string,
    fact: AgreementEvent,
    otherFacts: readonly AgreementEvent[],
  ): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      const { state, version } = await agreements.load(agreementId);
      const events = milestonesForFact({
        fact,
        state,
        earlierFacts: otherFacts,
        idFor: (key) => derivedUuid('milestone-policy', agreementId, fact.eventId, key),
      });
      if (events.length === 0) return;
      try {
        await store.append(
          streamIdOf('agreement', agreementId),
          events.map((event) =>
            newEventOf(
              event,
              { actor: MILESTONE_POLICY_ACTOR, causationId: fact.eventId },
              new Date().toISOString(),
            ),
          ),
          { expectedVersion: version },
        );
        return;
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError) || attempt >= CONFLICT_RETRIES)
          throw error;
      }
    }
  }

  async function licensees(tx: SqlExecutor, productId: string): Promise<string[]> {
    const rows = await tx.query<{ agreement_id: string }>(
      'SELECT agreement_id FROM milestone_policy_licences WHERE product_id = ? ORDER BY agreement_id',
      [productId],
    );
    return rows.map((row) => row.agreement_id);
  }

  async function onTerms(tx: SqlExecutor, agreementId: string, productIds: readonly string[]) {
    for (const productId of productIds) {
      await tx.execute(
        'INSERT INTO milestone_policy_licences (product_id, agreement_id) VALUES (?, ?) ON CONFLICT DO NOTHING',
        [productId, agreementId],
      );
      // Facts recorded before these terms: each judged with all the product's other facts, so
      // the policy places them by the dates they happened, not by the order they were recorded.
      const history = await productHistory(productId);
      for (const fact of history) {
        if (developmentFactOf(fact) !== undefined)
          await applyFact(agreementId, fact, othersThan(history, fact));
      }
    }
  }

  async function onFact(tx: SqlExecutor, fact: AgreementEvent) {
    const development = developmentFactOf(fact);
    if (development === undefined) return;
    const ids = await licensees(tx, development.productId);
    if (ids.length === 0) return;
    const others = othersThan(await productHistory(development.productId), fact);
    for (const agreementId of ids) await applyFact(agreementId, fact, others);
  }

  return {
    name: 'milestone-policy',
    migrations: [
      {
        version: 1,
        name: 'licensed products',
        sqlite: CREATE_LICENSED_PRODUCTS,
        postgres: CREATE_LICENSED_PRODUCTS,
      },
    ],
    async apply(tx, events) {
      for (const recorded of events) {
        if (recorded.type === 'AgreementSigned' || recorded.type === 'AgreementAmended') {
          const event = domainEventOf(recorded);
          if (event.type !== 'AgreementSigned' && event.type !== 'AgreementAmended') continue;
          const terms = event.data.terms as {
            readonly agreementId: string;
            readonly products: readonly { readonly productId: string }[];
          };
          await onTerms(
            tx,
            terms.agreementId,
            terms.products.map((product) => product.productId),
          );
        } else if (recorded.streamId.startsWith('product-')) {
          await onFact(tx, domainEventOf(recorded));
        }
      }
    },
  };
}
