import type { Client } from 'pg';
import { andConditions, rangeCondition, type SplitRequest } from '../shared/sql/key-ranges';
import type { SqlConnection } from '../shared/sql/config';
import {
  FIELD_END,
  framingOf,
  LeasePool,
  NULL_FIELD,
  type ComparedColumn,
  type DigestColumn,
  type DigestRequest,
  type RangeDigest,
  type RangeKeysRequest,
  type TableDigester,
} from '../shared/sql/range-digest';
import { connectPostgres, describeTarget, pgErrorMessage } from './connection';
import { quoteIdent, quoteQualifiedName } from './identifiers';
import { describeColumns } from './reader';
import { planKeyRanges } from './split';

/*
 * Range digests in PostgreSQL SQL, following the canonical forms of
 * `connectors/shared/sql/range-digest.ts`. JSON is normalised by two functions created in the
 * session's temporary schema (pg_temp: nothing is left in the database, and they need no
 * privilege beyond TEMP, which every role has by default).
 */

/** JSON numbers in the canonical `d.dddEn` form, from jsonb's plain numeric text. */
const JSON_NUMBER_FUNCTION = `CREATE OR REPLACE FUNCTION pg_temp.fustgo_json_number(t text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  body text := ltrim(t, '-');
  int_part text := split_part(body, '.', 1);
  digits text := int_part || split_part(body, '.', 2);
  significant text := ltrim(digits, '0');
  exponent int := length(int_part) - 1 - (length(digits) - length(significant));
BEGIN
  significant := rtrim(significant, '0');
  IF significant = '' THEN RETURN '0.0E0'; END IF;
  RETURN CASE WHEN left(t, 1) = '-' THEN '-' ELSE '' END || left(significant, 1) || '.'
    || coalesce(nullif(substr(significant, 2), ''), '0') || 'E' || exponent;
END $$`;

/** JSON in the canonical form: compact, keys in byte order (COLLATE "C"), numbers as above. */
const JSON_FUNCTION = `CREATE OR REPLACE FUNCTION pg_temp.fustgo_json(j jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
BEGIN
  CASE jsonb_typeof(j)
    WHEN 'object' THEN
      RETURN '{' || coalesce((SELECT string_agg(to_json(e.key)::text || ':' || pg_temp.fustgo_json(e.value), ','
        ORDER BY e.key COLLATE "C") FROM jsonb_each(j) e), '') || '}';
    WHEN 'array' THEN
      RETURN '[' || coalesce((SELECT string_agg(pg_temp.fustgo_json(a.value), ',' ORDER BY a.n)
        FROM jsonb_array_elements(j) WITH ORDINALITY a(value, n)), '') || ']';
    WHEN 'number' THEN RETURN pg_temp.fustgo_json_number(j::text);
    ELSE RETURN j::text;
  END CASE;
END $$`;

/** A column's canonical text as a PostgreSQL expression (NULL stays NULL). */
export function canonicalSql(compared: ComparedColumn, options: { jsonFunction: boolean }): string {
  const x = quoteIdent(compared.column.name);
  switch (compared.column.type) {
    case 'int':
    case 'bigint':
      return `${x}::text`;
    case 'decimal':
      return `trim_scale(${x})::text`;
    case 'float':
      // Shortest round-trip text (extra_float_digits >= 1) made plain through numeric; NaN and infinities as they are.
      return `CASE WHEN ${x} IN ('NaN', 'Infinity', '-Infinity') THEN ${x}::text ELSE trim_scale(${x}::text::numeric)::text END`;
    case 'bool':
      return `CASE WHEN ${x} THEN '1' WHEN NOT ${x} THEN '0' END`;
    case 'date':
      return `to_char(${x}, 'YYYY-MM-DD')`;
    case 'time':
      return `to_char(${x}, 'HH24:MI:SS.US')`;
    case 'timestamp':
      return `to_char(${x}, 'YYYY-MM-DD HH24:MI:SS.US')`;
    case 'timestamptz':
      return `to_char(${x} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')`;
    case 'json':
      return options.jsonFunction ? `pg_temp.fustgo_json(${x}::jsonb)` : `${x}::jsonb::text`;
    case 'bytes':
      return `encode(${x}, 'hex')`;
    case 'uuid':
      return `${x}::text`;
    case 'string':
      return compared.as === 'uuid' ? `lower(${x}::text)` : `${x}::text`;
  }
}

/** The canonical row text as a PostgreSQL expression: framed fields, each followed by `|`. */
export function rowTextSql(columns: ComparedColumn[], options: { jsonFunction: boolean }): string {
  return columns
    .map((compared) => {
      const c = canonicalSql(compared, options);
      const framing = framingOf(compared.as);
      const framed =
        framing === 'length'
          ? `length(${c})::text || ':' || ${c}`
          : framing === 'md5'
            ? `md5(convert_to(${c}, 'UTF8'))`
            : c;
      return `coalesce(${framed}, '${NULL_FIELD}') || '${FIELD_END}'`;
    })
    .join(' || ');
}

/** WHERE clause of a range (and the filter), on this database's quoting. */
function whereSql(
  request: { key?: string; range: DigestRequest['range']; filter?: string },
  extra?: string,
): string {
  const range =
    request.key === undefined ? undefined : rangeCondition(request.range, quoteIdent(request.key));
  const condition = andConditions(request.filter, range === '1 = 1' ? undefined : range, extra);
  return condition ? ` WHERE ${condition}` : '';
}

/** The digest query of a range: count and the exact sum of 60-bit row hashes (numeric). */
export function digestSql(request: DigestRequest, options: { jsonFunction: boolean }): string {
  const hash = `('x' || substr(md5(convert_to(${rowTextSql(request.columns, options)}, 'UTF8')), 1, 15))::bit(60)::bigint`;
  return (
    `SELECT count(*)::text AS rows, coalesce(sum(${hash}), 0)::text AS sum ` +
    `FROM ${quoteQualifiedName(request.table)}${whereSql(request)}`
  );
}

/**
 * Prepares a session for digests: shortest round-trip float text, and the JSON functions.
 * Resolves with why the functions could not be created (a read-only standby), if so.
 */
export async function prepareDigestSession(client: Client): Promise<string | undefined> {
  await client.query('SET extra_float_digits = 1');
  try {
    await client.query(JSON_NUMBER_FUNCTION);
    await client.query(JSON_FUNCTION);
    return undefined;
  } catch (error) {
    return pgErrorMessage(error);
  }
}

/**
 * A digester over `concurrency` connections to one PostgreSQL database. Each connection asks
 * for shortest round-trip float text and creates the JSON functions; where it cannot create
 * them (a read-only standby), JSON is compared as jsonb's text and a note says so.
 */
export async function openPostgresDigester(
  connection: SqlConnection,
  options: { concurrency?: number } = {},
): Promise<TableDigester> {
  const notes: string[] = [];
  let jsonFunction = true;
  const open = async (): Promise<Client> => {
    const client = await connectPostgres(connection);
    try {
      const failure = await prepareDigestSession(client);
      if (failure !== undefined && jsonFunction) {
        jsonFunction = false;
        notes.push(
          `json columns in PostgreSQL ${describeTarget(connection)} are compared as jsonb text (cannot create temporary functions: ${failure})`,
        );
      }
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return client;
  };
  const pool = new LeasePool<Client>(Math.max(1, options.concurrency ?? 4), open, (client) => client.end());
  const run = <T>(what: string, work: (client: Client) => Promise<T>): Promise<T> =>
    pool.use(async (client) => {
      try {
        return await work(client);
      } catch (error) {
        throw new Error(`${what} in PostgreSQL ${describeTarget(connection)}: ${pgErrorMessage(error)}`, {
          cause: error,
        });
      }
    });
  // Fails here, with the connection's own message, when the database cannot be reached.
  await pool.use(async () => undefined);

  return {
    notes,
    quoteIdent,
    describe: (table) =>
      run(`cannot read the columns of table ${table}`, async (client): Promise<DigestColumn[]> => {
        const result = await client.query({
          text: `SELECT * FROM ${quoteQualifiedName(table)} LIMIT 0`,
          rowMode: 'array',
        });
        return describeColumns(client, result.fields);
      }),
    primaryKey: (table) =>
      run(`cannot read the primary key of table ${table}`, async (client) => {
        const result = await client.query<{ attname: string }>(
          `SELECT a.attname FROM pg_index i
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
            WHERE i.indrelid = to_regclass($1) AND i.indisprimary
            ORDER BY array_position(i.indkey::int2[], a.attnum)`,
          [quoteQualifiedName(table)],
        );
        return result.rows.map((r) => r.attname);
      }),
    hasUniqueKey: (table, columns) =>
      run(`cannot read the unique keys of table ${table}`, async (client) => {
        const result = await client.query<{ columns: string[] }>(
          `SELECT json_agg(a.attname) AS columns FROM pg_index i
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
            WHERE i.indrelid = to_regclass($1) AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
            GROUP BY i.indexrelid`,
          [quoteQualifiedName(table)],
        );
        // PostgreSQL names are case-sensitive: compare exactly.
        return result.rows.some((r) => [...r.columns].sort().join('\0') === [...columns].sort().join('\0'));
      }),
    planKeyRanges: (request: SplitRequest) =>
      run(`cannot split table ${request.table}`, (client) => planKeyRanges(client, request)),
    digest: (request) =>
      run(`cannot digest table ${request.table}`, async (client): Promise<RangeDigest> => {
        const result = await client.query<{ rows: string; sum: string }>(
          digestSql(request, { jsonFunction }),
        );
        return { rows: Number(result.rows[0].rows), sum: result.rows[0].sum };
      }),
    rangeKeys: (request: RangeKeysRequest) =>
      run(`cannot list keys of table ${request.table}`, async (client) => {
        const key = quoteIdent(request.key);
        const result = await client.query<{ k: string }>(
          `SELECT ${key}::text AS k FROM ${quoteQualifiedName(request.table)}${whereSql(request, `${key} IS NOT NULL`)} ` +
            `ORDER BY ${key} LIMIT ${request.limit + 1}`,
        );
        return result.rows.length > request.limit ? null : result.rows.map((r) => BigInt(r.k));
      }),
    close: () => pool.close(),
  };
}
