/** Run statistics: what the progress line, the run history and the metrics show. */

import type { Bottleneck, StageTimes } from '../../src-shared/api/bottleneck-model';

export type { Bottleneck, StageTimes } from '../../src-shared/api/bottleneck-model';

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
  /** Where the lanes' time went, stage by stage; absent until the lanes start. */
  stages?: StageTimes;
  /** What held the run back, judged from `stages` once the run ended; absent while running. */
  bottleneck?: Bottleneck;
}

/** The duration fields of `StageTimes` a stage adds to. */
export type StageKey = Exclude<
  keyof StageTimes,
  'lane_ms' | 'write_batches' | 'write_p50_ms' | 'write_p95_ms'
>;

/** Every stage at zero milliseconds. */
function noStageTime(): Record<StageKey, number> {
  return {
    read_wait_ms: 0,
    read_blocked_ms: 0,
    process_busy_ms: 0,
    process_wait_ms: 0,
    process_blocked_ms: 0,
    write_busy_ms: 0,
    write_wait_ms: 0,
  };
}

/** Smallest latency told apart, and the ratio between neighbouring buckets (5%). */
const LATENCY_FLOOR_MS = 0.01;
const LATENCY_STEP = 1.05;
// 0.01 ms × 1.05^420 is past 8 hours: a batch's write never lands beyond the last bucket.
const LATENCY_BUCKETS = 420;

/**
 * Batch latencies in buckets 5% apart, so percentiles are within 5% and cost the same small,
 * fixed memory however many batches a run writes.
 */
export class LatencyHistogram {
  private readonly counts = new Float64Array(LATENCY_BUCKETS + 1);
  count = 0;

  add(ms: number): void {
    const bucket =
      ms <= LATENCY_FLOOR_MS
        ? 0
        : Math.min(LATENCY_BUCKETS, Math.ceil(Math.log(ms / LATENCY_FLOOR_MS) / Math.log(LATENCY_STEP)));
    this.counts[bucket]++;
    this.count++;
  }

  /** The upper bound of the bucket holding the `p` quantile (0 < p ≤ 1); null when empty. */
  percentile(p: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.max(1, Math.ceil(p * this.count));
    let seen = 0;
    for (let bucket = 0; bucket <= LATENCY_BUCKETS; bucket++) {
      seen += this.counts[bucket];
      if (seen >= rank) return roundMs(LATENCY_FLOOR_MS * LATENCY_STEP ** bucket);
    }
    return null;
  }
}

/** A part of a delivery to the outputs: what `timedWrite` looks at to count a batch. */
interface WrittenPart {
  rows: readonly unknown[];
}

/** When a wait began, and how much processor work had been done by then (see `StatsAccumulator.mark`). */
export interface StageMark {
  at: number;
  processed: number;
}

/** The callbacks a `Channel` reports its waits to (see `StatsAccumulator.channelWaits`). */
export interface ChannelWaits {
  onSendWait(ms: number): void;
  onReceiveWait(ms: number): void;
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
  private readonly stageMs = noStageTime();
  private readonly writeLatency = new LatencyHistogram();
  /** Lane time of lanes that ended, and the running lanes' count and summed start times. */
  private laneMsEnded = 0;
  private lanesRunning = 0;
  private laneStartsSum = 0;
  /** Processor work going on now (`timeProcessing`): how many, and their summed start times. */
  private processingOpen = 0;
  private processingStartsSum = 0;
  private lanesTimed = false;
  /** Set by `attributeBottleneck` once the run ended. */
  bottleneck: Bottleneck | undefined;

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

  /** Runs processors' `work` on a batch, counting its duration as theirs: one clock read on each side. */
  async timeProcessing<T>(work: () => Promise<T> | T): Promise<T> {
    const began = this.now();
    this.processingOpen++;
    this.processingStartsSum += began;
    try {
      return await work();
    } finally {
      this.processingOpen--;
      this.processingStartsSum -= began;
      this.stageMs.process_busy_ms += this.now() - began;
    }
  }

  /** Processor work done by `at`, including work still going on. */
  private processedBy(at: number): number {
    return this.stageMs.process_busy_ms + this.processingOpen * at - this.processingStartsSum;
  }

  /** The start of a wait on I/O, to be ended by `addWaitSince`. */
  mark(): StageMark {
    const at = this.now();
    return { at, processed: this.processedBy(at) };
  }

  /**
   * Adds the time since `mark` to `key`, less the processors' work in between. One event loop runs
   * every stage: while a processor works nothing else runs, so an awaited read or write is not
   * resumed then, and I/O that overlaps processing does not slow the run.
   */
  addWaitSince(key: StageKey, mark: StageMark): void {
    const at = this.now();
    const ms = at - mark.at - (this.processedBy(at) - mark.processed);
    if (ms > 0) this.stageMs[key] += ms;
  }

  /**
   * Runs the writes of one delivery, counting their duration as the writer's busy time (less the
   * processors' work meanwhile, see `addWaitSince`) and, when any part has rows, as one batch's
   * write latency (as the writer saw it, whole).
   */
  async timedWrite<T>(parts: readonly (WrittenPart | null)[], write: () => Promise<T>): Promise<T> {
    const began = this.mark();
    try {
      return await write();
    } finally {
      if (parts.some((part) => part !== null && part.rows.length > 0))
        this.writeLatency.add(this.now() - began.at);
      this.addWaitSince('write_busy_ms', began);
    }
  }

  /** Counts a lane's time from now until `lane` (its last stage) settles. */
  timeLane<T>(lane: Promise<T>): Promise<T> {
    const began = this.now();
    this.lanesTimed = true;
    this.lanesRunning++;
    this.laneStartsSum += began;
    const end = () => {
      this.lanesRunning--;
      this.laneStartsSum -= began;
      this.laneMsEnded += this.now() - began;
    };
    lane.then(end, end);
    return lane;
  }

  /**
   * The wait callbacks of the channel between two stages: a full channel blocks the stage before
   * it (`read` or `process`), an empty one leaves the stage after it waiting.
   */
  channelWaits(from: 'read' | 'process'): ChannelWaits {
    const blocked: StageKey = from === 'read' ? 'read_blocked_ms' : 'process_blocked_ms';
    const waiting: StageKey = from === 'read' ? 'process_wait_ms' : 'write_wait_ms';
    return {
      onSendWait: (ms) => (this.stageMs[blocked] += ms),
      onReceiveWait: (ms) => (this.stageMs[waiting] += ms),
    };
  }

  /** Where the lanes' time went so far; undefined before any lane started. */
  stageTimes(): StageTimes | undefined {
    if (!this.lanesTimed) return undefined;
    const running = this.lanesRunning * this.now() - this.laneStartsSum;
    const times: StageTimes = {
      lane_ms: roundMs(this.laneMsEnded + running),
      ...noStageTime(),
      write_batches: this.writeLatency.count,
      write_p50_ms: this.writeLatency.percentile(0.5),
      write_p95_ms: this.writeLatency.percentile(0.95),
    };
    for (const key of Object.keys(this.stageMs) as StageKey[]) times[key] = roundMs(this.stageMs[key]);
    return times;
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
    const stages = this.stageTimes();
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
      ...(stages ? { stages } : {}),
      ...(this.bottleneck ? { bottleneck: this.bottleneck } : {}),
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

/** Milliseconds to two decimals: finer than the clock is worth, and short on the wire. */
function roundMs(ms: number): number {
  return Math.round(ms * 100) / 100;
}
