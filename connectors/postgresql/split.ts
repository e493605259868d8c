import type { Client } from 'pg';
import {
  andConditions,
  planFromStats,
  sampleCondition,
  samplePlan,
  splitReasons,
  type KeyRangePlan,
  type SplitRequest,
} from '../shared/sql/key-ranges';
import { quoteIdent, quoteQualifiedName } from './identifiers';

/** Integer types a key may have (base types, so a domain over int8 counts). */
const INTEGER_TYPES = new Set(['int2', 'int4', 'int8']);
/** Relation kinds TABLESAMPLE reads: tables, materialized views, partitioned tables. */
const SAMPLEABLE = new Set(['r', 'm', 'p']);
/**
 * Pages a sample reads at least: TABLESAMPLE SYSTEM keeps whole pages, and rows stored in key
 * order make each page one clump of neighbouring keys; a thousand clumps place quantiles well.
 */
const MIN_SAMPLE_PAGES = 1000;

interface KeyColumnInfo {
  relkind: string;
  pages: number;
  attname: string | null;
  base_type: string | null;
  type_text: string | null;
}

/**
 * Splits a PostgreSQL table into ranges of an integer key (see `key-ranges.ts`): the key's
 * type from the catalog, then min, max and counts in one query, then a sample of keys for
 * quantile boundaries: every key when there are at most `sampleSize`, else a page sample
 * (`TABLESAMPLE SYSTEM … REPEATABLE`, which reads only the sampled pages, at least
 * `MIN_SAMPLE_PAGES` of them) thinned by key hash; views are sampled by key hash alone. A missing
 * or non-integer key column gives `ranges: null` and the reason.
 */
export async function planKeyRanges(client: Client, request: SplitRequest): Promise<KeyRangePlan> {
  const label = request.label ?? 'split_key';
  const info = await client.query<KeyColumnInfo>(
    `SELECT c.relkind, greatest(c.relpages::float8, pg_relation_size(c.oid) / current_setting('block_size')::float8, 1) AS pages,
            a.attname, bt.typname AS base_type, format_type(a.atttypid, a.atttypmod) AS type_text
       FROM pg_class c
       LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = $2 AND a.attnum > 0 AND NOT a.attisdropped
       LEFT JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
      WHERE c.oid = to_regclass($1)`,
    [quoteQualifiedName(request.table), request.key],
  );
  const column = info.rows[0];
  if (!column) return { ranges: null, reason: splitReasons.missingTable(request.table) };
  if (column.attname === null)
    return { ranges: null, reason: splitReasons.missingColumn(label, request.key, request.table) };
  if (!INTEGER_TYPES.has(column.base_type ?? ''))
    return { ranges: null, reason: splitReasons.notInteger(label, request.key, column.type_text ?? '?') };

  const key = quoteIdent(request.key);
  const table = quoteQualifiedName(request.table);
  const where = (extra?: string) => {
    const condition = andConditions(request.filter, extra);
    return condition ? ` WHERE ${condition}` : '';
  };
  const stats = await client.query<{ min: string | null; max: string | null; rows: string; keyed: string }>(
    `SELECT min(${key})::text AS min, max(${key})::text AS max, count(*)::text AS rows, count(${key})::text AS keyed
       FROM ${table}${where()}`,
  );
  const { min, max, rows, keyed } = stats.rows[0];
  const keyStats = {
    min: min === null ? null : BigInt(min),
    max: max === null ? null : BigInt(max),
    rows: Number(rows),
    keyed: Number(keyed),
  };
  if (keyStats.min === null || request.parts <= 1) return planFromStats(keyStats, [], request.parts);

  const sampling = samplePlan(keyStats.keyed, request.sampleSize);
  let sql: string;
  if ('all' in sampling) {
    sql = `SELECT ${key}::text AS k FROM ${table}${where(`${key} IS NOT NULL`)} ORDER BY ${key}`;
  } else if (SAMPLEABLE.has(column.relkind)) {
    // Enough pages for the sample and for MIN_SAMPLE_PAGES clumps, thinned by key hash to about sampleSize keys.
    const pageShare = Math.min(1, Math.max(sampling.fraction, MIN_SAMPLE_PAGES / column.pages));
    const thinning = sampling.fraction / pageShare;
    const thin = thinning < 1 ? ` AND ${sampleCondition(`${key}::int8`, thinning)}` : '';
    sql =
      `SELECT ${key}::text AS k FROM ${table} TABLESAMPLE SYSTEM (${pageShare * 100}) REPEATABLE (7)` +
      where(`${key} IS NOT NULL${thin}`);
  } else {
    sql = `SELECT ${key}::text AS k FROM ${table}${where(
      `${key} IS NOT NULL AND ${sampleCondition(`${key}::int8`, sampling.fraction)}`,
    )}`;
  }
  const sample = (await client.query<{ k: string }>(sql)).rows.map((r) => BigInt(r.k));
  if (!('all' in sampling)) sample.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return planFromStats(keyStats, sample, request.parts);
}
