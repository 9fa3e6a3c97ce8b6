import Database from 'better-sqlite3';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransactionGroup } from '../../../src/readstore/sqlite/transactionGroup';

let directory: string;
let db: Database.Database;
let other: Database.Database;
let commits: number;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'obligations-tx-group-'));
  const path = join(directory, 'read.db');
  db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, owner TEXT NOT NULL)');
  other = new Database(path, { readonly: true });
  // Counts the COMMITs the group issues (a statement it prepares once); every statement still
  // runs on the real database.
  commits = 0;
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    const statement = prepare(sql);
    if (sql !== 'COMMIT') return statement;
    const run = statement.run.bind(statement);
    statement.run = (...parameters: unknown[]) => {
      commits += 1;
      return run(...parameters);
    };
    return statement;
  }) as typeof db.prepare;
});

afterEach(() => {
  other.close();
  db.close();
  rmSync(directory, { recursive: true, force: true });
});

const insert = (id: number, owner: string) =>
  db.prepare('INSERT INTO rows (id, owner) VALUES (?, ?)').run(id, owner);
const ownersSeenElsewhere = () =>
  other
    .prepare<[], { owner: string }>('SELECT owner FROM rows ORDER BY id')
    .all()
    .map((row) => row.owner);

describe('TransactionGroup', () => {
  it('lets the event loop turn between groups while writers keep asking (a catch-up must not starve requests)', async () => {
    // Workers catching up ask for their next transaction as soon as the last is answered; the
    // groups are capped at 1 transaction here so that there are many of them.
    const group = new TransactionGroup(db, 1);
    let turned = false;
    let doneWhenTurned = -1;
    let done = 0;
    // Asked for once the groups are running, as a request arriving meanwhile would be.
    const probe = () =>
      setImmediate(() => {
        turned = true;
        doneWhenTurned = done;
      });
    const writer = async (owner: string, first: number): Promise<void> => {
      for (let i = 0; i < 50; i++) {
        await group.run(async () => {
          if (first === 0 && i === 0) probe();
          insert(first + i, owner);
        });
        done += 1;
      }
    };
    await Promise.all([writer('a', 0), writer('b', 1_000)]);
    expect(turned).toBe(true);
    expect(doneWhenTurned).toBeLessThan(10);
    expect(done).toBe(100);
  });

  it('commits the transactions asked for together with one COMMIT, each answered after it', async () => {
    const group = new TransactionGroup(db);
    const answers = await Promise.all(
      [1, 2, 3, 4, 5].map((id) =>
        group.run(async () => {
          insert(id, `t${id}`);
          return id * 10;
        }),
      ),
    );
    expect(answers).toEqual([10, 20, 30, 40, 50]);
    expect(commits).toBe(1);
    expect(ownersSeenElsewhere()).toEqual(['t1', 't2', 't3', 't4', 't5']);
  });

  it('settles a transaction only once its writes are visible to other connections', async () => {
    const group = new TransactionGroup(db);
    const seen = await group.run(async () => insert(1, 'first')).then(() => ownersSeenElsewhere());
    expect(seen).toEqual(['first']);
  });

  it('rolls back a throwing transaction alone; the others of its group commit', async () => {
    const group = new TransactionGroup(db);
    const results = await Promise.allSettled([
      group.run(async () => insert(1, 'kept')),
      group.run(async () => {
        insert(2, 'undone');
        throw new Error('refused');
      }),
      // A constraint error of SQLite itself, after a write of the same transaction.
      group.run(async () => {
        insert(3, 'undone too');
        insert(1, 'duplicate key');
      }),
      group.run(async () => insert(4, 'kept too')),
    ]);
    expect(results.map((result) => result.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
    ]);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('refused'));
    expect(ownersSeenElsewhere()).toEqual(['kept', 'kept too']);
    expect(commits).toBe(1);
  });

  it('shows a transaction the writes of those before it in the group', async () => {
    const group = new TransactionGroup(db);
    const [, count] = await Promise.all([
      group.run(async () => insert(1, 'first')),
      group.run(
        async () => db.prepare<[], { n: number }>('SELECT count(*) AS n FROM rows').get()!.n,
      ),
    ]);
    expect(count).toBe(1);
  });

  it('takes transactions asked for while a group runs into the same group, up to its size', async () => {
    const group = new TransactionGroup(db, 3, 60_000);
    const later: Promise<unknown>[] = [];
    await Promise.all([
      group.run(async () => {
        insert(1, 'a');
        // Arrives while the group is running (after an await inside a transaction).
        await new Promise((resolve) => setTimeout(resolve, 5));
        for (const id of [2, 3, 4]) later.push(group.run(async () => insert(id, 'late')));
      }),
    ]);
    await Promise.all(later);
    // 1, 2, 3 share the first COMMIT; 4 is beyond the group's size and gets the next.
    expect(commits).toBe(2);
    expect(ownersSeenElsewhere()).toEqual(['a', 'late', 'late', 'late']);
  });

  it('takes no more transactions into a group once it has run for its time budget', async () => {
    const group = new TransactionGroup(db, 100, 10);
    const slow = (id: number) =>
      group.run(async () => {
        insert(id, 'slow');
        await new Promise((resolve) => setTimeout(resolve, 15));
      });
    await Promise.all([slow(1), slow(2), slow(3)]);
    // Each one outlasts the budget: each has a COMMIT of its own.
    expect(commits).toBe(3);
  });

  it('fails every transaction of the group when its COMMIT fails, and keeps working after', async () => {
    const group = new TransactionGroup(db);
    db.exec('CREATE TABLE parent (id INTEGER PRIMARY KEY)');
    db.exec(
      'CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)',
    );
    db.pragma('foreign_keys = ON');
    // A deferred foreign key is checked at COMMIT: the whole group fails there.
    const results = await Promise.allSettled([
      group.run(async () => insert(1, 'innocent')),
      group.run(async () => db.prepare('INSERT INTO child (id, parent_id) VALUES (1, 99)').run()),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(ownersSeenElsewhere()).toEqual([]);
    expect(db.inTransaction).toBe(false);
    await group.run(async () => insert(2, 'after'));
    expect(ownersSeenElsewhere()).toEqual(['after']);
  });

  it('never answers success for a write that is not there, nor failure for one that is', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            id: fc.integer({ min: 1, max: 30 }),
            fails: fc.boolean(),
            pause: fc.boolean(),
          }),
          { maxLength: 25 },
        ),
        fc.integer({ min: 1, max: 8 }),
        async (transactions, size) => {
          db.exec('DELETE FROM rows');
          const group = new TransactionGroup(db, size, 60_000);
          const results = await Promise.allSettled(
            transactions.map(({ id, fails, pause }, index) =>
              group.run(async () => {
                if (pause) await new Promise((resolve) => setImmediate(resolve));
                insert(id, `t${index}`);
                if (fails) throw new Error('refused');
              }),
            ),
          );
          const committed = results
            .map((result, index) => (result.status === 'fulfilled' ? `t${index}` : null))
            .filter((owner): owner is string => owner !== null)
            .sort();
          expect(ownersSeenElsewhere().sort()).toEqual(committed);
        },
      ),
      { numRuns: 100 },
    );
  });
});
