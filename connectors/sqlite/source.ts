import type { SqlSource } from '../shared/sql/sql-input';
import { openReadOnly, quoteIdent, readSqlite } from './reader';

/** Runs `work` on a read-only connection of its own, closed afterwards. */
function withDatabase<T>(file: string, work: (db: ReturnType<typeof openReadOnly>) => T): T {
  const db = openReadOnly(file);
  try {
    return work(db);
  } finally {
    db.close();
  }
}

/**
 * A SQLite file as a `SqlSource`. It is read in one lane: SQLite runs inside this process, so
 * more lanes would take turns on the same thread rather than read faster.
 */
export function sqliteSource(file: string, fetchSize: number): SqlSource {
  return {
    name: 'SQLite',
    quoteIdent,
    quoteTable: quoteIdent,
    maxAsText: (column) => `CAST(max(${column}) AS TEXT)`,
    queryText: async (sql) =>
      withDatabase(file, (db) => {
        const value = db.prepare(sql).raw(true).get() as unknown[] | undefined;
        return value?.[0] === null || value?.[0] === undefined ? null : String(value[0]);
      }),
    oneLaneReason:
      'a SQLite database is read in one lane (it runs inside this process, more lanes would not be faster)',
    async *read(sql, signal) {
      const db = openReadOnly(file);
      try {
        yield* readSqlite(db, sql, fetchSize, signal);
      } finally {
        db.close();
      }
    },
    estimateTableRows: async (table) =>
      withDatabase(
        file,
        (db) => (db.prepare(`SELECT COUNT(*) AS n FROM ${quoteIdent(table)}`).get() as { n: number }).n,
      ),
  };
}
