import type Database from 'better-sqlite3';
import {
  andConditions,
  planFromStats,
  sampleCondition,
  samplePlan,
  splitReasons,
  type KeyRangePlan,
  type SplitRequest,
} from '../shared/sql/key-ranges';
import { quoteIdent } from './reader';

const compareBigInt = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Splits a SQLite table into ranges of an integer key (see `key-ranges.ts`). SQLite types
 * values, not columns: the key's declared type must have INTEGER affinity, and its smallest
 * and largest values must be integers (SQLite sorts numbers before text and blobs, so then no
 * text hides among the keys). Min, max and counts in one query; then every key when there are
 * at most `sampleSize`, else a deterministic hash sample (`sampleCondition`).
 * Async like the other connectors' `planKeyRanges`, though better-sqlite3 answers at once.
 */
export async function planKeyRanges(db: Database.Database, request: SplitRequest): Promise<KeyRangePlan> {
  const label = request.label ?? 'split_key';
  const table = db
    .prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?")
    .get(request.table) as { name: string } | undefined;
  if (!table) return { ranges: null, reason: splitReasons.missingTable(request.table) };
  const column = db
    .prepare('SELECT name, type FROM pragma_table_info(?) WHERE name = ? COLLATE NOCASE')
    .get(request.table, request.key) as { name: string; type: string } | undefined;
  if (!column) return { ranges: null, reason: splitReasons.missingColumn(label, request.key, request.table) };
  // SQLite's affinity rule: a declared type containing INT has INTEGER affinity (sqlite.org/datatype3.html §3.1).
  if (!column.type.toUpperCase().includes('INT'))
    return {
      ranges: null,
      reason: splitReasons.notInteger(label, request.key, column.type || 'no declared type'),
    };

  const key = quoteIdent(column.name);
  const from = quoteIdent(request.table);
  const where = (extra?: string) => {
    const condition = andConditions(request.filter, extra);
    return condition ? ` WHERE ${condition}` : '';
  };
  const stats = db
    .prepare(
      `SELECT min(${key}) AS min, max(${key}) AS max, typeof(min(${key})) AS min_type,
              typeof(max(${key})) AS max_type, count(*) AS rows, count(${key}) AS keyed
         FROM ${from}${where()}`,
    )
    .safeIntegers(true)
    .get() as {
    min: bigint | null;
    max: bigint | null;
    min_type: string;
    max_type: string;
    rows: bigint;
    keyed: bigint;
  };
  const keyed = Number(stats.keyed);
  if (keyed > 0 && (stats.min_type !== 'integer' || stats.max_type !== 'integer'))
    return { ranges: null, reason: splitReasons.notIntegerValues(label, request.key) };
  const keyStats = { min: stats.min, max: stats.max, rows: Number(stats.rows), keyed };
  if (keyStats.min === null || request.parts <= 1) return planFromStats(keyStats, [], request.parts);

  const sampling = samplePlan(keyed, request.sampleSize);
  const sql =
    'all' in sampling
      ? `SELECT ${key} FROM ${from}${where(`${key} IS NOT NULL`)} ORDER BY ${key}`
      : `SELECT ${key} FROM ${from}${where(`${key} IS NOT NULL AND ${sampleCondition(key, sampling.fraction)}`)}`;
  // A REAL key value (2.5) between integer min and max is rounded down: it still falls in a range.
  const sample = (db.prepare(sql).pluck().safeIntegers(true).all() as (bigint | number)[]).map((k) =>
    typeof k === 'bigint' ? k : BigInt(Math.floor(k)),
  );
  if (!('all' in sampling)) sample.sort(compareBigInt);
  return planFromStats(keyStats, sample, request.parts);
}
