import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashChainProjection } from '../../projections/hashChain';
import {
  compareStreamIds,
  sortByStreamId,
  streamHeadEntry,
  streamHeadsAt,
  streamHeadsRoot,
  streamHeadsRootYielding,
  type StreamHead,
} from '../../src/audit/streamHeads';
import { canonicalJson } from '../../src/eventstore/json';
import { SqliteReadStore } from '../../src/readstore/sqlite/sqliteReadStore';
import { CHECKPOINTS_OWNER, checkpointMigrations } from '../../src/workers/checkpoints';
import { testLogger } from '../support/testLogger';

// A checkpoint commits to every stream's head, and the signer shares its process with the API:
// it reads and hashes the heads a few thousand at a time with turns of the event loop between.
// What it signs must not depend on that: the same entries, order and root as the plain forms.

const streamIds = fc.uniqueArray(
  fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ maxLength: 12 })),
  { maxLength: 60 },
);
const headsOf = (ids: readonly string[]): StreamHead[] =>
  ids.map((streamId, i) => ({
    streamId,
    streamVersion: (i % 7) + 1,
    globalPosition: i * 3 + 1,
    leafIndex: i * 3,
  }));

describe('stream heads, written and hashed fast', () => {
  it('writes the same entry bytes as the canonical JSON of the head', () => {
    fc.assert(
      fc.property(streamIds, (ids) => {
        for (const head of headsOf(ids))
          expect(streamHeadEntry(head)).toBe(
            canonicalJson({ format: 'obligations.stream-head.v1', ...head }),
          );
      }),
    );
  });

  it('sorts in the order of compareStreamIds (UTF-8 bytes), surrogate pairs included', () => {
    fc.assert(
      fc.property(streamIds, (ids) => {
        const heads = headsOf(ids);
        expect(sortByStreamId(heads)).toEqual(
          [...heads].sort((a, b) => compareStreamIds(a.streamId, b.streamId)),
        );
      }),
    );
    // UTF-16 order would put U+FF5E before U+1F600 (a surrogate pair); UTF-8 puts it after.
    expect(sortByStreamId(headsOf(['\u{1F600}', '\uFF5E'])).map((h) => h.streamId)).toEqual([
      '\uFF5E',
      '\u{1F600}',
    ]);
  });

  it('gives the same root hashed in turns as at once, across several turns', async () => {
    const heads = sortByStreamId(headsOf(Array.from({ length: 4_321 }, (_, i) => `s-${i}`)));
    expect((await streamHeadsRootYielding(heads)).equals(streamHeadsRoot(heads))).toBe(true);
    expect((await streamHeadsRootYielding([])).equals(streamHeadsRoot([]))).toBe(true);
  });
});

describe('streamHeadsAt over more heads than one read', () => {
  let directory: string;
  let readStore: SqliteReadStore;

  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), 'obligations-heads-'));
    readStore = SqliteReadStore.open({ path: join(directory, 'read.db'), logger: testLogger() });
    await readStore.migrate(CHECKPOINTS_OWNER, checkpointMigrations);
    await readStore.migrate(hashChainProjection.name, hashChainProjection.migrations);
  });

  afterEach(async () => {
    await readStore.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('reads every head below the tree size, sorted, and none of the streams begun after it', async () => {
    const heads = headsOf(Array.from({ length: 4_500 }, (_, i) => `stream-${(i * 7919) % 4_500}`));
    await readStore.transaction(async (tx) => {
      for (const head of heads)
        await tx.execute(
          'INSERT INTO audit_stream_heads (stream_id, stream_version, global_position, leaf_index) VALUES (?, ?, ?, ?)',
          [head.streamId, head.streamVersion, head.globalPosition, head.leafIndex],
        );
    });
    const treeSize = heads[heads.length - 1]!.leafIndex + 1;
    expect(await streamHeadsAt(readStore, treeSize)).toEqual(sortByStreamId(heads));
    // The streams whose first leaf is at or past a smaller tree size are not in its table.
    const smaller = 3 * 3_000;
    expect(await streamHeadsAt(readStore, smaller)).toEqual(
      sortByStreamId(heads.filter((head) => head.leafIndex < smaller)),
    );
  });
});
