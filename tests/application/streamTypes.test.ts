import { StreamTypes } from '../../src/application/agreementPolicies';
import { openSqliteStores, type Stores } from '../support/serviceHarness';

const AGREEMENT = '0b7f2c1e-2004-4a4e-9b1d-5f0c0a1d2004';
const STREAM = `agreement-${AGREEMENT}`;

/** Events of the agreement's stream: only their types matter here. */
const event = (n: number, type: string) => ({
  eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  type,
  schemaVersion: 1,
  data: { n },
  metadata: { occurredAt: '2015-01-01', actor: 'test' },
});

describe('StreamTypes (what the agreement policies skip without folding)', () => {
  let stores: Stores;

  beforeEach(async () => {
    stores = await openSqliteStores();
  });

  afterEach(async () => {
    await stores.close();
  });

  it('answers from the stream as it stands, reading only what is new since it last looked', async () => {
    const { store } = stores;
    const types = new StreamTypes(store);
    expect(await types.has(AGREEMENT, 'MinimumRoyaltyShortfallAssessed')).toBe(false);

    await store.append(STREAM, [event(1, 'AgreementSigned'), event(2, 'RoyaltyAccrued')], {
      expectedVersion: 'no-stream',
    });
    expect(await types.has(AGREEMENT, 'MinimumRoyaltyShortfallAssessed')).toBe(false);
    expect(await types.has(AGREEMENT, 'RoyaltyAccrued')).toBe(true);

    const readStream = jest.spyOn(store, 'readStream');
    await store.append(STREAM, [event(3, 'MinimumRoyaltyShortfallAssessed')], {
      expectedVersion: 2,
    });
    expect(await types.has(AGREEMENT, 'MinimumRoyaltyShortfallAssessed')).toBe(true);
    // The last version, then the one new event: never the stream from its start again.
    expect(readStream.mock.calls.map(([, options]) => options)).toEqual([
      { direction: 'backwards', maxCount: 1 },
      { fromVersion: 3 },
    ]);
  });

  it('reads a stream again from its start once its summary was evicted, with the same answer', async () => {
    const { store } = stores;
    const types = new StreamTypes(store, 1);
    await store.append(STREAM, [event(1, 'MinimumRoyaltyShortfallAssessed')], {
      expectedVersion: 'no-stream',
    });
    await store.append(`agreement-${'1'.repeat(8)}-2004-4a4e-9b1d-5f0c0a1d2004`, [event(2, 'X')], {
      expectedVersion: 'no-stream',
    });
    expect(await types.has(AGREEMENT, 'MinimumRoyaltyShortfallAssessed')).toBe(true);
    expect(await types.has(`${'1'.repeat(8)}-2004-4a4e-9b1d-5f0c0a1d2004`, 'X')).toBe(true);
    expect(await types.has(AGREEMENT, 'MinimumRoyaltyShortfallAssessed')).toBe(true);
  });
});
