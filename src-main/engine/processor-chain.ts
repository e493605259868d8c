import type { Column, Row } from './batch';
import type { BoundRouter } from './branches';
import type { BoundProcessor, ProcessContext, Processor } from './component';
import { rowPreview, type RejectTracker, type SkippedRows } from './rejects';
import { atStage, messageOf, StageError } from './stage-error';
import type { StatsAccumulator } from './stats';

/*
 * The processor chain of one lane: binds the processors to each input shape, runs batches
 * through them, applies each processor's `on_error` to the rows it rejects (`ctx.reject`), counts
 * what every processor was handed and passed on, and flushes the rows processors held back once
 * the lane's input ended.
 */

/** What a processor does with a row it cannot process (`on_error` beside its `type`). */
export const ON_ERROR_MODES = ['fail', 'skip', 'dead_letter'] as const;
export type OnError = (typeof ON_ERROR_MODES)[number];
/** A bad row is kept with its error, never lost; `pipeline.error_limit` decides whether the run goes on. */
export const DEFAULT_ON_ERROR: OnError = 'dead_letter';

/** A processor of the plan, where it sits in the config and what it does with bad rows. */
export interface PlannedProcessor {
  /** `pipeline.processors[1]`: locates errors, names its dead letters and its counters. */
  path: string;
  processor: Processor;
  /** Its `type` in the config, for reports. */
  type?: string;
  /** Default `dead_letter`. */
  onError?: OnError;
}

/** Binds each processor to its predecessor's columns; returns the last one's columns and the bound steps. */
export function bindProcessors(
  processors: PlannedProcessor[],
  columns: Column[],
): { columns: Column[]; steps: { planned: PlannedProcessor; bound: BoundProcessor; input: Column[] }[] } {
  const steps = [];
  let current = columns;
  for (const planned of processors) {
    let bound: BoundProcessor;
    try {
      bound = planned.processor.bind(current);
    } catch (error) {
      throw atStage(planned.path, error);
    }
    steps.push({ planned, bound, input: current });
    current = bound.columns;
  }
  return { columns: current, steps };
}

/** What the steps of all lanes share. */
export interface ChainServices {
  stats: StatsAccumulator;
  rejects: RejectTracker;
  skipped: SkippedRows;
  /** Lanes of the run: row numbers in messages name the lane when there are several. */
  lanes: number;
}

/** Thrown by `ctx.reject` under `on_error: fail`: unwinds `process` with the row it concerns. */
class RowFailure extends Error {
  constructor(
    readonly row: Row,
    readonly error: unknown,
  ) {
    super(messageOf(error));
    this.name = 'RowFailure';
  }
}

const NO_ROWS: Row[] = [];

/** One bound processor in one lane, with its `on_error` applied to the rows it rejects. */
class Step {
  readonly ctx: ProcessContext;
  private readonly onError: OnError;
  private pending: { row: Row; error: string }[] = [];
  /** Rows handed to it in this lane before the current batch, for row numbers in messages. */
  private received = 0;
  private batch: Row[] = NO_ROWS;

  constructor(
    private readonly planned: PlannedProcessor,
    private readonly bound: BoundProcessor,
    /** The columns of the rows it is handed: its dead letters are written with them. */
    private readonly input: Column[],
    private readonly lane: number,
    private readonly table: string | undefined,
    private readonly services: ChainServices,
  ) {
    this.onError = planned.onError ?? DEFAULT_ON_ERROR;
    this.ctx =
      this.onError === 'fail'
        ? {
            reject(row, error) {
              throw new RowFailure(row, error);
            },
          }
        : { reject: (row, error) => void this.pending.push({ row, error: messageOf(error) }) };
  }

  get canFlush(): boolean {
    return this.bound.flush !== undefined;
  }

  process(rows: Row[]): Promise<Row[]> {
    return this.apply(
      rows,
      (ctx) => this.bound.process(rows, ctx),
      (out) => out.length,
    );
  }

  /** For a router (a closing `conditional`): the rows per way; those that went down none count as dropped. */
  route(rows: Row[]): Promise<Row[][]> {
    const router = this.bound as BoundRouter;
    return this.apply(
      rows,
      (ctx) => router.route(rows, ctx),
      (ways) => ways.reduce((sum, way) => sum + way.length, 0),
    );
  }

  /** Runs one call of the bound processor over `rows`, then counts it and applies `on_error` to what it rejected. */
  private async apply<T>(
    rows: Row[],
    call: (ctx: ProcessContext) => T,
    passedOn: (out: T) => number,
  ): Promise<T> {
    if (this.bound.prepare) {
      try {
        await this.bound.prepare(rows);
      } catch (error) {
        throw atStage(this.planned.path, error);
      }
    }
    this.batch = rows;
    let out: T;
    try {
      out = call(this.ctx);
    } catch (error) {
      throw this.located(error, false);
    } finally {
      this.batch = NO_ROWS;
    }
    await this.settle(rows.length, passedOn(out));
    return out;
  }

  async flush(): Promise<Row[]> {
    if (!this.bound.flush) return NO_ROWS;
    let out: Row[];
    try {
      out = this.bound.flush(this.ctx);
    } catch (error) {
      throw this.located(error, true);
    }
    await this.settle(0, out.length);
    return out;
  }

  /** Counts the call, then hands the rows it rejected to `on_error` (dead letters are kept before the batch moves on). */
  private async settle(rowsIn: number, rowsOut: number): Promise<void> {
    const { stats, rejects, skipped } = this.services;
    const path = this.planned.path;
    stats.addProcessed(path, rowsIn, rowsOut);
    this.received += rowsIn;
    if (this.pending.length === 0) return;
    const rejected = this.pending;
    this.pending = [];
    if (this.onError === 'skip') {
      stats.addProcessorSkipped(path, rejected.length);
      skipped.add(path, this.lane, rejected);
      return;
    }
    stats.addProcessorFailed(path, rejected.length);
    if (this.table !== undefined) stats.addStreamFailed(this.table, rejected.length);
    await rejects.reject(path, this.lane, this.input, rejected);
  }

  /** The run's error: a row under `on_error: fail` is named by its number in this lane's input of the processor, and its values. */
  private located(error: unknown, flushing: boolean): Error {
    if (!(error instanceof RowFailure)) return atStage(this.planned.path, error);
    const index = this.batch.indexOf(error.row);
    const lane = this.services.lanes > 1 ? ` in lane ${this.lane}` : '';
    const which = flushing
      ? 'a row it held back'
      : index >= 0
        ? `row ${this.received + index + 1} of its input${lane}`
        : `a row of its input${lane}`;
    const detail = `(on_error: fail; ${which}: ${rowPreview(this.input, error.row)})`;
    return new StageError(
      this.planned.path,
      new Error(`${messageOf(error.error)} ${detail}`, { cause: error.error }),
    );
  }
}

/** The processors bound to one input shape in one lane. */
class BoundChain {
  constructor(
    readonly columns: Column[],
    readonly table: string | undefined,
    private readonly steps: Step[],
  ) {}

  /** Runs rows through the steps from `from` on; stops early once no row is left. */
  async process(rows: Row[], from = 0): Promise<Row[]> {
    let current = rows;
    for (let i = from; i < this.steps.length && current.length > 0; i++)
      current = await this.steps[i].process(current);
    return current;
  }

  /**
   * Flushes the steps in order, each one's held rows going through the steps after it before
   * those are flushed in turn; returns every row that came out at the end.
   */
  async flush(): Promise<Row[]> {
    const out: Row[] = [];
    for (let i = 0; i < this.steps.length; i++) {
      if (!this.steps[i].canFlush) continue;
      const held = await this.steps[i].flush();
      for (const row of await this.process(held, i + 1)) out.push(row);
    }
    return out;
  }
}

/**
 * The processor chains of one lane, one per input shape (the `columns` array of its batches, and
 * the stream for a multi-table input). Bound per lane, so a processor that holds rows back
 * (aggregate, deduplicate) keeps them per lane and is flushed once, when that lane's input ends.
 */
export class LaneChains {
  private readonly byShape = new WeakMap<Column[], Map<string | undefined, BoundChain>>();
  private readonly bound: BoundChain[] = [];

  constructor(
    private readonly processors: PlannedProcessor[],
    private readonly lane: number,
    private readonly services: ChainServices,
  ) {}

  /** The chain for batches of these columns (of this stream), bound on first use. */
  chainFor(columns: Column[], table: string | undefined): BoundChain {
    let byTable = this.byShape.get(columns);
    if (!byTable) {
      byTable = new Map();
      this.byShape.set(columns, byTable);
    }
    let chain = byTable.get(table);
    if (!chain) {
      const { columns: out, steps } = bindProcessors(this.processors, columns);
      chain = new BoundChain(
        out,
        table,
        steps.map((s) => new Step(s.planned, s.bound, s.input, this.lane, table, this.services)),
      );
      byTable.set(table, chain);
      this.bound.push(chain);
    }
    return chain;
  }

  /** At the end of the lane's input: the rows each chain's processors still held, run through the rest of it. */
  async flush(): Promise<{ columns: Column[]; table: string | undefined; rows: Row[] }[]> {
    const flushed = [];
    for (const chain of this.bound) {
      const rows = await chain.flush();
      if (rows.length > 0) flushed.push({ columns: chain.columns, table: chain.table, rows });
    }
    return flushed;
  }
}

/** A closing `conditional` bound to one input shape in one lane, with its `on_error` applied. */
export interface RouterStep {
  /** The ways rows can go: one per branch, then `else` when there is one. */
  ways: number;
  /** Each row to the way it takes (index per way); rows it rejected follow its `on_error`. */
  route(rows: Row[]): Promise<Row[][]>;
}

/** Binds a router (see `BoundRouter`) to the columns reaching it, in one lane, for batches of one stream. */
export function bindRouter(
  planned: PlannedProcessor,
  columns: Column[],
  lane: number,
  table: string | undefined,
  services: ChainServices,
): RouterStep {
  const [{ bound }] = bindProcessors([planned], columns).steps;
  if (!('route' in bound)) throw atStage(planned.path, new Error('this processor cannot branch'));
  const step = new Step(planned, bound, columns, lane, table, services);
  return { ways: (bound as BoundRouter).ways, route: (rows) => step.route(rows) };
}
