import { readModels, workersFor } from '../../projections/catalogue';
import type { EventStore } from '../../src/eventstore/eventStore';
import type { RebuildProgress } from '../../src/workers/rebuild';
import { progressPrinter } from '../../src/workers/rebuildCommand';

const store = {} as EventStore; // the catalogue only keeps it for later

/**
 * The tables a read model's migrations leave, in both dialects: created, then maybe dropped or
 * renamed by a later one (a table rebuilt as a copy under another name).
 */
function createdTables(migrations: readonly { sqlite: string; postgres: string }[]): string[] {
  const left = (sql: string) => {
    const tables = new Set<string>();
    const statements =
      /CREATE TABLE (?:IF NOT EXISTS )?([a-z_][a-z0-9_]*)|DROP TABLE (?:IF EXISTS )?([a-z_][a-z0-9_]*)|ALTER TABLE ([a-z_][a-z0-9_]*) RENAME TO ([a-z_][a-z0-9_]*)/gi;
    for (const [, created, dropped, renamed, to] of sql.matchAll(statements)) {
      if (created !== undefined) tables.add(created);
      if (dropped !== undefined) tables.delete(dropped);
      if (renamed !== undefined && to !== undefined) {
        tables.delete(renamed);
        tables.add(to);
      }
    }
    return [...tables].sort();
  };
  const sqlite = left(migrations.map((migration) => migration.sqlite).join(';\n'));
  expect(left(migrations.map((migration) => migration.postgres).join(';\n'))).toEqual(sqlite);
  return sqlite;
}

describe('what a rebuild empties', () => {
  it.each(readModels(store).map((projection) => [projection.name, projection]))(
    '%s declares exactly the tables its migrations create',
    (_name, projection) => {
      expect([...(projection.tables ?? [])].sort()).toEqual(
        createdTables(projection.migrations).sort(),
      );
    },
  );

  it('no policy declares tables: a policy is never rebuilt', () => {
    const names = new Set(readModels(store).map((projection) => projection.name));
    const policies = workersFor(store).filter((projection) => !names.has(projection.name));
    expect(policies.map((policy) => policy.name)).toContain('milestone-policy');
    for (const policy of policies)
      expect([policy.name, policy.tables]).toEqual([policy.name, undefined]);
  });
});

describe('the progress the CLI prints', () => {
  const startedAt = '2026-01-01T00:00:00.000Z';
  const start = Date.parse(startedAt);
  const progress = (position: number, done = false): RebuildProgress => ({
    projection: 'obligations',
    position,
    head: 1000,
    applied: position,
    eventsPerSecond: 250,
    etaSeconds: done ? 0 : Math.ceil((1000 - position) / 250),
    startedAt,
    done,
  });

  function printer(isTTY: boolean) {
    const written: string[] = [];
    let now = start;
    const print = progressPrinter({
      stream: { write: (text: string) => written.push(text), isTTY },
      now: () => now,
    });
    return {
      written,
      at: (ms: number, report: RebuildProgress) => {
        now = start + ms;
        print(report);
      },
    };
  }

  it('on a terminal, redraws one line with a bar, at most ten times a second', () => {
    const { written, at } = printer(true);
    at(0, progress(0));
    at(50, progress(100)); // too soon: skipped
    at(150, progress(500));
    at(4000, progress(1000, true));
    expect(written).toEqual([
      '\r\u001b[Krebuilding obligations [........................] 0% position 0/1000 250 events/s ETA 4 s',
      '\r\u001b[Krebuilding obligations [############............] 50% position 500/1000 250 events/s ETA 2 s',
      '\r\u001b[Krebuilt obligations: 1000 events up to position 1000 in 4.0 s (250 events/s)\n',
    ]);
  });

  it('elsewhere, prints a plain line every few seconds and the last one', () => {
    const { written, at } = printer(false);
    at(0, progress(0));
    at(3000, progress(400)); // within 5 s of the last line: skipped
    at(5000, progress(600));
    at(5100, progress(1000, true));
    expect(written).toEqual([
      'rebuilding obligations 0% position 0/1000 250 events/s ETA 4 s\n',
      'rebuilding obligations 60% position 600/1000 250 events/s ETA 2 s\n',
      'rebuilt obligations: 1000 events up to position 1000 in 5.1 s (250 events/s)\n',
    ]);
  });
});
