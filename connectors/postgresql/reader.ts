import type { Client, FieldDef } from 'pg';
import type { Batch, Column } from '../../src-main/engine/batch';
import type { SqlConnection } from '../shared/sql/config';
import { connectPostgres, describeTarget, pgErrorMessage } from './connection';
import { quoteQualifiedName } from './identifiers';
import { logicalFromPg, PG_TYPE_NAMES } from './types';

const CURSOR = 'fustgo_read';

/** What one read needs, resolved from the config. */
export interface PostgresReadOptions {
  connection: SqlConnection;
  sql: string;
  fetchSize: number;
  /** A snapshot exported by another transaction (`pg_export_snapshot`), shared by the lanes. */
  snapshot?: string;
}

/** Batch columns from result fields; type names outside the built-in map come from pg_type, once. */
export async function describeColumns(client: Client, fields: FieldDef[]): Promise<Column[]> {
  const unknown = [...new Set(fields.map((f) => f.dataTypeID).filter((oid) => !(oid in PG_TYPE_NAMES)))];
  const names = new Map<number, string>();
  if (unknown.length > 0) {
    // oid is not in the type map, so it arrives as text.
    const result = await client.query<{ oid: string; typname: string }>(
      'SELECT oid, typname FROM pg_type WHERE oid = ANY($1::oid[])',
      [unknown],
    );
    for (const row of result.rows) names.set(Number(row.oid), row.typname);
  }
  return fields.map((f) => {
    const nativeType = PG_TYPE_NAMES[f.dataTypeID] ?? names.get(f.dataTypeID) ?? String(f.dataTypeID);
    return { name: f.name, type: logicalFromPg(nativeType), nativeType };
  });
}

/**
 * Streams a query through a server-side cursor, `fetchSize` rows per FETCH, inside a
 * READ ONLY REPEATABLE READ transaction so every batch sees the same snapshot (another
 * transaction's exported snapshot when `snapshot` is given, so lanes see the same one). Memory holds
 * one batch whatever the table size. The transaction and the connection end however the
 * read ends: exhausted, failed, aborted, or abandoned by the consumer.
 */
export async function* readPostgres(
  options: PostgresReadOptions,
  signal: AbortSignal,
): AsyncGenerator<Batch> {
  const { connection, fetchSize } = options;
  const client = await connectPostgres(connection);
  const run = async <T>(what: () => Promise<T>): Promise<T> => {
    try {
      return await what();
    } catch (error) {
      throw new Error(`cannot read from PostgreSQL ${describeTarget(connection)}: ${pgErrorMessage(error)}`, {
        cause: error,
      });
    }
  };
  try {
    await run(() => client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'));
    const { snapshot } = options;
    // A snapshot id is hex digits and dashes, from pg_export_snapshot.
    if (snapshot && /^[0-9A-F-]+$/i.test(snapshot))
      await run(() => client.query(`SET TRANSACTION SNAPSHOT '${snapshot}'`));
    // DECLARE takes one statement: a trailing semicolon would end it early.
    const select = options.sql.trim().replace(/;+$/, '');
    await run(() => client.query(`DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${select}`));
    let columns: Column[] | undefined;
    let rowsRead = 0;
    while (!signal.aborted) {
      const result = await run(() =>
        client.query<unknown[]>({ text: `FETCH ${fetchSize} FROM ${CURSOR}`, rowMode: 'array' }),
      );
      if (result.rows.length === 0) return;
      columns ??= await run(() => describeColumns(client, result.fields));
      rowsRead += result.rows.length;
      yield { columns, rows: result.rows, checkpoint: { rows: rowsRead } };
      if (result.rows.length < fetchSize) return;
    }
  } finally {
    // Read only: rolling back just ends the snapshot and closes the cursor.
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

/**
 * Rows the planner expects in a whole table (pg_class.reltuples, kept by ANALYZE): free to ask,
 * unlike count(*). Undefined for queries, filtered reads and never-analysed tables.
 */
export async function estimateTableRows(
  connection: SqlConnection,
  table: string,
): Promise<number | undefined> {
  const client = await connectPostgres(connection);
  try {
    const result = await client.query<{ n: number }>(
      'SELECT reltuples::float8 AS n FROM pg_class WHERE oid = to_regclass($1)',
      [quoteQualifiedName(table)],
    );
    const n = result.rows[0]?.n;
    return n !== undefined && n >= 0 ? Math.round(n) : undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}
