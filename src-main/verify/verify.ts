import {
  describeRange,
  WHOLE_TABLE,
  type KeyRange,
  type SplitMethod,
} from '../../connectors/shared/sql/key-ranges';
import type { ComparedColumn, RangeDigest, TableDigester } from '../../connectors/shared/sql/range-digest';
import type { LogicalType } from '../../src-shared/types/logical';
import type { LoadedConfig } from '../config';
import { pairColumns, keyCandidates, type ColumnPair, type KeyCandidate } from './columns';
import { describeSide, verifyShape, type TableSide, type VerifyShape } from './shape';
import { openDigester } from './sides';

/*
 * `fustgo verify`: reconciles the copy a pipeline made. The source table (with the pipeline's
 * filter) and the target table are cut into the same ranges of an integer key; each database
 * counts and hashes each range itself (`range-digest.ts` of each connector), a few ranges at a
 * time on both sides at once, so no row is pulled into this process; ranges whose count or
 * hash differ are the ones to look at, or to copy again (`repair.ts`).
 */

/** Ranges a table is cut into by default. */
export const DEFAULT_RANGES = 16;
/** Connections per database, and ranges digested at once. */
export const DEFAULT_CONCURRENCY = 4;

export interface VerifyOptions {
  /** Ranges to cut the table into (default 16); fewer when the keys do not allow as many. */
  ranges?: number;
  /** Connections per database (default 4). */
  concurrency?: number;
  signal?: AbortSignal;
  /** Opens a side's digester (tests replace it). */
  openDigester?: (side: TableSide, concurrency: number) => Promise<TableDigester>;
}

/** The key the ranges are of. */
export interface RangeKey extends KeyCandidate {
  /** How the ranges were drawn. */
  method: SplitMethod;
}

/** One range compared. */
export interface RangeCheck {
  index: number;
  range: KeyRange;
  /** The range as people read it: `[100, 200)`. */
  interval: string;
  source: RangeDigest;
  target: RangeDigest;
  match: boolean;
}

/** Everything `fustgo verify` reports. */
export interface VerifyReport {
  file: string;
  source: { side: string; table: string; filter?: string };
  target: { side: string; table: string };
  /** Null when no integer key was found: the whole table is one range. */
  key: RangeKey | null;
  columns: { source: string; target: string; as: LogicalType }[];
  notes: string[];
  ranges: RangeCheck[];
  summary: {
    ranges: number;
    matched: number;
    mismatched: number;
    sourceRows: number;
    targetRows: number;
    ok: boolean;
  };
  durationMs: number;
}

/** Runs `work` over `items`, at most `concurrency` at a time, results in item order; stops starting new work once `signal` aborts. */
async function mapConcurrently<T, R>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      signal?.throwIfAborted();
      const at = next++;
      results[at] = await work(items[at]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/**
 * An open comparison of a pipeline's source and target tables: digesters on both sides, the
 * column pairs and the key. `plan` cuts the ranges, `check` compares any of them (again after
 * a repair), `close` releases the connections.
 */
export class Verification {
  private constructor(
    readonly loaded: LoadedConfig,
    readonly shape: VerifyShape,
    readonly sourceDigester: TableDigester,
    readonly targetDigester: TableDigester,
    readonly pairs: ColumnPair[],
    readonly notes: string[],
    private readonly concurrency: number,
    private readonly signal?: AbortSignal,
  ) {}

  /** Opens both sides and pairs the columns; throws `NotVerifiable` for a pipeline verify cannot compare. */
  static async open(loaded: LoadedConfig, options: VerifyOptions = {}): Promise<Verification> {
    const shape = verifyShape(loaded);
    const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
    const open = options.openDigester ?? openDigester;
    const [source, target] = await Promise.allSettled([
      open(shape.source, concurrency),
      open(shape.target, concurrency),
    ]);
    if (source.status === 'rejected' || target.status === 'rejected') {
      if (source.status === 'fulfilled') await source.value.close();
      if (target.status === 'fulfilled') await target.value.close();
      throw source.status === 'rejected' ? source.reason : (target as PromiseRejectedResult).reason;
    }
    try {
      const [sourceColumns, targetColumns] = await Promise.all([
        source.value.describe(shape.source.table),
        target.value.describe(shape.target.table),
      ]);
      const { pairs, notes } = pairColumns(shape, sourceColumns, targetColumns);
      notes.unshift(...source.value.notes, ...target.value.notes);
      return new Verification(
        loaded,
        shape,
        source.value,
        target.value,
        pairs,
        notes,
        concurrency,
        options.signal,
      );
    } catch (error) {
      await Promise.all([source.value.close(), target.value.close()]);
      throw error;
    }
  }

  /**
   * The key and its ranges: the first key candidate (split_key, conflict.key, primary key)
   * that is an integer on both sides; without one, the whole table as one range.
   */
  async plan(parts: number): Promise<{ key: RangeKey | null; ranges: KeyRange[] }> {
    const primaryKey = await this.sourceDigester.primaryKey(this.shape.source.table);
    const { candidates, notes } = keyCandidates(this.shape, this.pairs, primaryKey);
    this.notes.push(...notes);
    for (const candidate of candidates) {
      const plan = await this.sourceDigester.planKeyRanges({
        table: this.shape.source.table,
        key: candidate.source,
        filter: this.shape.filter,
        parts,
        label: candidate.origin,
      });
      if (!plan.ranges) {
        this.notes.push(plan.reason);
        continue;
      }
      // The target is cut with the same integer literals: its key column must be an integer too.
      const target = this.pairs.find((p) => p.target.name === candidate.target)?.target;
      if (target && target.type !== 'int' && target.type !== 'bigint') {
        this.notes.push(
          `${candidate.origin} ${candidate.target} is not an integer column in the target (${target.type})`,
        );
        continue;
      }
      return { key: { ...candidate, method: plan.method }, ranges: plan.ranges };
    }
    this.notes.push(
      candidates.length === 0 && primaryKey.length !== 1
        ? 'no integer key (split_key, a one-column conflict.key or primary key): the whole table is compared as one range'
        : 'the whole table is compared as one range',
    );
    return { key: null, ranges: [WHOLE_TABLE] };
  }

  /** Counts and hashes `ranges` on both sides, a few at a time, both sides at once. */
  async check(key: RangeKey | null, ranges: KeyRange[]): Promise<RangeCheck[]> {
    const columns = (side: 'source' | 'target'): ComparedColumn[] =>
      this.pairs.map((pair) => ({ column: pair[side], as: pair.as }));
    const sourceColumns = columns('source');
    const targetColumns = columns('target');
    return mapConcurrently(
      ranges,
      this.concurrency,
      async (range): Promise<RangeCheck> => {
        const [source, target] = await Promise.all([
          this.sourceDigester.digest({
            table: this.shape.source.table,
            columns: sourceColumns,
            key: key?.source,
            range,
            filter: this.shape.filter,
          }),
          this.targetDigester.digest({
            table: this.shape.target.table,
            columns: targetColumns,
            key: key?.target,
            range,
          }),
        ]);
        return {
          index: range.index,
          range,
          interval: describeRange(range),
          source,
          target,
          match: source.rows === target.rows && source.sum === target.sum,
        };
      },
      this.signal,
    );
  }

  async close(): Promise<void> {
    await Promise.all([this.sourceDigester.close(), this.targetDigester.close()]);
  }
}

/** The report of some range checks. */
export function buildReport(
  verification: Verification,
  key: RangeKey | null,
  checks: RangeCheck[],
  durationMs: number,
): VerifyReport {
  const { shape, loaded } = verification;
  const matched = checks.filter((c) => c.match).length;
  return {
    file: loaded.file,
    source: { side: describeSide(shape.source), table: shape.source.table, filter: shape.filter },
    target: { side: describeSide(shape.target), table: shape.target.table },
    key,
    columns: verification.pairs.map((p) => ({ source: p.source.name, target: p.target.name, as: p.as })),
    notes: [...verification.notes],
    ranges: checks,
    summary: {
      ranges: checks.length,
      matched,
      mismatched: checks.length - matched,
      sourceRows: checks.reduce((n, c) => n + c.source.rows, 0),
      targetRows: checks.reduce((n, c) => n + c.target.rows, 0),
      ok: matched === checks.length,
    },
    durationMs,
  };
}

/** Verifies the copy made by a (valid) pipeline config: every range, on both sides. */
export async function verifyPipeline(
  loaded: LoadedConfig,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const started = performance.now();
  const verification = await Verification.open(loaded, options);
  try {
    const { key, ranges } = await verification.plan(options.ranges ?? DEFAULT_RANGES);
    const checks = await verification.check(key, ranges);
    return buildReport(verification, key, checks, Math.round(performance.now() - started));
  } finally {
    await verification.close();
  }
}
