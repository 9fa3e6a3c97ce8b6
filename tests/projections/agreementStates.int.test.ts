import fc from 'fast-check';
import { AgreementStates, agreementIdOfStream } from '../../projections/agreementStates';
import type { AgreementState } from '../../src/domain/agreement/agreementState';
import type { RecordedEvent } from '../../src/eventstore/eventStore';
import { historyArbitrary, writeAndReadGeneratedLog } from '../support/generatedHistories';
import { openSqliteStores } from '../support/serviceHarness';

jest.setTimeout(300_000);

/** Every agreement event's state before and after it, as `states` steps through the log. */
async function stepThrough(
  states: AgreementStates,
  events: readonly RecordedEvent[],
): Promise<{ before: AgreementState; after: AgreementState }[]> {
  const steps = [];
  for (const event of events) {
    const agreementId = agreementIdOfStream(event.streamId);
    if (agreementId !== undefined) steps.push(await states.step(agreementId, event));
  }
  return steps;
}

describe('agreement states kept for the projections', () => {
  it('for generated histories, a state taken back from its bytes or folded again equals the one kept live', async () => {
    /** Agreement events stepped through over all histories (one without a signature has none). */
    let stepped = 0;
    await fc.assert(
      fc.asyncProperty(historyArbitrary, async (steps) => {
        const stores = await openSqliteStores();
        try {
          const events = await writeAndReadGeneratedLog(stores.store, stores.readStore, steps);
          const live = await stepThrough(new AgreementStates(stores.store), events);
          // No live state at all: every step takes its state back from the bytes put aside...
          const thawed = await stepThrough(new AgreementStates(stores.store, 0), events);
          // ...or, with no room for bytes either, folds the stream again.
          const folded = await stepThrough(new AgreementStates(stores.store, 0, 0), events);
          stepped += live.length;
          expect(thawed).toEqual(live);
          expect(folded).toEqual(live);
        } finally {
          await stores.close();
        }
      }),
      { numRuns: 15 },
    );
    expect(stepped).toBeGreaterThan(100);
  });
});
