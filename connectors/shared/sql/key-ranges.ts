/*
 * Splitting a table into ranges of an integer key, for parallel reads (`query.split_key`
 * lanes) and for `fustgo verify`. Pure logic: each SQL connector's `split.ts` asks its database
 * for the key's min, max, row count and a sample, and hands them to `planFromStats`.
 *
 * Rules every range list follows, so that no row is lost or read twice:
 * - ranges are half-open, `from <= key < to`, and follow each other without gaps;
 * - the first range has no `from` and the last has no `to`: keys below the sampled minimum or
 *   above the maximum (rows inserted since) still belong to a range;
 * - NULL keys belong to the last range (the one without `to`): `rangeCondition` adds
 *   `OR key IS NULL` to it. A single range without bounds is the whole table.
 */

/** One range of an integer key: `from <= key < to`; a missing bound is open. */
export interface KeyRange {
  /** Position in the range list, from 0. */
  index: number;
  /** Lowest key of the range (inclusive); absent for the first range. */
  from?: bigint;
  /** Key where the next range starts (exclusive); absent for the last range, which also holds NULL keys. */
  to?: bigint;
}

/** What to split: a table (as the connector's config names it), its integer key, an optional WHERE filter. */
export interface SplitRequest {
  table: string;
  /** The key column, as written in the config (unquoted). */
  key: string;
  /** SQL WHERE condition the read applies (`query.filter`); the ranges cover the rows it keeps. */
  filter?: string;
  /** Ranges wanted; fewer come back when the keys do not allow as many. */
  parts: number;
  /** Keys to sample for quantile boundaries (default `DEFAULT_SAMPLE_SIZE`). */
  sampleSize?: number;
  /** How messages name the key (default `split_key`): `conflict.key`, `primary key`… */
  label?: string;
}

/** How the ranges were drawn: one range, equal key spans, or sample quantiles (skewed keys). */
export type SplitMethod = 'single' | 'even' | 'quantile';

/**
 * The ranges to read, or why the table cannot be split by this key. A reason reads as a
 * sentence the caller completes with what it does instead, e.g. `${reason}: reading in one lane`.
 */
export type KeyRangePlan =
  | { ranges: KeyRange[]; method: SplitMethod; /** Rows the filter keeps, when counted. */ rows?: number }
  | { ranges: null; reason: string };

/** What `split.ts` learns in one query: key bounds (null when no row has a key) and counts. */
export interface KeyStats {
  min: bigint | null;
  max: bigint | null;
  /** Rows the filter keeps. */
  rows: number;
  /** Of those, rows whose key is not NULL. */
  keyed: number;
}

/** Keys sampled by default: enough for quantiles within a fraction of a percent, a few hundred KB at most. */
export const DEFAULT_SAMPLE_SIZE = 10_000;

/** Below this many sampled keys per range a sample says too little about balance: even ranges are used. */
const MIN_SAMPLE_PER_PART = 20;

/** Quantile ranges replace even ones when the fullest even range holds more than this many times its share. */
const UNBALANCED = 1.5;

/** The whole table as one range (also its NULL keys). */
export const WHOLE_TABLE: KeyRange = { index: 0 };

/** Ranges from ascending, distinct boundaries: `(-∞, b0)`, `[b0, b1)`, …, `[bn, +∞)`. */
export function rangesFromBoundaries(boundaries: bigint[]): KeyRange[] {
  if (boundaries.length === 0) return [{ index: 0 }];
  const ranges: KeyRange[] = [{ index: 0, to: boundaries[0] }];
  for (let i = 1; i < boundaries.length; i++)
    ranges.push({ index: i, from: boundaries[i - 1], to: boundaries[i] });
  ranges.push({ index: boundaries.length, from: boundaries[boundaries.length - 1] });
  return ranges;
}

function partCount(parts: number): number {
  return Number.isFinite(parts) ? Math.max(1, Math.floor(parts)) : 1;
}

/**
 * `parts` ranges of (nearly) equal key span between `min` and `max`; fewer when the span has
 * fewer keys than parts. Each range holds at least one key value of [min, max].
 */
export function evenRanges(min: bigint, max: bigint, parts: number): KeyRange[] {
  const n = partCount(parts);
  if (n === 1 || max <= min) return [{ index: 0 }];
  const span = max - min + 1n;
  const boundaries: bigint[] = [];
  for (let i = 1; i < n; i++) {
    const boundary = min + (span * BigInt(i)) / BigInt(n);
    if (boundary > (boundaries.at(-1) ?? min)) boundaries.push(boundary);
  }
  return rangesFromBoundaries(boundaries);
}

/**
 * Ranges whose boundaries are the sample's quantiles, so each holds about the same number of
 * rows however the keys are spread. `sortedSample` is ascending. Repeated keys collapse into
 * one boundary (a key value is never split), so no range is empty in the sample: a run of one
 * key value over several quantiles yields fewer ranges.
 */
export function quantileRanges(sortedSample: bigint[], parts: number): KeyRange[] {
  const n = partCount(parts);
  if (n === 1 || sortedSample.length === 0) return [{ index: 0 }];
  const boundaries: bigint[] = [];
  for (let i = 1; i < n; i++) {
    const boundary = sortedSample[Math.floor((sortedSample.length * i) / n)];
    if (boundary > (boundaries.at(-1) ?? sortedSample[0])) boundaries.push(boundary);
  }
  return rangesFromBoundaries(boundaries);
}

/** True when `key` belongs to `range` (a NULL key belongs to the last range only). */
export function rangeContains(range: KeyRange, key: bigint | null): boolean {
  if (key === null) return range.to === undefined;
  return (range.from === undefined || key >= range.from) && (range.to === undefined || key < range.to);
}

/** How many sampled keys fall in each range (ranges in order, sample ascending). */
export function sampleCounts(ranges: KeyRange[], sortedSample: bigint[]): number[] {
  const counts = ranges.map(() => 0);
  let r = 0;
  for (const key of sortedSample) {
    while (r < ranges.length - 1 && !rangeContains(ranges[r], key)) r++;
    counts[r]++;
  }
  return counts;
}

/** The share of the sample the fullest range holds (1 when everything falls in one range). */
function largestShare(ranges: KeyRange[], sortedSample: bigint[]): number {
  return Math.max(...sampleCounts(ranges, sortedSample)) / sortedSample.length;
}

/**
 * Even ranges unless the sample shows them badly unbalanced (the fullest holding more than
 * 1.5 times its share, as with a few dense clusters of ids in a wide span) and quantile
 * ranges do better. A sample too small to judge keeps even ranges.
 */
export function chooseRanges(
  min: bigint,
  max: bigint,
  sortedSample: bigint[],
  parts: number,
): { ranges: KeyRange[]; method: 'even' | 'quantile' } {
  const n = partCount(parts);
  const even = evenRanges(min, max, n);
  if (sortedSample.length < n * MIN_SAMPLE_PER_PART) return { ranges: even, method: 'even' };
  const evenShare = largestShare(even, sortedSample);
  if (evenShare <= UNBALANCED / n) return { ranges: even, method: 'even' };
  const quantile = quantileRanges(sortedSample, n);
  return largestShare(quantile, sortedSample) < evenShare
    ? { ranges: quantile, method: 'quantile' }
    : { ranges: even, method: 'even' };
}

/**
 * The plan for the stats and sample a connector gathered. No keyed row: one range (the table
 * may still hold rows with NULL keys, which it covers).
 */
export function planFromStats(stats: KeyStats, sortedSample: bigint[], parts: number): KeyRangePlan {
  if (stats.min === null || stats.max === null || partCount(parts) === 1)
    return { ranges: [{ index: 0 }], method: 'single', rows: stats.rows };
  const { ranges, method } = chooseRanges(stats.min, stats.max, sortedSample, parts);
  return { ranges, method: ranges.length === 1 ? 'single' : method, rows: stats.rows };
}

/**
 * How to sample `keyed` keys down to about `sampleSize`: all of them (exact quantiles, cheap
 * when few), or the fraction to keep.
 */
export function samplePlan(
  keyed: number,
  sampleSize = DEFAULT_SAMPLE_SIZE,
): { all: true } | { fraction: number } {
  return keyed <= sampleSize ? { all: true } : { fraction: sampleSize / keyed };
}

/** A prime modulus, and the multiplier nearest its golden-ratio fraction: products stay below 2^62. */
const HASH_MODULUS = 2147483647;
const HASH_MULTIPLIER = 1327217885;

/**
 * A deterministic row sample as a SQL condition that PostgreSQL, MySQL and SQLite all evaluate
 * alike: keeps the keys whose multiplicative (Fibonacci) hash falls under `fraction`. The
 * golden-ratio multiplier spreads consecutive keys as evenly as any multiplier can, so the kept
 * keys are spread over the whole key span; the sample is repeatable (the same ranges for the
 * same data) and needs only the key column, so the database can answer it from the key's index.
 * `key64` is the key as a 64-bit integer expression (PostgreSQL: `"id"::int8`, so the product
 * does not overflow an int4).
 */
export function sampleCondition(key64: string, fraction: number): string {
  const threshold = Math.max(1, Math.ceil(Math.min(1, fraction) * HASH_MODULUS));
  return `abs(${key64} % ${HASH_MODULUS}) * ${HASH_MULTIPLIER} % ${HASH_MODULUS} < ${threshold}`;
}

/**
 * The SQL condition selecting a range's rows: integer literals only, e.g.
 * `"id" >= 100 AND "id" < 200`; the last range adds `OR "id" IS NULL` (in parentheses) and
 * the whole table is `1 = 1`. `quotedKey` is the key column quoted the database's way.
 */
export function rangeCondition(range: KeyRange, quotedKey: string): string {
  const bounds: string[] = [];
  if (range.from !== undefined) bounds.push(`${quotedKey} >= ${range.from.toString()}`);
  if (range.to !== undefined) bounds.push(`${quotedKey} < ${range.to.toString()}`);
  if (range.to !== undefined) return bounds.join(' AND ');
  return bounds.length === 0 ? '1 = 1' : `(${bounds[0]} OR ${quotedKey} IS NULL)`;
}

/** Conditions joined with AND, each in parentheses so an `OR` inside one stays inside; empty ones skipped. */
export function andConditions(...conditions: (string | undefined)[]): string | undefined {
  const present = conditions.filter((c): c is string => c !== undefined && c.trim() !== '');
  if (present.length <= 1) return present[0];
  return present.map((c) => `(${c})`).join(' AND ');
}

/** A range as people read it: `(-∞, 100)`, `[100, 200)`, `[200, +∞) + NULL`, `all rows`. */
export function describeRange(range: KeyRange): string {
  if (range.from === undefined && range.to === undefined) return 'all rows';
  const from = range.from === undefined ? '(-∞' : `[${range.from.toString()}`;
  const to = range.to === undefined ? '+∞) + NULL' : `${range.to.toString()})`;
  return `${from}, ${to}`;
}

/** Why a key cannot split a table, worded alike for every database. */
export const splitReasons = {
  missingTable: (table: string) => `table ${table} was not found`,
  missingColumn: (label: string, key: string, table: string) =>
    `${label} ${key} is not a column of table ${table}`,
  notInteger: (label: string, key: string, type: string) =>
    `${label} ${key} is not an integer column (${type})`,
  notIntegerValues: (label: string, key: string) => `${label} ${key} holds values that are not integers`,
};
