import { Type, type Static } from '@sinclair/typebox';
import { laneDone, type Batch, type Checkpoint, type ResumePoint } from '../../../src-main/engine/batch';
import type { Input, LanePlan } from '../../../src-main/engine/component';
import { andConditions, describeRange, rangeCondition, type KeyRange, type KeyRangePlan } from './key-ranges';
import type { SqlSingleQuery } from './config';

/*
 * The input side every SQL connector shares: which rows a run reads (query, filter, the
 * incremental watermark), how they are split into lanes (`query.split_key`), and the SQL each
 * lane runs. A connector supplies a `SqlSource`: how to quote, run one-value queries, plan key
 * ranges and stream a SELECT. Conditions are inlined as SQL text (ranges are integer literals,
 * watermarks are checked to be plain date/number text), so split planning sees the same WHERE.
 */

/** `incremental`: read only rows past the watermark the job's last completed run stored. */
export const IncrementalSchema = Type.Object(
  {
    column: Type.String({
      minLength: 1,
      description:
        'An increasing column (an id, or a timestamp set on insert/update). Each run reads the rows whose value is above the last completed run’s maximum, up to the maximum when the run starts.',
    }),
    initial: Type.Optional(
      Type.String({
        description:
          'Watermark for the first run (e.g. "2024-01-01 00:00:00"); without it the first run reads every row.',
      }),
    ),
  },
  { additionalProperties: false, description: 'Incremental reads by a watermark column.' },
);
export type Incremental = Static<typeof IncrementalSchema>;

/** A watermark is inlined into SQL: only date, time and number text is accepted. */
const SAFE_WATERMARK = /^[0-9A-Za-z :.+\-_]{1,64}$/;

/** What a SQL connector provides to read. */
export interface SqlSource {
  /** The database as messages name it: `PostgreSQL`, `MySQL`, `SQLite`. */
  name: string;
  quoteIdent(name: string): string;
  quoteTable(name: string): string;
  /** An aggregate giving the maximum of a (quoted) column as text in the database's own format. */
  maxAsText(quotedColumn: string): string;
  /** Runs a query returning one row with one value (or none); the value as text, or null. */
  queryText(sql: string): Promise<string | null>;
  /** Splits `table` by an integer key (`split.ts`); absent when the connector reads in one lane. */
  planKeyRanges?(request: {
    table: string;
    key: string;
    filter?: string;
    parts: number;
  }): Promise<KeyRangePlan>;
  /** Why this connector reads in one lane whatever `pipeline.channels` says. */
  oneLaneReason?: string;
  /**
   * Shares one snapshot between the lanes, where the database can (PostgreSQL exports one); the
   * result is passed to `read` and released when the read ends. Absent: each lane has its own.
   */
  shareSnapshot?(): Promise<{ id: string; release(): Promise<void> }>;
  /** What lanes see when they cannot share a snapshot, said in the run's notes. */
  separateSnapshotsNote?: string;
  /** Streams a SELECT in batches (inside a read-only transaction, using the shared snapshot if any). */
  read(sql: string, signal: AbortSignal, snapshot?: string): AsyncIterable<Batch>;
  /** Rows of a whole table, cheaply (catalog statistics); undefined when unknown. */
  estimateTableRows?(table: string): Promise<number | undefined>;
}

export interface SqlInputConfig {
  /** A table or a SQL query; `query.tables` is read by `SqlTablesInput`. */
  query: SqlSingleQuery;
  incremental?: Incremental;
}

/**
 * An `Input` over a `SqlSource`: plans lanes from `query.split_key`, applies the incremental
 * watermark (`previousWatermark`, stored by the host after the last completed run) and reports
 * the next one through `watermark()`.
 */
export class SqlInput implements Input {
  private ranges: KeyRange[] = [{ index: 0 }];
  /** Per lane, the last split key a resumed run's earlier run wrote; the lane reads past it. */
  private resumeKeys: (bigint | undefined)[] = [];
  /**
   * Set when the rows can be read in split-key order (a table with `query.split_key`): each lane then
   * reads its range in key order, its checkpoints carry the last key written, and a resumed run
   * reads only past it.
   */
  readonly resume?: (point: ResumePoint) => Promise<LanePlan>;
  /** The WHERE every lane applies: the filter, and once planned, the watermark bounds. */
  private conditions: string | undefined;
  /** The incremental upper bound fixed when the run started; undefined: no incremental or no new rows. */
  private upper: string | null | undefined;
  private snapshot: { id: string; release(): Promise<void> } | undefined;
  private started = 0;

  constructor(
    private readonly config: SqlInputConfig,
    private readonly source: SqlSource,
    private readonly previousWatermark?: string,
  ) {
    this.conditions = 'table' in config.query ? config.query.filter : undefined;
    if (this.splitKey() !== undefined) this.resume = (point) => this.resumeLanes(point);
  }

  async plan(requested: number): Promise<LanePlan> {
    const notes: string[] = [];
    await this.planConditions(notes);
    this.ranges = [{ index: 0 }];
    this.resumeKeys = [];
    const { query } = this.config;
    const splitKey = this.splitKey();
    if (requested > 1) {
      if (!splitKey) notes.push('query.split_key is not set: reading in one lane');
      else if (!this.source.planKeyRanges) notes.push(this.source.oneLaneReason ?? 'reading in one lane');
      else if ('table' in query) {
        const plan = await this.source.planKeyRanges({
          table: query.table,
          key: splitKey,
          filter: this.conditions,
          parts: requested,
        });
        if (plan.ranges === null) notes.push(`${plan.reason}: reading in one lane`);
        else {
          this.ranges = plan.ranges;
          if (plan.ranges.length > 1) {
            notes.push(
              `split_key ${splitKey}: ${plan.ranges.length} lanes by ${plan.method === 'quantile' ? 'sampled quantiles (the keys are uneven)' : 'equal key spans'}: ${plan.ranges.map(describeRange).join(' ')}`,
            );
            await this.shareSnapshotIfSplit(notes);
          }
        }
      }
    }
    return { lanes: this.ranges.length, ...(notes.length > 0 ? { note: notes.join('; ') } : {}) };
  }

  /** The earlier run's lanes and ranges, each lane reading past the last key it wrote. */
  private async resumeLanes(point: ResumePoint): Promise<LanePlan> {
    const notes: string[] = [];
    await this.planConditions(notes);
    this.ranges = [];
    this.resumeKeys = [];
    for (let lane = 0; lane < point.lanes; lane++) {
      const position = point.positions[lane];
      const range = position === undefined ? undefined : rangeOf(position.range, lane);
      if (!range)
        throw new Error(
          `the checkpoint of lane ${lane} names no key range: it was not written by a split_key read`,
        );
      this.ranges.push(range);
      this.resumeKeys.push(laneDone(position) ? undefined : keyOf(position?.key));
    }
    notes.push(
      `${this.ranges.length} lane(s) continue past their last written ${this.splitKey()}: ${this.ranges
        .map((range, lane) => {
          const key = this.resumeKeys[lane];
          return key === undefined ? describeRange(range) : `${describeRange(range)} > ${key.toString()}`;
        })
        .join(' ')}`,
    );
    if (this.ranges.length > 1) await this.shareSnapshotIfSplit(notes);
    return { lanes: this.ranges.length, note: notes.join('; ') };
  }

  startPositions(): (Checkpoint | undefined)[] {
    if (this.splitKey() === undefined) return [];
    return this.ranges.map((range, lane) => positionOf(range, this.resumeKeys[lane] ?? null, 0));
  }

  private splitKey(): string | undefined {
    const { query } = this.config;
    return 'table' in query ? query.split_key : undefined;
  }

  private async shareSnapshotIfSplit(notes: string[]): Promise<void> {
    if (this.source.shareSnapshot) this.snapshot = await this.source.shareSnapshot();
    else if (this.source.separateSnapshotsNote) notes.push(this.source.separateSnapshotsNote);
  }

  /** The filter and the incremental bounds every lane applies. */
  private async planConditions(notes: string[]): Promise<void> {
    const { query, incremental } = this.config;
    const filter = 'table' in query ? query.filter : undefined;
    let watermarkCondition: string | undefined;
    if (incremental) {
      const column = this.source.quoteIdent(incremental.column);
      const previous = this.previousWatermark ?? incremental.initial;
      const past =
        previous === undefined ? undefined : `${column} > ${literal(previous, 'incremental watermark')}`;
      this.upper = await this.source.queryText(
        `SELECT ${this.source.maxAsText(column)} FROM ${this.from(andConditions(filter, past))}`,
      );
      if (this.upper === null) {
        notes.push(
          previous === undefined
            ? `no rows to read: ${incremental.column} is NULL or the table is empty`
            : `no rows past the watermark ${incremental.column} > ${previous}`,
        );
        // An impossible condition keeps the columns (the output still sees the shape) and reads nothing.
        watermarkCondition = '1 = 0';
      } else {
        watermarkCondition = andConditions(
          past,
          `${column} <= ${literal(this.upper, 'incremental watermark')}`,
        );
        notes.push(
          `incremental: ${incremental.column} ${previous === undefined ? 'from the start' : `> ${previous}`} up to ${this.upper}`,
        );
      }
    }
    this.conditions = andConditions(filter, watermarkCondition);
  }

  async *read(lane: number, lanes: number, signal: AbortSignal): AsyncGenerator<Batch> {
    const range = this.ranges.length === lanes ? this.ranges[lane] : { index: 0 };
    const splitKey = this.splitKey();
    const quotedKey = splitKey === undefined ? undefined : this.source.quoteIdent(splitKey);
    const after = this.resumeKeys[lane];
    const where = andConditions(
      this.conditions,
      quotedKey && lanes > 1 ? rangeCondition(range, quotedKey) : undefined,
      // NULL keys sort apart from the others (first in MySQL): a resumed last lane reads them again.
      quotedKey && after !== undefined
        ? `${quotedKey} > ${after.toString()}${range.to === undefined ? ` OR ${quotedKey} IS NULL` : ''}`
        : undefined,
    );
    try {
      if (!splitKey || !quotedKey) {
        yield* this.source.read(this.select(where), signal, this.snapshot?.id);
        return;
      }
      // In key order, so a checkpoint's last key says every row below it in the lane was read.
      const batches = this.source.read(
        `${this.select(where)} ORDER BY ${quotedKey}`,
        signal,
        this.snapshot?.id,
      );
      let keyIndex: number | undefined;
      let lastKey = after ?? null;
      let rows = 0;
      for await (const batch of batches) {
        keyIndex ??= batch.columns.findIndex((c) => c.name.toLowerCase() === splitKey.toLowerCase());
        rows += batch.rows.length;
        if (keyIndex >= 0) {
          for (let i = batch.rows.length - 1; i >= 0; i--) {
            const key = keyOf(batch.rows[i][keyIndex]);
            if (key !== undefined) {
              lastKey = key;
              break;
            }
          }
        }
        // Without the key among the columns read, the position can only say how many rows were read.
        yield { ...batch, checkpoint: keyIndex >= 0 ? positionOf(range, lastKey, rows) : { rows } };
      }
    } finally {
      // Every lane has begun its transaction in the snapshot once it read: the exporter may go.
      if (++this.started === lanes) await this.releaseSnapshot();
    }
  }

  async estimateTotal(): Promise<number | undefined> {
    const { query } = this.config;
    if ('table' in query && this.conditions === undefined && this.source.estimateTableRows)
      return this.source.estimateTableRows(query.table);
    return undefined;
  }

  /** The watermark to store once the run's writes are committed: the maximum this run read up to. */
  watermark(): string | undefined {
    if (!this.config.incremental) return undefined;
    return this.upper ?? this.previousWatermark ?? this.config.incremental.initial;
  }

  async close(): Promise<void> {
    await this.releaseSnapshot();
  }

  private async releaseSnapshot(): Promise<void> {
    const snapshot = this.snapshot;
    this.snapshot = undefined;
    await snapshot?.release();
  }

  /** The query's rows as a FROM item, narrowed by `where`. */
  private from(where: string | undefined): string {
    const { query } = this.config;
    const narrowed = where ? ` WHERE ${where}` : '';
    if ('table' in query) return `${this.source.quoteTable(query.table)}${narrowed}`;
    // A trailing semicolon would end the subquery early.
    return `(${query.sql.trim().replace(/;+$/, '')}) fustgo_query${narrowed}`;
  }

  /** The SELECT a lane runs. */
  private select(where: string | undefined): string {
    const { query } = this.config;
    if ('table' in query) {
      const columns = query.columns?.length ? query.columns.map(this.source.quoteIdent).join(', ') : '*';
      return `SELECT ${columns} FROM ${this.from(where)}`;
    }
    return where ? `SELECT * FROM ${this.from(where)}` : query.sql;
  }
}

/** A lane's position as checkpoints carry it (JSON: key bounds as decimal text). */
function positionOf(range: KeyRange, key: bigint | null, rows: number): Checkpoint {
  return {
    range: {
      index: range.index,
      ...(range.from !== undefined ? { from: range.from.toString() } : {}),
      ...(range.to !== undefined ? { to: range.to.toString() } : {}),
    },
    key: key === null ? null : key.toString(),
    rows,
  };
}

/** The key range a checkpoint names, or undefined when it names none. */
function rangeOf(value: unknown, lane: number): KeyRange | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { from, to } = value as { from?: unknown; to?: unknown };
  const range: KeyRange = { index: lane };
  if (from !== undefined) {
    const key = keyOf(from);
    if (key === undefined) return undefined;
    range.from = key;
  }
  if (to !== undefined) {
    const key = keyOf(to);
    if (key === undefined) return undefined;
    range.to = key;
  }
  return range;
}

/** An integer split key from a row value or a checkpoint (number, bigint or decimal text). */
function keyOf(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  return undefined;
}

/** A watermark as a SQL string literal, refused when it is not plain date/number text. */
function literal(value: string, what: string): string {
  if (!SAFE_WATERMARK.test(value))
    throw new Error(`${what} ${JSON.stringify(value)} is not a plain number, date or time`);
  return `'${value}'`;
}
