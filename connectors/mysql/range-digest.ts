import { escape, type Connection, type FieldPacket } from 'mysql2';
import { andConditions, rangeCondition, type SplitRequest } from '../shared/sql/key-ranges';
import type { SqlConnection } from '../shared/sql/config';
import {
  FIELD_END,
  framingOf,
  LeasePool,
  NULL_FIELD,
  sameColumns,
  type ComparedColumn,
  type DigestColumn,
  type DigestRequest,
  type RangeDigest,
  type RangeKeysRequest,
  type TableDigester,
} from '../shared/sql/range-digest';
import { connectMysql, describeTarget, endConnection, errorMessage, runSql } from './connection';
import { quoteIdent, quoteTableName, splitTableName } from './identifiers';
import { planKeyRanges } from './split';
import { columnFromMeta, metaFromField } from './types';

/*
 * Range digests in MySQL / MariaDB SQL, following the canonical forms of
 * `connectors/shared/sql/range-digest.ts`. Every canonical text is converted to utf8mb4, so
 * CHAR_LENGTH counts characters and MD5 hashes UTF-8 whatever the column's character set. The
 * session is in UTC (connectMysql), so TIMESTAMP values come out in UTC.
 */

/** Decimal text without trailing zeros after the point, nor the point itself; `-0` → `0`. */
function trimmedDecimal(text: string): string {
  const trimmed = `IF(LOCATE('.', ${text}) = 0, ${text}, TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM ${text})))`;
  return `IF(${trimmed} = '-0', '0', ${trimmed})`;
}

/**
 * A float's text in plain notation. MySQL writes the shortest round-trip digits, switching to
 * `1.5e-300` / `1e15` for large and small magnitudes: the mantissa's digits are shifted by the
 * exponent, as `plainNumber` does.
 */
function plainFloat(x: string): string {
  const t = `CAST(${x} AS CHAR)`;
  const mantissa = `SUBSTRING_INDEX(${t}, 'e', 1)`;
  const exponent = `CAST(SUBSTRING_INDEX(${t}, 'e', -1) AS SIGNED)`;
  const negative = `(LEFT(${mantissa}, 1) = '-')`;
  const unsigned = `IF(${negative}, SUBSTRING(${mantissa}, 2), ${mantissa})`;
  const digits = `REPLACE(${unsigned}, '.', '')`;
  const point = `(IF(LOCATE('.', ${unsigned}) = 0, LENGTH(${unsigned}), LOCATE('.', ${unsigned}) - 1) + ${exponent})`;
  const plain =
    `CASE WHEN ${point} <= 0 THEN CONCAT('0.', REPEAT('0', -${point}), ${digits}) ` +
    `WHEN ${point} >= LENGTH(${digits}) THEN CONCAT(${digits}, REPEAT('0', ${point} - LENGTH(${digits}))) ` +
    `ELSE CONCAT(LEFT(${digits}, ${point}), '.', SUBSTRING(${digits}, ${point} + 1)) END`;
  const scientific = `CONCAT(IF(${negative}, '-', ''), ${plain})`;
  return `IF(LOCATE('e', ${t}) = 0, IF(${t} = '-0', '0', ${t}), ${scientific})`;
}

/** MySQL's zero dates (a zero month or day) are NULL, as the mysql input reads them. */
function unlessZeroDate(x: string, text: string): string {
  return `CASE WHEN MONTH(${x}) = 0 OR DAYOFMONTH(${x}) = 0 THEN NULL ELSE ${text} END`;
}

/** A column's canonical text as a MySQL expression (NULL stays NULL). */
export function canonicalSql(compared: ComparedColumn, options: { jsonNormalize: boolean }): string {
  const x = quoteIdent(compared.column.name);
  const { type, nativeType = '' } = compared.column;
  let text: string;
  switch (type) {
    case 'int':
    case 'bigint':
      text = /^BIT/i.test(nativeType) ? `CAST(CAST(${x} AS UNSIGNED) AS CHAR)` : `CAST(${x} AS CHAR)`;
      break;
    case 'decimal':
      text = trimmedDecimal(`CAST(${x} AS CHAR)`);
      break;
    case 'float':
      text = plainFloat(x);
      break;
    case 'bool':
      text = `CASE WHEN ${x} <> 0 THEN '1' WHEN ${x} = 0 THEN '0' END`;
      break;
    case 'date':
      text = unlessZeroDate(x, `DATE_FORMAT(${x}, '%Y-%m-%d')`);
      break;
    case 'time':
      text = `TIME_FORMAT(${x}, '%H:%i:%s.%f')`;
      break;
    case 'timestamp':
    case 'timestamptz':
      text = unlessZeroDate(x, `DATE_FORMAT(${x}, '%Y-%m-%d %H:%i:%s.%f')`);
      break;
    case 'json':
      text = options.jsonNormalize ? `JSON_NORMALIZE(${x})` : `CAST(${x} AS CHAR)`;
      break;
    case 'bytes':
      text = `LOWER(HEX(${x}))`;
      break;
    case 'uuid':
      text = `LOWER(CAST(${x} AS CHAR))`;
      break;
    case 'string':
      text = compared.as === 'uuid' ? `LOWER(CONVERT(${x} USING utf8mb4))` : `${x}`;
      break;
  }
  return `CONVERT(${text} USING utf8mb4)`;
}

/** The canonical row text as a MySQL expression: framed fields, each followed by `|`. */
export function rowTextSql(columns: ComparedColumn[], options: { jsonNormalize: boolean }): string {
  const fields = columns.map((compared) => {
    const c = canonicalSql(compared, options);
    const framing = framingOf(compared.as);
    const framed =
      framing === 'length' ? `CONCAT(CHAR_LENGTH(${c}), ':', ${c})` : framing === 'md5' ? `MD5(${c})` : c;
    return `COALESCE(${framed}, '${NULL_FIELD}'), '${FIELD_END}'`;
  });
  return `CONCAT(${fields.join(', ')})`;
}

function whereSql(
  request: { key?: string; range: DigestRequest['range']; filter?: string },
  extra?: string,
): string {
  const range =
    request.key === undefined ? undefined : rangeCondition(request.range, quoteIdent(request.key));
  const condition = andConditions(request.filter, range === '1 = 1' ? undefined : range, extra);
  return condition ? ` WHERE ${condition}` : '';
}

/** The digest query of a range: count and the exact sum (DECIMAL) of 60-bit row hashes. */
export function digestSql(request: DigestRequest, options: { jsonNormalize: boolean }): string {
  const hash = `CAST(CONV(SUBSTR(MD5(${rowTextSql(request.columns, options)}), 1, 15), 16, 10) AS UNSIGNED)`;
  return (
    `SELECT CAST(COUNT(*) AS CHAR), CAST(COALESCE(SUM(${hash}), 0) AS CHAR) ` +
    `FROM ${quoteTableName(request.table)}${whereSql(request)}`
  );
}

/** The result columns of a query that returns no row. */
function resultFields(connection: Connection, sql: string): Promise<FieldPacket[]> {
  return new Promise((resolve, reject) => {
    connection.query({ sql, rowsAsArray: true }, (err, _rows, fields) =>
      err ? reject(err) : resolve((fields ?? []) as FieldPacket[]),
    );
  });
}

/**
 * A digester over `concurrency` connections to one MySQL / MariaDB database. JSON is
 * normalised with JSON_NORMALIZE (MariaDB 10.7+); without it, JSON is compared as its text and a
 * note says so.
 */
export async function openMysqlDigester(
  connection: SqlConnection,
  options: { concurrency?: number } = {},
): Promise<TableDigester> {
  const notes: string[] = [];
  const pool = new LeasePool<Connection>(
    Math.max(1, options.concurrency ?? 4),
    () => connectMysql(connection),
    endConnection,
  );
  const run = <T>(what: string, work: (c: Connection) => Promise<T>): Promise<T> =>
    pool.use(async (c) => {
      try {
        return await work(c);
      } catch (error) {
        throw new Error(`${what} in MySQL ${describeTarget(connection)}: ${errorMessage(error)}`, {
          cause: error,
        });
      }
    });
  const jsonNormalize = await pool.use(async (c) => {
    try {
      await runSql(c, "SELECT JSON_NORMALIZE('{}')");
      return true;
    } catch {
      notes.push(
        `json columns in MySQL ${describeTarget(connection)} are compared as their text (the server has no JSON_NORMALIZE)`,
      );
      return false;
    }
  });

  return {
    notes,
    quoteIdent,
    describe: (table) =>
      run(`cannot read the columns of table ${table}`, async (c): Promise<DigestColumn[]> => {
        const fields = await resultFields(c, `SELECT * FROM ${quoteTableName(table)} LIMIT 0`);
        return fields.map((field) => columnFromMeta(metaFromField(field)));
      }),
    primaryKey: (table) =>
      run(`cannot read the primary key of table ${table}`, async (c) => {
        const { database, table: name } = splitTableName(table);
        const rows = (await runSql(
          c,
          `SELECT COLUMN_NAME FROM information_schema.STATISTICS
            WHERE TABLE_SCHEMA = ${database === undefined ? 'DATABASE()' : escape(database)}
              AND TABLE_NAME = ${escape(name)} AND INDEX_NAME = 'PRIMARY'
            ORDER BY SEQ_IN_INDEX`,
        )) as [string][];
        return rows.map((r) => r[0]);
      }),
    hasUniqueKey: (table, columns) =>
      run(`cannot read the unique keys of table ${table}`, async (c) => {
        const { database, table: name } = splitTableName(table);
        const rows = (await runSql(
          c,
          `SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS
            WHERE TABLE_SCHEMA = ${database === undefined ? 'DATABASE()' : escape(database)}
              AND TABLE_NAME = ${escape(name)} AND NON_UNIQUE = 0`,
        )) as [string, string][];
        const indexes = new Map<string, string[]>();
        for (const [index, column] of rows) indexes.set(index, [...(indexes.get(index) ?? []), column]);
        return [...indexes.values()].some((indexColumns) => sameColumns(indexColumns, columns));
      }),
    planKeyRanges: (request: SplitRequest) =>
      run(`cannot split table ${request.table}`, (c) => planKeyRanges(c, request)),
    digest: (request) =>
      run(`cannot digest table ${request.table}`, async (c): Promise<RangeDigest> => {
        const [[rows, sum]] = (await runSql(c, digestSql(request, { jsonNormalize }))) as [string, string][];
        return { rows: Number(rows), sum };
      }),
    rangeKeys: (request: RangeKeysRequest) =>
      run(`cannot list keys of table ${request.table}`, async (c) => {
        const key = quoteIdent(request.key);
        const rows = (await runSql(
          c,
          `SELECT CAST(${key} AS CHAR) FROM ${quoteTableName(request.table)}${whereSql(request, `${key} IS NOT NULL`)} ` +
            `ORDER BY ${key} LIMIT ${request.limit + 1}`,
        )) as [string][];
        return rows.length > request.limit ? null : rows.map((r) => BigInt(r[0]));
      }),
    close: () => pool.close(),
  };
}
