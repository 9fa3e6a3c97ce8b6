import { createHash, randomUUID } from 'node:crypto';
import { LeaseLostError } from '../../src/readstore/leaseLostError';
import type { Lease, ReadModelMigration, ReadStore } from '../../src/readstore/readStore';

export interface ReadStoreHarnessOpenOptions {
  readonly clock?: () => Date;
}

/** What each adapter's test file provides so that the one contract runs unchanged against it. */
export interface ReadStoreHarness {
  /** Opens a read store on the shared database, as another process would (its own connections). */
  open(options?: ReadStoreHarnessOpenOptions): Promise<ReadStore>;
  /**
   * Makes the process that holds the lease `name` as good as dead to the others: what a crash
   * leaves behind once the others may take over (a closed session, an expired lease row).
   */
  killLeaseHolder(name: string): Promise<void>;
  /**
   * Runs `migrate` in `count` processes at the same moment. Without it, the contract migrates
   * `count` instances of this process together, which is enough where waiting for another
   * instance's lock does not block the event loop.
   */
  readonly migrateTogether?: (
    owner: string,
    migrations: readonly ReadModelMigration[],
    count: number,
  ) => Promise<void>;
  dispose(): Promise<void>;
}

const NOTES_OWNER = 'contract-notes';
// A table with a `?` in a column name: a quoted identifier the placeholders must leave alone.
const CREATE_NOTES = `CREATE TABLE contract_notes (
  id TEXT PRIMARY KEY,
  body TEXT,
  amount_minor BIGINT,
  "due?" TEXT
)`;

const A_FEW_SECONDS_MS = 5_000;

interface Note {
  id: string;
  body: string | null;
  amount_minor: number | null;
}

function noteId(): string {
  return `note-${randomUUID()}`;
}

function leaseName(): string {
  return `contract:${randomUUID()}`;
}

/** Same SQL in both dialects: these statements are portable. */
function portable(version: number, name: string, sql: string): ReadModelMigration {
  return { version, name, sqlite: sql, postgres: sql };
}

function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/**
 * What a promise rejects with. Not `rejects.toThrow()`: better-sqlite3's native addon is loaded
 * once per Jest worker process and keeps the SqliteError class of the first test file that loaded
 * it, so in later files its errors are not `instanceof Error` and toThrow says nothing was thrown.
 */
async function rejectionOf(promise: Promise<unknown>): Promise<{ message: string }> {
  try {
    await promise;
  } catch (error) {
    return { message: String((error as { message?: unknown } | null)?.message ?? error) };
  }
  throw new Error('expected a rejection, but the promise resolved');
}

async function within<T>(
  timeoutMs: number,
  what: string,
  attempt: () => Promise<T | null>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await attempt();
    if (result !== null) return result;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function aborted(signal: AbortSignal, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms: ${what}`)),
      timeoutMs,
    );
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

export function readStoreContract(
  name: string,
  createHarness: () => Promise<ReadStoreHarness>,
): void {
  describe(`${name}: read store contract`, () => {
    let harness: ReadStoreHarness;
    let store: ReadStore;
    let other: ReadStore;

    beforeAll(async () => {
      harness = await createHarness();
      store = await harness.open();
      other = await harness.open();
      await store.migrate(NOTES_OWNER, [portable(1, 'notes', CREATE_NOTES)]);
    });

    afterAll(async () => {
      await store?.close();
      await other?.close();
      await harness?.dispose();
    });

    async function migrateInstancesTogether(
      owner: string,
      migrations: readonly ReadModelMigration[],
      count: number,
    ): Promise<void> {
      const instances = await Promise.all(Array.from({ length: count }, () => harness.open()));
      try {
        await Promise.all(instances.map((instance) => instance.migrate(owner, migrations)));
      } finally {
        await Promise.all(instances.map((instance) => instance.close()));
      }
    }

    async function note(id: string, from: ReadStore = store): Promise<Note | undefined> {
      const rows = await from.query<Note>(
        'SELECT id, body, amount_minor FROM contract_notes WHERE id = ?',
        [id],
      );
      return rows[0];
    }

    async function countOf(table: string, from: ReadStore = store): Promise<number> {
      const [row] = await from.query<{ count: number | string }>(
        `SELECT COUNT(*) AS count FROM ${table}`,
      );
      return Number(row?.count);
    }

    describe('portable SQL', () => {
      it('runs statements with ? placeholders and leaves a ? inside a quoted literal alone', async () => {
        const id = noteId();
        const changed = await store.execute(
          `INSERT INTO contract_notes (id, body, amount_minor, "due?") VALUES (?, 'is it due?', ?, ?)`,
          [id, 150_000_000, 'on IND?'],
        );
        expect(changed).toBe(1);

        const rows = await store.query<Record<string, unknown>>(
          `SELECT id, body, amount_minor, "due?" AS due, 'why?' AS literal
             FROM contract_notes WHERE id = ? AND body <> '?' AND amount_minor = ?`,
          [id, 150_000_000],
        );
        expect(rows).toEqual([
          { id, body: 'is it due?', amount_minor: 150_000_000, due: 'on IND?', literal: 'why?' },
        ]);
      });

      it('runs the same placeholders inside a transaction', async () => {
        const id = noteId();
        const seen = await store.transaction(async (tx) => {
          await tx.execute(
            `INSERT INTO contract_notes (id, body, amount_minor) VALUES (?, 'what''s due?', ?)`,
            [id, 42],
          );
          return tx.query<Record<string, unknown>>(
            `SELECT body, amount_minor, 'who?' AS literal FROM contract_notes
              WHERE id = ? AND body = 'what''s due?'`,
            [id],
          );
        });
        expect(seen).toEqual([{ body: "what's due?", amount_minor: 42, literal: 'who?' }]);
        expect(await note(id)).toEqual({ id, body: "what's due?", amount_minor: 42 });
      });

      it('stores null parameters as NULL', async () => {
        const id = noteId();
        await store.execute(
          'INSERT INTO contract_notes (id, body, amount_minor) VALUES (?, ?, ?)',
          [id, null, null],
        );
        expect(await note(id)).toEqual({ id, body: null, amount_minor: null });
        expect(
          await store.query('SELECT id FROM contract_notes WHERE id = ? AND body IS NULL', [id]),
        ).toEqual([{ id }]);
      });

      it('answers the number of rows a statement changed', async () => {
        const [first, second] = [noteId(), noteId()];
        await store.execute(
          'INSERT INTO contract_notes (id, body, amount_minor) VALUES (?, ?, 1), (?, ?, 1)',
          [first, 'batch', second, 'batch'],
        );
        expect(
          await store.execute('UPDATE contract_notes SET amount_minor = ? WHERE id IN (?, ?)', [
            2,
            first,
            second,
          ]),
        ).toBe(2);
        expect(
          await store.execute('DELETE FROM contract_notes WHERE id = ?', [`missing-${first}`]),
        ).toBe(0);
        const counted = await store.transaction((tx) =>
          tx.execute('DELETE FROM contract_notes WHERE id IN (?, ?)', [first, second]),
        );
        expect(counted).toBe(2);
      });
    });

    describe('transactions', () => {
      it('commits every statement of a transaction and returns its result', async () => {
        const [first, second] = [noteId(), noteId()];
        const result = await store.transaction(async (tx) => {
          await tx.execute('INSERT INTO contract_notes (id, body) VALUES (?, ?)', [first, 'one']);
          await tx.execute('INSERT INTO contract_notes (id, body) VALUES (?, ?)', [second, 'two']);
          return { written: 2 };
        });
        expect(result).toEqual({ written: 2 });
        expect((await note(first, other))?.body).toBe('one');
        expect((await note(second, other))?.body).toBe('two');
      });

      it('rolls back every statement of a transaction whose work throws, and rethrows', async () => {
        const [first, second] = [noteId(), noteId()];
        const failure = new Error('the royalty report does not add up');
        await expect(
          store.transaction(async (tx) => {
            await tx.execute('INSERT INTO contract_notes (id, body) VALUES (?, ?)', [first, 'one']);
            await tx.execute('UPDATE contract_notes SET body = ? WHERE id = ?', ['changed', first]);
            await tx.execute('INSERT INTO contract_notes (id, body) VALUES (?, ?)', [
              second,
              'two',
            ]);
            throw failure;
          }),
        ).rejects.toBe(failure);
        expect(await note(first)).toBeUndefined();
        expect(await note(second)).toBeUndefined();
        expect(await note(first, other)).toBeUndefined();
      });

      it('rolls back the earlier statements when a later statement fails, and stays usable', async () => {
        const [existing, fresh] = [noteId(), noteId()];
        await store.execute('INSERT INTO contract_notes (id, body) VALUES (?, ?)', [
          existing,
          'original',
        ]);
        const refused = await rejectionOf(
          store.transaction(async (tx) => {
            await tx.execute('INSERT INTO contract_notes (id, body) VALUES (?, ?)', [
              fresh,
              'fresh',
            ]);
            await tx.execute('UPDATE contract_notes SET body = ? WHERE id = ?', [
              'overwritten',
              existing,
            ]);
            // The primary key refuses this one.
            await tx.execute('INSERT INTO contract_notes (id, body) VALUES (?, ?)', [
              existing,
              'again',
            ]);
          }),
        );
        expect(refused.message).toMatch(/unique/i);
        expect(await note(fresh)).toBeUndefined();
        expect((await note(existing))?.body).toBe('original');

        const after = noteId();
        await store.transaction((tx) =>
          tx.execute('INSERT INTO contract_notes (id, body) VALUES (?, ?)', [after, 'later']),
        );
        expect((await note(after))?.body).toBe('later');
      });

      it('never shows a transaction’s uncommitted rows to queries outside it', async () => {
        const id = noteId();
        const seenInside = await store.transaction(async (tx) => {
          await tx.execute('INSERT INTO contract_notes (id, body) VALUES (?, ?)', [id, 'pending']);
          expect(await note(id, store)).toBeUndefined();
          expect(await note(id, other)).toBeUndefined();
          return tx.query<{ body: string }>('SELECT body FROM contract_notes WHERE id = ?', [id]);
        });
        expect(seenInside).toEqual([{ body: 'pending' }]);
        expect((await note(id, store))?.body).toBe('pending');
        expect((await note(id, other))?.body).toBe('pending');
      });

      it('commits transactions started together without mixing them up', async () => {
        const ids = Array.from({ length: 6 }, () => noteId());
        const failure = new Error('refused');
        const results = await Promise.allSettled(
          ids.map((id, index) =>
            store.transaction(async (tx) => {
              await tx.execute('INSERT INTO contract_notes (id, body) VALUES (?, ?)', [id, 'x']);
              const [row] = await tx.query<{ body: string }>(
                'SELECT body FROM contract_notes WHERE id = ?',
                [id],
              );
              await tx.execute('UPDATE contract_notes SET body = ? WHERE id = ?', [
                `${row?.body}${index}`,
                id,
              ]);
              if (index % 2 === 1) throw failure;
              return index;
            }),
          ),
        );
        expect(results.map((result) => result.status)).toEqual([
          'fulfilled',
          'rejected',
          'fulfilled',
          'rejected',
          'fulfilled',
          'rejected',
        ]);
        const bodies = await Promise.all(ids.map(async (id) => (await note(id))?.body));
        expect(bodies).toEqual(['x0', undefined, 'x2', undefined, 'x4', undefined]);
      });
    });

    describe('migrations', () => {
      it('applies each migration once and records it with its checksum and time', async () => {
        const owner = `owner-${randomUUID()}`;
        const table = `ledger_${randomUUID().replaceAll('-', '')}`;
        const create = `CREATE TABLE ${table} (n INTEGER NOT NULL); INSERT INTO ${table} (n) VALUES (1)`;
        const addRow = `INSERT INTO ${table} (n) VALUES (2)`;
        const clocked = await harness.open({ clock: () => new Date('2031-05-06T07:08:09.010Z') });
        try {
          await clocked.migrate(owner, [portable(1, 'ledger', create)]);
          await clocked.migrate(owner, [portable(1, 'ledger', create)]);
          await clocked.migrate(owner, [portable(1, 'ledger', create), portable(2, 'row', addRow)]);
          await store.migrate(owner, [portable(1, 'ledger', create), portable(2, 'row', addRow)]);
        } finally {
          await clocked.close();
        }

        expect(await store.query(`SELECT n FROM ${table} ORDER BY n`)).toEqual([
          { n: 1 },
          { n: 2 },
        ]);
        expect(
          await store.query(
            'SELECT version, name, checksum, applied_at FROM read_model_migrations WHERE owner = ? ORDER BY version',
            [owner],
          ),
        ).toEqual([
          {
            version: 1,
            name: 'ledger',
            checksum: checksum(create),
            applied_at: '2031-05-06T07:08:09.010Z',
          },
          {
            version: 2,
            name: 'row',
            checksum: checksum(addRow),
            applied_at: '2031-05-06T07:08:09.010Z',
          },
        ]);
      });

      it('applies a migration once when several processes migrate together', async () => {
        const owner = `owner-${randomUUID()}`;
        const table = `ledger_${randomUUID().replaceAll('-', '')}`;
        const migrations = [
          portable(
            1,
            'ledger',
            `CREATE TABLE ${table} (n INTEGER NOT NULL); INSERT INTO ${table} (n) VALUES (1)`,
          ),
          portable(2, 'second row', `INSERT INTO ${table} (n) VALUES (2)`),
        ];
        await (harness.migrateTogether ?? migrateInstancesTogether)(owner, migrations, 3);
        expect(await store.query(`SELECT n FROM ${table} ORDER BY n`)).toEqual([
          { n: 1 },
          { n: 2 },
        ]);
        expect(
          await store.query(
            'SELECT version FROM read_model_migrations WHERE owner = ? ORDER BY version',
            [owner],
          ),
        ).toEqual([{ version: 1 }, { version: 2 }]);
      });

      it('refuses a migration whose SQL changed under the same version, naming it', async () => {
        const owner = `owner-${randomUUID()}`;
        const table = `ledger_${randomUUID().replaceAll('-', '')}`;
        await store.migrate(owner, [portable(1, 'ledger', `CREATE TABLE ${table} (n INTEGER)`)]);
        const changed = [
          portable(
            1,
            'ledger',
            `CREATE TABLE ${table}_v2 (n INTEGER); INSERT INTO ${table} (n) VALUES (1)`,
          ),
          portable(2, 'row', `INSERT INTO ${table} (n) VALUES (2)`),
        ];

        await expect(other.migrate(owner, changed)).rejects.toMatchObject({
          code: 'schema-mismatch',
          message: expect.stringMatching(/migration 1 \(ledger\).*differs/),
        });
        expect(await countOf(table)).toBe(0);
        expect(
          await store.query('SELECT version FROM read_model_migrations WHERE owner = ?', [owner]),
        ).toEqual([{ version: 1 }]);
      });

      it('keeps the migration versions of each owner apart', async () => {
        const [first, second] = [`owner-${randomUUID()}`, `owner-${randomUUID()}`];
        const [firstTable, secondTable] = [first, second].map(
          (owner) => `t_${owner.replaceAll('-', '_')}`,
        );
        await store.migrate(first, [
          portable(1, 'first', `CREATE TABLE ${firstTable} (n INTEGER)`),
        ]);
        await store.migrate(second, [
          portable(1, 'second', `CREATE TABLE ${secondTable} (n INTEGER)`),
        ]);
        expect(await countOf(firstTable!)).toBe(0);
        expect(await countOf(secondTable!)).toBe(0);
        expect(
          await store.query(
            'SELECT owner, version, name FROM read_model_migrations WHERE owner IN (?, ?) ORDER BY name',
            [first, second],
          ),
        ).toEqual([
          { owner: first, version: 1, name: 'first' },
          { owner: second, version: 1, name: 'second' },
        ]);
      });
    });

    describe('leases', () => {
      const held: Lease[] = [];

      async function acquire(from: ReadStore, name: string): Promise<Lease | null> {
        const lease = await from.tryAcquireLease(name);
        if (lease !== null) held.push(lease);
        return lease;
      }

      afterEach(async () => {
        // One at a time: SQLite stores of one process must not wait on each other's write lock.
        for (const lease of held.splice(0)) await lease.release();
      });

      it('grants a lease to one instance at a time, and other names independently', async () => {
        const name = leaseName();
        const lease = await acquire(store, name);
        expect(lease).not.toBeNull();
        expect(lease?.lost.aborted).toBe(false);
        expect(await acquire(other, name)).toBeNull();
        expect(await acquire(other, name)).toBeNull();
        expect(await acquire(other, leaseName())).not.toBeNull();
      });

      it('lets another instance take a released lease, and fences the released one', async () => {
        const name = leaseName();
        const lease = await acquire(store, name);
        await lease!.release();
        expect(lease!.lost.aborted).toBe(true);

        const taken = await acquire(other, name);
        expect(taken).not.toBeNull();
        const id = noteId();
        await expect(
          lease!.transaction((tx) =>
            tx.execute('INSERT INTO contract_notes (id, body) VALUES (?, ?)', [id, 'stale']),
          ),
        ).rejects.toBeInstanceOf(LeaseLostError);
        expect(await note(id)).toBeUndefined();
        expect(await acquire(store, name)).toBeNull();
      });

      it('runs a lease transaction, commits it and returns its result', async () => {
        const lease = await acquire(store, leaseName());
        const id = noteId();
        const result = await lease!.transaction(async (tx) => {
          await tx.execute('INSERT INTO contract_notes (id, body) VALUES (?, ?)', [id, 'led']);
          const [row] = await tx.query<{ body: string }>(
            'SELECT body FROM contract_notes WHERE id = ?',
            [id],
          );
          return row?.body;
        });
        expect(result).toBe('led');
        expect((await note(id, other))?.body).toBe('led');
      });

      it('rolls back a lease transaction that throws and keeps the lease usable', async () => {
        const lease = await acquire(store, leaseName());
        const [rolledBack, committed] = [noteId(), noteId()];
        const failure = new Error('not this batch');
        await expect(
          lease!.transaction(async (tx) => {
            await tx.execute('INSERT INTO contract_notes (id, body) VALUES (?, ?)', [
              rolledBack,
              'x',
            ]);
            throw failure;
          }),
        ).rejects.toBe(failure);
        await lease!.transaction((tx) =>
          tx.execute('INSERT INTO contract_notes (id, body) VALUES (?, ?)', [committed, 'y']),
        );
        expect(await note(rolledBack)).toBeUndefined();
        expect((await note(committed))?.body).toBe('y');
        expect(lease!.lost.aborted).toBe(false);
      });

      it('fences a dead holder: another instance takes over, lost fires and the old lease writes nothing', async () => {
        const name = leaseName();
        const lease = await acquire(store, name);
        expect(lease).not.toBeNull();
        await lease!.transaction((tx) => tx.query('SELECT 1 AS one'));

        await harness.killLeaseHolder(name);
        const successor = await within(
          A_FEW_SECONDS_MS,
          'another instance takes the lease of a dead holder',
          () => acquire(other, name),
        );
        const [early, late, fresh] = [noteId(), noteId(), noteId()];
        // Refused whether or not the old holder has noticed the loss yet.
        await rejectionOf(
          lease!.transaction((tx) =>
            tx.execute('INSERT INTO contract_notes (id, body) VALUES (?, ?)', [early, 'old']),
          ),
        );
        await aborted(lease!.lost, A_FEW_SECONDS_MS, 'the dead holder’s lease reports it is lost');
        await rejectionOf(
          lease!.transaction((tx) =>
            tx.execute('INSERT INTO contract_notes (id, body) VALUES (?, ?)', [late, 'old']),
          ),
        );
        await successor.transaction((tx) =>
          tx.execute('INSERT INTO contract_notes (id, body) VALUES (?, ?)', [fresh, 'new']),
        );
        expect(await note(early)).toBeUndefined();
        expect(await note(late)).toBeUndefined();
        expect((await note(fresh))?.body).toBe('new');
        expect(successor.lost.aborted).toBe(false);
      });

      it('releases its leases on close so that another instance takes over at once', async () => {
        const closing = await harness.open();
        const [first, second] = [leaseName(), leaseName()];
        const leases = [
          await closing.tryAcquireLease(first),
          await closing.tryAcquireLease(second),
        ];
        expect(await acquire(other, first)).toBeNull();
        await closing.close();
        expect(leases.map((lease) => lease?.lost.aborted)).toEqual([true, true]);
        expect(await acquire(other, first)).not.toBeNull();
        expect(await acquire(other, second)).not.toBeNull();
      });
    });

    describe('opening', () => {
      it('opens two instances together on a new database', async () => {
        const fresh = await createHarness();
        try {
          const opened = await Promise.allSettled([fresh.open(), fresh.open()]);
          for (const result of opened)
            if (result.status === 'fulfilled') await result.value.close();
          expect(
            opened.map((result) =>
              result.status === 'fulfilled' ? 'opened' : String(result.reason),
            ),
          ).toEqual(['opened', 'opened']);
        } finally {
          await fresh.dispose();
        }
      });

      it('answers a ping while open and refuses once closed', async () => {
        const pinged = await harness.open();
        await expect(pinged.ping()).resolves.toBeUndefined();
        await pinged.close();
        await rejectionOf(pinged.ping());
      });
    });
  });
}
