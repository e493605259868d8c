import { escape, type Connection } from 'mysql2';
import {
  andConditions,
  planFromStats,
  sampleCondition,
  samplePlan,
  splitReasons,
  type KeyRangePlan,
  type SplitRequest,
} from '../shared/sql/key-ranges';
import { runSql } from './connection';
import { quoteIdent, quoteTableName, splitTableName } from './identifiers';

/** Integer column types (information_schema DATA_TYPE) a key may have. */
const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'bigint']);

const compareBigInt = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Splits a MySQL / MariaDB table into ranges of an integer key (see `key-ranges.ts`): the
 * key's type from information_schema, then min, max and counts in one query, then a sample
 * of keys for quantile boundaries: every key (in index order) when there are at most
 * `sampleSize`, else a deterministic hash sample of the key (`sampleCondition`). InnoDB has
 * no TABLESAMPLE; the sample reads only the key column, so the server answers it from the
 * narrowest index holding the key, in one pass and without sorting, and sends about
 * `sampleSize` keys. A missing or non-integer key column gives `ranges: null` and the reason.
 */
export async function planKeyRanges(connection: Connection, request: SplitRequest): Promise<KeyRangePlan> {
  const label = request.label ?? 'split_key';
  const { database, table: tableName } = splitTableName(request.table);
  const schema = database === undefined ? 'DATABASE()' : escape(database);
  const info = (await runSql(
    connection,
    `SELECT c.COLUMN_NAME, c.DATA_TYPE, c.COLUMN_TYPE
       FROM information_schema.TABLES t
       LEFT JOIN information_schema.COLUMNS c
         ON c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME AND c.COLUMN_NAME = ${escape(request.key)}
      WHERE t.TABLE_SCHEMA = ${schema} AND t.TABLE_NAME = ${escape(tableName)}`,
  )) as [string | null, string | null, string | null][];
  if (info.length === 0) return { ranges: null, reason: splitReasons.missingTable(request.table) };
  const [columnName, dataType, columnType] = info[0];
  if (columnName === null)
    return { ranges: null, reason: splitReasons.missingColumn(label, request.key, request.table) };
  if (!INTEGER_TYPES.has(String(dataType).toLowerCase()))
    return { ranges: null, reason: splitReasons.notInteger(label, request.key, String(columnType)) };

  const key = quoteIdent(columnName);
  const table = quoteTableName(request.table);
  const where = (extra?: string) => {
    const condition = andConditions(request.filter, extra);
    return condition ? ` WHERE ${condition}` : '';
  };
  const [[min, max, rows, keyed]] = (await runSql(
    connection,
    `SELECT CAST(MIN(${key}) AS CHAR), CAST(MAX(${key}) AS CHAR), CAST(COUNT(*) AS CHAR), CAST(COUNT(${key}) AS CHAR)
       FROM ${table}${where()}`,
  )) as [string | null, string | null, string, string][];
  const keyStats = {
    min: min === null ? null : BigInt(min),
    max: max === null ? null : BigInt(max),
    rows: Number(rows),
    keyed: Number(keyed),
  };
  if (keyStats.min === null || request.parts <= 1) return planFromStats(keyStats, [], request.parts);

  const sampling = samplePlan(keyStats.keyed, request.sampleSize);
  const sql =
    'all' in sampling
      ? `SELECT CAST(${key} AS CHAR) FROM ${table}${where(`${key} IS NOT NULL`)} ORDER BY ${key}`
      : `SELECT CAST(${key} AS CHAR) FROM ${table}${where(
          `${key} IS NOT NULL AND ${sampleCondition(key, sampling.fraction)}`,
        )}`;
  const sample = ((await runSql(connection, sql)) as [string][]).map((r) => BigInt(r[0]));
  if (!('all' in sampling)) sample.sort(compareBigInt);
  return planFromStats(keyStats, sample, request.parts);
}
