import type { Column, Row } from '../../engine/batch';

/** What one statement of a preview gave: at most the rows asked for, decoded by the connector's type map. */
export interface SelectedRows {
  /** Logical type and the database's own type name of each result column. */
  columns: Column[];
  rows: Row[];
  /** More rows followed the ones returned (the database was stopped before sending them). */
  more: boolean;
  /** What the user should know about the values (zero dates read as NULL…). */
  notes: string[];
}

/**
 * A short-lived, read-only session on one database for previews: opened for a preview, closed
 * after it. Every statement runs in a read-only transaction of a read-only session, one
 * statement at a time (a `;` cannot smuggle in a second one), so the database refuses writes
 * with its own message.
 */
export interface PreviewSession {
  /** The database as messages name it: `PostgreSQL 127.0.0.1:5432 database "shop"`, `SQLite /data/shop.db`. */
  readonly where: string;
  /** A table name as the database reads it (`schema.table`, `db.table`, or a bare name). */
  quoteTable(name: string): string;
  quoteIdent(name: string): string;
  /**
   * A user's query cut at `rows` rows in the way that keeps its meaning on this database: a
   * LIMIT subquery where the database keeps the subquery's ORDER BY, the query as written where
   * `select` stops the stream instead.
   */
  limitedQuery(sql: string, rows: number): string;
  /**
   * Runs one statement and returns at most `maxRows` rows, stopping the database once it sent
   * one more (so `more` is known). `signal` cancels the statement on the server where the
   * database allows it (PostgreSQL, MySQL).
   */
  select(sql: string, maxRows: number, signal: AbortSignal): Promise<SelectedRows>;
  close(): Promise<void>;
}
