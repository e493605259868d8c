import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  andConditions,
  chooseRanges,
  describeRange,
  evenRanges,
  planFromStats,
  quantileRanges,
  rangeCondition,
  rangeContains,
  sampleCondition,
  sampleCounts,
  samplePlan,
  type KeyRange,
} from './key-ranges';

/** Every range follows the previous one without a gap; the first is open below, the last above. */
function expectContiguous(ranges: KeyRange[]): void {
  expect(ranges[0].from).toBeUndefined();
  expect(ranges.at(-1)?.to).toBeUndefined();
  ranges.forEach((range, i) => {
    expect(range.index).toBe(i);
    if (i > 0) expect(range.from).toBe(ranges[i - 1].to);
    if (range.from !== undefined && range.to !== undefined) expect(range.from < range.to).toBe(true);
  });
}

const sorted = (keys: bigint[]) => [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

describe('evenRanges', () => {
  it('splits [min, max] into equal spans, open at both ends', () => {
    expect(evenRanges(1n, 100n, 4)).toEqual([
      { index: 0, to: 26n },
      { index: 1, from: 26n, to: 51n },
      { index: 2, from: 51n, to: 76n },
      { index: 3, from: 76n },
    ]);
  });

  it('gives fewer ranges when the span has fewer keys than parts, never an empty one', () => {
    const ranges = evenRanges(10n, 12n, 8);
    expect(ranges).toHaveLength(3);
    expectContiguous(ranges);
    for (const key of [10n, 11n, 12n]) expect(ranges.filter((r) => rangeContains(r, key))).toHaveLength(1);
    expect(evenRanges(5n, 5n, 4)).toEqual([{ index: 0 }]);
    expect(evenRanges(1n, 100n, 1)).toEqual([{ index: 0 }]);
  });

  it('handles negative and 64-bit keys exactly', () => {
    const ranges = evenRanges(-9223372036854775808n, 9223372036854775807n, 4);
    expectContiguous(ranges);
    expect(ranges.map((r) => r.to)).toEqual([-4611686018427387904n, 0n, 4611686018427387904n, undefined]);
  });
});

describe('quantileRanges', () => {
  it('puts boundaries at the sample quantiles, so skewed keys get balanced ranges', () => {
    // 900 keys packed in 1..900, 100 spread up to a million.
    const sample = [
      ...Array.from({ length: 900 }, (_, i) => BigInt(i + 1)),
      ...Array.from({ length: 100 }, (_, i) => BigInt((i + 1) * 10_000)),
    ];
    const ranges = quantileRanges(sample, 4);
    expectContiguous(ranges);
    expect(sampleCounts(ranges, sample)).toEqual([250, 250, 250, 250]);
  });

  it('collapses repeated keys: a key value is never split and no range is empty', () => {
    const sample = sorted([...Array<bigint>(90).fill(7n), 1n, 2n, 3n, 8n, 9n, 10n, 11n, 12n, 13n, 14n]);
    const ranges = quantileRanges(sample, 8);
    expectContiguous(ranges);
    const counts = sampleCounts(ranges, sample);
    expect(counts.every((n) => n > 0)).toBe(true);
    expect(ranges.filter((r) => rangeContains(r, 7n))).toHaveLength(1);
    expect(new Set(ranges.map((r) => r.to)).size).toBe(ranges.length);
  });

  it('is one range for an empty sample or one part', () => {
    expect(quantileRanges([], 4)).toEqual([{ index: 0 }]);
    expect(quantileRanges([1n, 2n, 3n], 1)).toEqual([{ index: 0 }]);
    expect(quantileRanges([5n, 5n, 5n], 3)).toEqual([{ index: 0 }]);
  });
});

describe('chooseRanges', () => {
  const uniform = Array.from({ length: 1000 }, (_, i) => BigInt(i * 7 + 3));

  it('keeps even ranges for evenly spread keys', () => {
    expect(chooseRanges(3n, 6996n, uniform, 4).method).toBe('even');
  });

  it('takes quantile ranges when even ones would be badly unbalanced', () => {
    const skewed = sorted([
      ...Array.from({ length: 950 }, (_, i) => BigInt(i)),
      500_000n,
      1_000_000n,
      ...Array.from({ length: 48 }, (_, i) => BigInt(2_000_000 + i)),
    ]);
    const chosen = chooseRanges(0n, 2_000_047n, skewed, 4);
    expect(chosen.method).toBe('quantile');
    expect(Math.max(...sampleCounts(chosen.ranges, skewed))).toBeLessThanOrEqual(300);
  });

  it('keeps even ranges when the sample is too small to judge', () => {
    expect(chooseRanges(0n, 1_000_000n, [1n, 2n, 3n], 4).method).toBe('even');
  });
});

describe('planFromStats', () => {
  it('is one range when no row has a key, or one part is asked', () => {
    expect(planFromStats({ min: null, max: null, rows: 5, keyed: 0 }, [], 4)).toEqual({
      ranges: [{ index: 0 }],
      method: 'single',
      rows: 5,
    });
    expect(planFromStats({ min: 1n, max: 9n, rows: 9, keyed: 9 }, [], 1).ranges).toEqual([{ index: 0 }]);
  });

  it('samples everything up to the sample size, a fraction beyond', () => {
    expect(samplePlan(500, 1000)).toEqual({ all: true });
    expect(samplePlan(100_000, 1000)).toEqual({ fraction: 0.01 });
  });
});

describe('range conditions', () => {
  it('writes integer literals, the last range taking NULL keys', () => {
    expect(rangeCondition({ index: 0, to: 100n }, '"id"')).toBe('"id" < 100');
    expect(rangeCondition({ index: 1, from: 100n, to: 200n }, '"id"')).toBe('"id" >= 100 AND "id" < 200');
    expect(rangeCondition({ index: 2, from: -5n }, '`id`')).toBe('(`id` >= -5 OR `id` IS NULL)');
    expect(rangeCondition({ index: 0 }, '"id"')).toBe('1 = 1');
  });

  it('joins conditions with AND, each in parentheses', () => {
    expect(andConditions("status = 'paid' OR qty > 1", '("id" >= 5 OR "id" IS NULL)', undefined, ' ')).toBe(
      `(status = 'paid' OR qty > 1) AND (("id" >= 5 OR "id" IS NULL))`,
    );
    expect(andConditions(undefined, 'a = 1')).toBe('a = 1');
    expect(andConditions()).toBeUndefined();
  });

  it('reads every row exactly once, NULL keys included, as SQL', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (id INTEGER)');
    const keys: (bigint | null)[] = [null, -50n, 0n, 1n, 25n, 26n, 99n, 100n, 1000n, null];
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    for (const key of keys) insert.run(key);
    const ranges = evenRanges(0n, 100n, 4);
    const seen = ranges.flatMap(
      (range) =>
        db
          .prepare(`SELECT id FROM t WHERE ${rangeCondition(range, '"id"')}`)
          .pluck()
          .safeIntegers(true)
          .all() as (bigint | null)[],
    );
    expect(sorted(seen.filter((k): k is bigint => k !== null))).toEqual(
      sorted(keys.filter((k): k is bigint => k !== null)),
    );
    expect(seen.filter((k) => k === null)).toHaveLength(2);
    for (const key of keys) expect(ranges.filter((r) => rangeContains(r, key))).toHaveLength(1);
    db.close();
  });

  it('describes ranges for people', () => {
    expect(describeRange({ index: 0, to: 100n })).toBe('(-∞, 100)');
    expect(describeRange({ index: 1, from: 100n, to: 200n })).toBe('[100, 200)');
    expect(describeRange({ index: 2, from: 200n })).toBe('[200, +∞) + NULL');
    expect(describeRange({ index: 0 })).toBe('all rows');
  });
});

describe('sampleCondition', () => {
  it('keeps about the asked fraction of consecutive and negative keys, the same ones each time', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (id INTEGER)');
    db.exec(
      'WITH RECURSIVE s(n) AS (SELECT -50000 UNION ALL SELECT n + 1 FROM s WHERE n < 49999) INSERT INTO t SELECT n FROM s',
    );
    const count = () =>
      db
        .prepare(`SELECT count(*) FROM t WHERE ${sampleCondition('id', 0.01)}`)
        .pluck()
        .get() as number;
    const n = count();
    expect(n).toBeGreaterThan(950);
    expect(n).toBeLessThan(1050);
    expect(count()).toBe(n);
    // Spread over the whole span: every tenth of it holds about a tenth of the sample.
    const tenths = db
      .prepare(
        `SELECT (id + 50000) / 10000 AS tenth, count(*) AS n FROM t WHERE ${sampleCondition('id', 0.01)} GROUP BY tenth`,
      )
      .all() as { n: number }[];
    expect(tenths).toHaveLength(10);
    for (const { n: inTenth } of tenths) expect(Math.abs(inTenth - n / 10)).toBeLessThan(n / 50);
    db.close();
  });
});
