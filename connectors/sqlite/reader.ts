import Database from 'better-sqlite3';
import type { Batch, Column, Row } from '../../src-main/engine/batch';
import type { LogicalType } from '../../src-shared/types/logical';
import { fromSqliteValue, logicalFromDeclared, logicalFromValue } from './types';

/** Quotes an identifier for SQLite ("a""b"). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Opens a database read-only; a missing file is an error, not a new empty database. */
export function openReadOnly(path: string): Database.Database {
  try {
    return new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    // better-sqlite3's message ("the directory does not exist") does not say which file.
    throw new Error(`cannot open SQLite database ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Streams the query's rows in batches of `fetchSize` with `iterate()` (never all in memory).
 * Column types come from declared types; expression columns take the type of their first value.
 */
export async function* readSqlite(
  db: Database.Database,
  sql: string,
  fetchSize: number,
  signal: AbortSignal,
): AsyncIterable<Batch> {
  const statement = db.prepare(sql).raw(true).safeIntegers(true);
  const declared = statement.columns().map((c) => ({ name: c.name, type: logicalFromDeclared(c.type) }));
  const iterator = statement.iterate() as IterableIterator<unknown[]>;
  let columns: Column[] | undefined;
  let offset = 0;
  try {
    while (!signal.aborted) {
      const raw: unknown[][] = [];
      while (raw.length < fetchSize) {
        const next = iterator.next();
        if (next.done) break;
        raw.push(next.value);
      }
      if (raw.length === 0) return;
      columns ??= declared.map((c, i) => ({
        name: c.name,
        type: c.type ?? logicalFromValue(raw.find((r) => r[i] !== null)?.[i]),
      }));
      const types: LogicalType[] = columns.map((c) => c.type);
      const rows: Row[] = raw.map((r) => r.map((v, i) => fromSqliteValue(v, types[i])));
      offset += rows.length;
      yield { columns, rows, checkpoint: { offset } };
      if (raw.length < fetchSize) return;
    }
  } finally {
    iterator.return?.();
  }
}
