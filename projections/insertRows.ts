import type { SqlExecutor, SqlParameter } from '../src/readstore/readStore';

// Rows per INSERT: with a dozen parameters each, far below both engines' parameter limits.
const ROWS_PER_STATEMENT = 100;

/**
 * Inserts rows into `table`, ROWS_PER_STATEMENT to a statement and the rest one by one: two
 * statements in all, each prepared once. A read model's batch writes its new rows this way rather
 * than one statement per event (each statement run has its own cost on both engines).
 */
export async function insertRows(
  tx: SqlExecutor,
  table: string,
  columns: string,
  rows: readonly (readonly SqlParameter[])[],
): Promise<void> {
  if (rows.length === 0) return;
  const row = `(${rows[0]!.map(() => '?').join(', ')})`;
  let start = 0;
  if (rows.length >= ROWS_PER_STATEMENT) {
    const many = `INSERT INTO ${table} (${columns}) VALUES ${Array<string>(ROWS_PER_STATEMENT).fill(row).join(', ')}`;
    for (; start + ROWS_PER_STATEMENT <= rows.length; start += ROWS_PER_STATEMENT)
      await tx.execute(many, rows.slice(start, start + ROWS_PER_STATEMENT).flat());
  }
  for (const rest of rows.slice(start))
    await tx.execute(`INSERT INTO ${table} (${columns}) VALUES ${row}`, rest);
}
