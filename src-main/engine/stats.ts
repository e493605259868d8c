/** Run statistics: what the progress line, the run history and the metrics show. */

/** Counters of one run (snake_case: they are stored and sent over the API as they are). */
export interface RunStats {
  records_read: number;
  records_written: number;
  records_failed: number;
  bytes_read: number;
  /** Rows read per second: over the last few seconds while running, over the whole run at the end. */
  rows_per_second: number;
  elapsed_ms: number;
  /** Rows the run will read, when the input can tell cheaply (for percentages and ETA). */
  total: number | null;
  /** Lanes actually run (may be fewer than `pipeline.channels`). */
  lanes: number;
  /** Things the user should know about how the run went, e.g. why it used fewer lanes. */
  notes: string[];
  /**
   * Counters per stream, by stream name, when the input reads several (the tables of a
   * whole-database copy), in the order the input listed them; absent otherwise.
   */
  tables?: Record<string, StreamStats>;
  /**
   * Counters per processor, by its path in the config (`pipeline.processors[1]`), in pipeline
   * order; absent for a pipeline without processors. With them every row read is accounted for:
   * written, dropped or skipped by a processor, or failed (a dead letter).
   */
  processors?: Record<string, ProcessorStats>;
  /**
   * Counters per branch of a closing `conditional`, by the branch's path in the config
   * (`pipeline.processors[2].branches[0]`, `….else`), in config order; absent without branches.
   * `records_written` summed over them is the run's.
   */
  branches?: Record<string, BranchStats>;
}

/** The counters of one branch of a `conditional` (summed over lanes). */
export interface BranchStats {
  /** The branch's `name`, else its `when`, or `else`. */
  name: string;
  /** Its output's `type`. */
  output: string;
  /** Rows the conditional sent down this branch. */
  records_in: number;
  /** Rows its output wrote. */
  records_written: number;
  /** Rows its output rejected (dead letters); rows its processors dropped or rejected are theirs. */
  records_failed: number;
}

/** The counters of one processor (summed over lanes and input shapes). */
export interface ProcessorStats {
  /** The processor's `type` (`filter`, `transform`), for reports. */
  type: string;
  /** Rows handed to it. */
  records_in: number;
  /** Rows it passed on (a `split` may pass on more than it was handed). */
  records_out: number;
  /**
   * Rows it took in and did not pass on, without an error: filtered out, or combined into fewer
   * rows (an aggregate); `records_in − records_out − records_skipped − records_failed`, at least 0.
   */
  records_dropped: number;
  /** Rows it could not process that `on_error: skip` dropped. */
  records_skipped: number;
  /** Rows it could not process that went to the dead-letter file (`on_error: dead_letter`). */
  records_failed: number;
}

/** The counters of one stream (table) of a multi-stream run. */
export interface StreamStats {
  records_read: number;
  records_written: number;
  /** Rows the output rejected (see `pipeline.error_limit`); rows a filter dropped are not failed. */
  records_failed: number;
}

export interface StatsAccumulatorOptions {
  /** Milliseconds clock; injectable for tests. */
  now?: () => number;
  /** Width of the window the live rate is measured over. */
  windowMs?: number;
}

interface Sample {
  at: number;
  read: number;
}

/** Collects counters as batches pass and reports `RunStats` with a live rate. */
export class StatsAccumulator {
  recordsRead = 0;
  recordsWritten = 0;
  recordsFailed = 0;
  bytesRead = 0;
  total: number | null = null;
  lanes = 0;
  readonly notes: string[] = [];
  private readonly now: () => number;
  private readonly windowMs: number;
  private readonly startedAt: number;
  private readonly samples: Sample[];
  private readonly streams = new Map<string, StreamStats>();
  private readonly processors = new Map<string, Omit<ProcessorStats, 'records_dropped'>>();
  private readonly branches = new Map<string, BranchStats>();

  constructor(options: StatsAccumulatorOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    this.windowMs = options.windowMs ?? 5000;
    this.startedAt = this.now();
    this.samples = [{ at: this.startedAt, read: 0 }];
  }

  /** Lists the streams of a multi-stream run up front, so one that yields no row is reported too. */
  addStreams(names: string[]): void {
    for (const name of names) this.stream(name);
  }

  addRead(rows: number, bytes = 0, stream?: string): void {
    this.recordsRead += rows;
    this.bytesRead += bytes;
    if (stream !== undefined) this.stream(stream).records_read += rows;
  }

  addWritten(rows: number, stream?: string): void {
    this.recordsWritten += rows;
    if (stream !== undefined) this.stream(stream).records_written += rows;
  }

  /** Rows of one stream the output rejected; the run's total is counted by `addFailed`. */
  addStreamFailed(stream: string, rows: number): void {
    this.stream(stream).records_failed += rows;
  }

  addFailed(rows: number): void {
    this.recordsFailed += rows;
  }

  /** Lists the processors up front, in pipeline order, so one that never saw a row is reported too. */
  addProcessors(processors: { path: string; type: string }[]): void {
    for (const { path, type } of processors)
      this.processors.set(path, {
        type,
        records_in: 0,
        records_out: 0,
        records_skipped: 0,
        records_failed: 0,
      });
  }

  /** Rows the processor at `path` was handed and passed on (in one call of `process` or `flush`). */
  addProcessed(path: string, rowsIn: number, rowsOut: number): void {
    const counts = this.processor(path);
    counts.records_in += rowsIn;
    counts.records_out += rowsOut;
  }

  /** Rows the processor at `path` could not process, skipped (`on_error: skip`). */
  addProcessorSkipped(path: string, rows: number): void {
    this.processor(path).records_skipped += rows;
  }

  /** Rows the processor at `path` sent to the dead-letter file; the run's total is counted by `addFailed`. */
  addProcessorFailed(path: string, rows: number): void {
    this.processor(path).records_failed += rows;
  }

  /** Lists the branches up front, in config order, so one that got no row is reported too. */
  addBranches(branches: { path: string; name: string; output: string }[]): void {
    for (const { path, name, output } of branches)
      this.branches.set(path, { name, output, records_in: 0, records_written: 0, records_failed: 0 });
  }

  /** Rows the conditional sent down the branch at `path`. */
  addBranchRouted(path: string, rows: number): void {
    this.branch(path).records_in += rows;
  }

  /** Rows the output of the branch at `path` wrote; the run's total is counted by `addWritten`. */
  addBranchWritten(path: string, rows: number): void {
    this.branch(path).records_written += rows;
  }

  /** Rows the output of the branch at `path` rejected; the run's total is counted by `addFailed`. */
  addBranchFailed(path: string, rows: number): void {
    this.branch(path).records_failed += rows;
  }

  /** Statistics now, with the rate over the last `windowMs` (the whole run while it is shorter). */
  snapshot(): RunStats {
    const at = this.now();
    this.samples.push({ at, read: this.recordsRead });
    // Keep one sample at or before the window's start, so the rate always spans the full window.
    while (this.samples.length > 2 && this.samples[1].at <= at - this.windowMs) this.samples.shift();
    const oldest = this.samples[0];
    return this.stats(at, rate(this.recordsRead - oldest.read, at - oldest.at));
  }

  /** Statistics of the finished run, with the rate over the whole run. */
  final(): RunStats {
    const at = this.now();
    return this.stats(at, rate(this.recordsRead, at - this.startedAt));
  }

  private stats(at: number, rowsPerSecond: number): RunStats {
    return {
      records_read: this.recordsRead,
      records_written: this.recordsWritten,
      records_failed: this.recordsFailed,
      bytes_read: this.bytesRead,
      rows_per_second: rowsPerSecond,
      elapsed_ms: Math.round(at - this.startedAt),
      total: this.total,
      lanes: this.lanes,
      notes: [...this.notes],
      ...(this.streams.size > 0
        ? { tables: Object.fromEntries([...this.streams].map(([name, counts]) => [name, { ...counts }])) }
        : {}),
      ...(this.processors.size > 0
        ? {
            processors: Object.fromEntries(
              [...this.processors].map(([path, counts]) => [path, withDropped(counts)]),
            ),
          }
        : {}),
      ...(this.branches.size > 0
        ? { branches: Object.fromEntries([...this.branches].map(([path, counts]) => [path, { ...counts }])) }
        : {}),
    };
  }

  private branch(path: string): BranchStats {
    let counts = this.branches.get(path);
    if (!counts) {
      counts = { name: path, output: '', records_in: 0, records_written: 0, records_failed: 0 };
      this.branches.set(path, counts);
    }
    return counts;
  }

  private processor(path: string): Omit<ProcessorStats, 'records_dropped'> {
    let counts = this.processors.get(path);
    if (!counts) {
      counts = { type: '', records_in: 0, records_out: 0, records_skipped: 0, records_failed: 0 };
      this.processors.set(path, counts);
    }
    return counts;
  }

  private stream(name: string): StreamStats {
    let counts = this.streams.get(name);
    if (!counts) {
      counts = { records_read: 0, records_written: 0, records_failed: 0 };
      this.streams.set(name, counts);
    }
    return counts;
  }
}

function withDropped(counts: Omit<ProcessorStats, 'records_dropped'>): ProcessorStats {
  const { type, records_in, records_out, records_skipped, records_failed } = counts;
  const dropped = Math.max(0, records_in - records_out - records_skipped - records_failed);
  return { type, records_in, records_out, records_dropped: dropped, records_skipped, records_failed };
}

function rate(rows: number, ms: number): number {
  return ms > 0 ? (rows * 1000) / ms : 0;
}
