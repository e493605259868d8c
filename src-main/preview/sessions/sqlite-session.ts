import { openReadOnly, quoteIdent, readSqlite } from '../../../connectors/sqlite/reader';
import { logicalFromDeclared } from '../../../connectors/sqlite/types';
import type { Column } from '../../engine/batch';
import type { PreviewSession, SelectedRows } from './session';

/**
 * A preview session on a SQLite file: opened read-only with `query_only` on (which also refuses
 * what a read-only file alone lets through, such as `VACUUM INTO` another file). SQLite takes
 * one statement per prepare and steps it lazily, so a query runs as written and stops after the
 * rows asked for. It runs inside this process, so a statement cannot be cancelled from outside.
 */
export function openSqliteSession(file: string): PreviewSession {
  const where = `SQLite ${file}`;
  const db = openReadOnly(file);
  try {
    db.pragma('query_only = ON');
  } catch (error) {
    db.close();
    throw error;
  }
  const failure = (error: unknown) =>
    new Error(`${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });

  return {
    where,
    quoteTable: quoteIdent,
    quoteIdent,
    limitedQuery: (sql) => sql,
    async select(sql, maxRows, signal): Promise<SelectedRows> {
      signal.throwIfAborted();
      try {
        const statement = db.prepare(sql);
        if (!statement.reader) {
          // Run so the database says why it refuses (a write on a read-only database).
          statement.run();
          return { columns: [], rows: [], more: false, notes: [] };
        }
        const declared: Column[] = statement.columns().map((c) => ({
          name: c.name,
          type: logicalFromDeclared(c.type) ?? 'string',
          nativeType: c.type ?? '',
        }));
        const batches = readSqlite(db, sql, maxRows + 1, signal)[Symbol.asyncIterator]();
        try {
          const first = await batches.next();
          if (first.done) return { columns: declared, rows: [], more: false, notes: [] };
          const { columns, rows } = first.value;
          return {
            // Expression columns have no declared type: their type comes from their first value.
            columns: columns.map((c, i) => ({ ...c, nativeType: declared[i].nativeType })),
            rows: rows.slice(0, maxRows),
            more: rows.length > maxRows,
            notes: [],
          };
        } finally {
          await batches.return?.();
        }
      } catch (error) {
        throw failure(error);
      }
    },
    async close() {
      db.close();
    },
  };
}
