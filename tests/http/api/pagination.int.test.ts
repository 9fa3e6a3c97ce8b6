import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { pagedRows } from '../../../src/http/api/export';
import {
  decodeCursor,
  encodeCursor,
  keysetAfter,
  pageOf,
  type Keyset,
  type KeysetPosition,
} from '../../../src/http/api/pagination';
import { PostgresReadStore } from '../../../src/readstore/postgres/postgresReadStore';
import type { ReadStore } from '../../../src/readstore/readStore';
import { SqliteReadStore } from '../../../src/readstore/sqlite/sqliteReadStore';
import { createTestDatabase, describeWithPostgres } from '../../support/postgresTarget';
import { testLogger } from '../../support/testLogger';

const CREATE_OBLIGATIONS = `CREATE TABLE page_obligations (
  obligation_id TEXT PRIMARY KEY,
  due_on TEXT NOT NULL
);
CREATE INDEX page_obligations_by_due ON page_obligations (due_on, obligation_id)`;

interface Row {
  obligation_id: string;
  due_on: string;
}

// Many rows share a due date, so pages break inside runs of ties.
const ROWS: Row[] = Array.from({ length: 53 }, (_, index) => ({
  obligation_id: `o-${String((index * 37) % 53).padStart(2, '0')}`,
  due_on: `2025-0${1 + (index % 4)}-01`,
}));

const positionSchema = z.object({ sort: z.string(), id: z.string() });
const positionOf = (row: Row): KeysetPosition => ({ sort: row.due_on, id: row.obligation_id });

async function fetchPage(
  store: ReadStore,
  keyset: Keyset,
  after: KeysetPosition | undefined,
  limit: number,
) {
  const { where, parameters, orderBy } = keysetAfter(keyset, after);
  const rows = await store.query<Row>(
    `SELECT obligation_id, due_on FROM page_obligations WHERE ${where} ORDER BY ${orderBy} LIMIT ?`,
    [...parameters, limit + 1],
  );
  return pageOf(rows, limit, positionOf);
}

function keysetContract(
  name: string,
  open: () => Promise<{ store: ReadStore; dispose: () => Promise<void> }>,
) {
  describe(`keyset pages on ${name}`, () => {
    let store: ReadStore;
    let dispose: () => Promise<void>;

    beforeAll(async () => {
      ({ store, dispose } = await open());
      await store.migrate('pagination-test', [
        {
          version: 1,
          name: 'obligations',
          sqlite: CREATE_OBLIGATIONS,
          postgres: CREATE_OBLIGATIONS,
        },
      ]);
      for (const row of ROWS) {
        await store.execute('INSERT INTO page_obligations (obligation_id, due_on) VALUES (?, ?)', [
          row.obligation_id,
          row.due_on,
        ]);
      }
    });
    afterAll(async () => {
      await store.close();
      await dispose();
    });

    const byDueThenId = (a: Row, b: Row): number =>
      a.due_on === b.due_on
        ? a.obligation_id < b.obligation_id
          ? -1
          : 1
        : a.due_on < b.due_on
          ? -1
          : 1;

    it.each([['asc' as const], ['desc' as const]])(
      'visits every row once, in %s order, through cursors a client sends back',
      async (direction) => {
        const keyset: Keyset = { sortColumn: 'due_on', idColumn: 'obligation_id', direction };
        const seen: Row[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const after = cursor === undefined ? undefined : decodeCursor(cursor, positionSchema);
          const page = await fetchPage(store, keyset, after, 5);
          seen.push(...page.items);
          cursor = page.nextAfter && encodeCursor(page.nextAfter);
          pages += 1;
        } while (cursor !== undefined);
        const expected = [...ROWS].sort(byDueThenId);
        expect(seen).toEqual(direction === 'asc' ? expected : expected.reverse());
        expect(pages).toBe(11);
      },
    );

    it('feeds an export page by page', async () => {
      const keyset: Keyset = { sortColumn: 'due_on', idColumn: 'obligation_id' };
      const exported: string[] = [];
      for await (const row of pagedRows((after: KeysetPosition | undefined) =>
        fetchPage(store, keyset, after, 7),
      )) {
        exported.push(row.obligation_id);
      }
      expect(exported).toEqual([...ROWS].sort(byDueThenId).map((row) => row.obligation_id));
    });
  });
}

keysetContract('SQLite', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'obligations-pages-'));
  return {
    store: SqliteReadStore.open({ path: join(directory, 'read.db'), logger: testLogger() }),
    dispose: async () => rmSync(directory, { recursive: true, force: true }),
  };
});

describeWithPostgres('PostgreSQL', () => {
  keysetContract('PostgreSQL', async () => {
    const database = await createTestDatabase();
    return {
      store: await PostgresReadStore.open({ connectionString: database.url, logger: testLogger() }),
      dispose: () => database.drop(),
    };
  });
});
