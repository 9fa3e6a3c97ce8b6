import type Database from 'better-sqlite3';
import type { SqlParameter } from '../readStore';

/** Enough for every statement the projections and queries write; dynamic filters fill the rest. */
const DEFAULT_CAPACITY = 512;

/**
 * Prepared statements of one connection by their SQL, least recently used dropped first.
 * Preparing costs more than running a small statement, and the read models run the same few
 * statements for every event and every request.
 */
export class StatementCache {
  private readonly statements = new Map<string, Database.Statement<SqlParameter[]>>();

  constructor(
    private readonly db: Database.Database,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {}

  get(sql: string): Database.Statement<SqlParameter[]> {
    let statement = this.statements.get(sql);
    if (statement !== undefined) {
      // Map keeps insertion order: re-inserting marks it most recently used.
      this.statements.delete(sql);
    } else {
      statement = this.db.prepare<SqlParameter[]>(sql);
      if (this.statements.size >= this.capacity)
        this.statements.delete(this.statements.keys().next().value!);
    }
    this.statements.set(sql, statement);
    return statement;
  }

  /** Forgets every statement: a schema change may have made them stale. */
  clear(): void {
    this.statements.clear();
  }
}
