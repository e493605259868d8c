import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { laneDone, type Batch, type Checkpoint, type Column, type ResumePoint } from './batch';
import { Channel } from './channel';
import {
  silentLogger,
  type Input,
  type Logger,
  type Output,
  type RejectedRow,
  type StreamDescription,
} from './component';
import {
  branchOutputPath,
  branchProcessors,
  LaneBranches,
  type OutputPart,
  type PlannedBranching,
} from './branches';
import { JsonLinesDeadLetter, LoggedDeadLetter } from './dead-letter';
import { bindProcessors, LaneChains, type ChainServices, type PlannedProcessor } from './processor-chain';
import { DEFAULT_ERROR_LIMIT, RejectTracker, SkippedRows, type ErrorLimit } from './rejects';
import { atStage, messageOf } from './stage-error';
import { StatsAccumulator, type RunStats } from './stats';
import { attributeBottleneck } from './bottleneck';

export { DEFAULT_ON_ERROR, ON_ERROR_MODES, type OnError, type PlannedProcessor } from './processor-chain';

/** Everything a run needs, created from a config by the config module (`buildPlan`). */
export interface PipelinePlan {
  input: Input;
  /**
   * In pipeline order; `path` locates each in the config (`pipeline.processors[1]`) for error
   * messages, dead letters and counters; `onError` says what happens to a row it rejects.
   */
  processors: PlannedProcessor[];
  /** Where the rows go, unless the chain ends in a `conditional` (`branching`): exactly one of the two is set. */
  output?: Output;
  /**
   * The `conditional` closing the chain: each row goes down one branch, through the branch's
   * processors, to the branch's output. `processors` is then the chain before it.
   */
  branching?: PlannedBranching;
  /** Lanes requested (`pipeline.channels`); the input may grant fewer. */
  channels: number;
  /** Batches each channel between two stages holds before the stage before it waits (default 1). */
  buffer?: number;
  /** Rejected rows tolerated before the run fails (`pipeline.error_limit`; default: not one). */
  errorLimit?: ErrorLimit;
  /** The dead-letter file the config names (`pipeline.dead_letter.path`); wins over the host's default. */
  deadLetterPath?: string;
}

export interface RunOptions {
  /** Aborting it cancels the run: the result is `cancelled`. */
  signal?: AbortSignal;
  logger?: Logger;
  /** How often `onProgress` is called (default 1000 ms). */
  progressIntervalMs?: number;
  /** Live statistics while running, and once more at the end. */
  onProgress?(stats: RunStats): void;
  /**
   * Called per lane, in order, once the output acknowledged every batch up to this one;
   * the run waits for it before handing that lane's next batch to the writer's hook.
   */
  onCheckpoint?(lane: number, checkpoint: Checkpoint): void | Promise<void>;
  /**
   * Where rejected rows go (JSON Lines, created with the first row) when the config names no
   * file; the host picks one per run in its data dir. Without either, they are logged as errors.
   */
  deadLetterPath?: string;
  /**
   * Continue an earlier run of this config from its checkpoints (a retry or a resume). Inputs that
   * cannot resume, and chains that hold rows back (an aggregate), read from the start, said in the notes.
   */
  resume?: ResumePoint;
  /**
   * Aborting it pauses the run: the inputs stop reading, what was read is processed and written,
   * the last checkpoints are reported, and the result is `paused` (unless every lane had already ended).
   */
  pause?: AbortSignal;
}

export interface RunResult extends RunStats {
  status: 'completed' | 'failed' | 'cancelled' | 'paused';
  /** What went wrong, located where possible (`pipeline.processors[1]: …`, `output: …`). */
  error: string | null;
  /**
   * For an incremental input, the watermark the host stores for the job's next run: set only when
   * the run completed, i.e. after every write was committed and the output closed.
   */
  watermark?: string;
}

/**
 * One batch between stages is enough to keep them overlapped; more only keeps rows alive longer,
 * so they are promoted out of the young generation: buffer 1 against 4 on the orders copy used
 * 10–25% less CPU and 100–190 MB less memory (BENCHMARKS.md).
 */
const DEFAULT_BUFFER = 1;
const DEFAULT_PROGRESS_MS = 1000;
// A pipeline whose components never wait for I/O runs entirely on microtasks; yielding to the
// event loop this often keeps timers (progress) and abort signals (Ctrl-C) alive.
const YIELD_EVERY_MS = 20;

/** An output of the run: the single one, or a branch's. */
interface Target {
  output: Output;
  /** `output`, `pipeline.processors[2].branches[0].output`: names it in errors and dead letters. */
  place: string;
  /** The branch's path, for its counters. */
  branch?: string;
}

/** What a lane's processing hands its writer: one part per target (none where no row goes), and the position reached. */
interface Delivery {
  parts: (OutputPart | null)[];
  checkpoint?: Checkpoint;
  bytes?: number;
}

/** The outputs rows go to, in the order of a branching plan's ways. */
function targetsOf(plan: PipelinePlan): Target[] {
  if (plan.branching)
    return plan.branching.branches.map((branch) => ({
      output: branch.output,
      place: branchOutputPath(branch),
      branch: branch.path,
    }));
  if (!plan.output) throw new Error('the plan has neither an output nor branches');
  return [{ output: plan.output, place: 'output' }];
}

interface LaneContext {
  plan: PipelinePlan;
  targets: Target[];
  lanes: number;
  buffer: number;
  signal: AbortSignal;
  stats: StatsAccumulator;
  rejects: RejectTracker;
  chainServices: ChainServices;
  onCheckpoint?: RunOptions['onCheckpoint'];
  pause?: AbortSignal;
  /** Each lane's starting position (from a resume, or the input's start positions). */
  starts: (Checkpoint | undefined)[];
  /** Lanes a pause stopped before their input ended. */
  paused: Set<number>;
}

/** reader → channel → processors → channel → writer, the three stages running concurrently. */
function laneTasks(lane: number, ctx: LaneContext): Promise<void>[] {
  // The channels tell the stats how long each side waited on the other (bottleneck attribution).
  const raw = new Channel<Batch>(ctx.buffer, { signal: ctx.signal, ...ctx.stats.channelWaits('read') });
  const processed = new Channel<Delivery>(ctx.buffer, {
    signal: ctx.signal,
    ...ctx.stats.channelWaits('process'),
  });

  const read = async () => {
    let lastYield = performance.now();
    // A lane a resumed run finds finished has nothing left to read.
    if (laneDone(ctx.starts[lane])) {
      raw.close();
      return;
    }
    const { pause } = ctx;
    const signal = pause ? AbortSignal.any([ctx.signal, pause]) : ctx.signal;
    try {
      // From the end of one batch's hand-over to the next batch: the reader waiting on the source.
      let awaitingSource = ctx.stats.mark();
      for await (const batch of ctx.plan.input.read(lane, ctx.lanes, signal)) {
        ctx.stats.addWaitSince('read_wait_ms', awaitingSource);
        if (pause?.aborted) break;
        ctx.stats.addRead(batch.rows.length, batch.bytes ?? 0, batch.table);
        await raw.send(batch);
        if (performance.now() - lastYield > YIELD_EVERY_MS) {
          await nextMacrotask();
          lastYield = performance.now();
        }
        awaitingSource = ctx.stats.mark();
      }
    } catch (error) {
      if (!(pause?.aborted && !ctx.signal.aborted)) throw atStage('input', error);
    }
    if (pause?.aborted) ctx.paused.add(lane);
    raw.close();
  };

  const transform = async () => {
    const chains = new LaneChains(ctx.plan.processors, lane, ctx.chainServices);
    const branches = ctx.plan.branching
      ? new LaneBranches(ctx.plan.branching, lane, ctx.chainServices)
      : null;
    /** Hands the main chain's rows to the writer: to the output, or down the branches. */
    const deliver = async (rows: OutputPart, checkpoint?: Checkpoint, bytes?: number) => {
      const parts =
        branches && rows.rows.length > 0
          ? await ctx.stats.timeProcessing(() => branches.route(rows.columns, rows.table, rows.rows))
          : [rows.rows.length > 0 ? rows : null];
      // With nothing to write the position still advances, once earlier batches are written.
      if (!checkpoint && parts.every((p) => p === null)) return;
      const delivery: Delivery = { parts };
      if (checkpoint) delivery.checkpoint = checkpoint;
      if (bytes !== undefined) delivery.bytes = bytes;
      await processed.send(delivery);
    };
    let largestBatch = 1;
    for await (const batch of raw) {
      const chain = batch.rows.length > 0 ? chains.chainFor(batch.columns, batch.table) : null;
      const rows = chain ? await ctx.stats.timeProcessing(() => chain.process(batch.rows)) : batch.rows;
      largestBatch = Math.max(largestBatch, batch.rows.length);
      // The output routes a multi-table input's rows by `table`.
      const out: OutputPart = { columns: chain ? chain.columns : batch.columns, rows: chain ? rows : [] };
      if (batch.table !== undefined) out.table = batch.table;
      await deliver(out, batch.checkpoint, batch.bytes);
    }
    // The lane's input ended: what processors held back (aggregates) goes out in batches no larger than the input's.
    const heldBack = await ctx.stats.timeProcessing(() => chains.flush());
    for (const { columns, table, rows } of heldBack) {
      for (let start = 0; start < rows.length; start += largestBatch) {
        const out: OutputPart = { columns, rows: rows.slice(start, start + largestBatch) };
        if (table !== undefined) out.table = table;
        await deliver(out);
      }
    }
    // Then what the branches' processors held back, each to its own output.
    const branchRows = branches ? await ctx.stats.timeProcessing(() => branches.flush()) : [];
    for (const { way, part } of branchRows) {
      for (let start = 0; start < part.rows.length; start += largestBatch) {
        const parts: (OutputPart | null)[] = ctx.targets.map(() => null);
        parts[way] = { ...part, rows: part.rows.slice(start, start + largestBatch) };
        await processed.send({ parts });
      }
    }
    processed.close();
  };

  /** Writes one part to its target and counts it; rows the output refused go to the dead letters. */
  const writePart = async (target: Target, part: OutputPart, delivery: Delivery) => {
    const batch: Batch = { columns: part.columns, rows: part.rows };
    if (part.table !== undefined) batch.table = part.table;
    if (delivery.checkpoint) batch.checkpoint = delivery.checkpoint;
    // The bytes read are the whole batch's: only a single output is handed them.
    if (delivery.bytes !== undefined && delivery.parts.length === 1) batch.bytes = delivery.bytes;
    let rejected: RejectedRow[];
    try {
      rejected = (await target.output.write(batch, lane))?.rejected ?? [];
    } catch (error) {
      throw atStage(target.place, error);
    }
    const refused = rejected.map(({ index, error }) => {
      if (!(index >= 0 && index < batch.rows.length))
        throw atStage(target.place, new Error(`rejected row ${index} is not in the batch`));
      return { row: batch.rows[index], error };
    });
    ctx.stats.addWritten(batch.rows.length - refused.length, batch.table);
    if (target.branch !== undefined)
      ctx.stats.addBranchWritten(target.branch, batch.rows.length - refused.length);
    if (refused.length > 0) {
      if (batch.table !== undefined) ctx.stats.addStreamFailed(batch.table, refused.length);
      if (target.branch !== undefined) ctx.stats.addBranchFailed(target.branch, refused.length);
      await ctx.rejects.reject(target.place, lane, batch.columns, refused);
    }
  };

  const report = async (position: Checkpoint) => {
    try {
      await ctx.onCheckpoint?.(lane, position);
    } catch (error) {
      throw atStage('checkpoint', error);
    }
  };

  const write = async () => {
    let position = ctx.starts[lane];
    for await (const delivery of processed) {
      // A batch is acknowledged once every branch wrote its part.
      await ctx.stats.timedWrite(delivery.parts, () =>
        Promise.all(
          delivery.parts.map((part, i) =>
            part && part.rows.length > 0 ? writePart(ctx.targets[i], part, delivery) : undefined,
          ),
        ),
      );
      if (delivery.checkpoint) {
        position = delivery.checkpoint;
        await report(position);
      }
    }
    // Every row of the lane is written: a resumed run skips it.
    if (!ctx.signal.aborted && !ctx.paused.has(lane) && !laneDone(position))
      await report({ ...position, done: true });
  };

  return [read(), transform(), ctx.stats.timeLane(write())];
}

/**
 * Runs a pipeline: `input.plan` decides the lanes; each lane streams its split through the
 * processors to `output.write` over bounded channels (a slow writer slows the reader). A
 * lane's checkpoints are reported in order, each after the output acknowledged its batch.
 * A failure anywhere stops every lane; the output and input are always closed, once. Never
 * throws: the result says how the run ended.
 */
export async function runPipeline(plan: PipelinePlan, options: RunOptions = {}): Promise<RunResult> {
  const logger = options.logger ?? silentLogger;
  const stats = new StatsAccumulator();
  const controller = new AbortController();
  let failure: Error | null = null;
  const fail = (error: unknown) => {
    if (controller.signal.aborted) {
      // A consequence of the first failure or of cancelling, not news.
      logger.debug('stage stopped', { reason: messageOf(error) });
      return;
    }
    failure = error instanceof Error ? error : new Error(String(error));
    controller.abort(failure);
  };

  const external = options.signal;
  const cancel = () => controller.abort(new Error('the run was cancelled'));
  if (external?.aborted) cancel();
  else external?.addEventListener('abort', cancel, { once: true });

  const report = (current: RunStats) => {
    try {
      options.onProgress?.(current);
    } catch (error) {
      logger.warn('progress callback failed', { error: messageOf(error) });
    }
  };
  const timer = options.onProgress
    ? setInterval(() => report(stats.snapshot()), options.progressIntervalMs ?? DEFAULT_PROGRESS_MS)
    : undefined;

  const deadLetterPath = plan.deadLetterPath ?? options.deadLetterPath;
  const rejects = new RejectTracker(
    deadLetterPath ? new JsonLinesDeadLetter(deadLetterPath) : new LoggedDeadLetter(logger),
    plan.errorLimit ?? DEFAULT_ERROR_LIMIT,
    stats,
    logger,
    deadLetterPath ?? 'the log',
  );
  const skipped = new SkippedRows(logger);
  const processors = [...plan.processors, ...branchProcessors(plan.branching)];
  stats.addProcessors(processors.map(({ path, type }) => ({ path, type: type ?? '' })));
  if (plan.branching)
    stats.addBranches(
      plan.branching.branches.map(({ path, label, outputType }) => ({
        path,
        name: label,
        output: outputType ?? '',
      })),
    );
  let targets: Target[] = [];

  let estimating: Promise<void> = Promise.resolve();
  const opened: PlannedProcessor[] = [];
  const paused = new Set<number>();
  try {
    targets = targetsOf(plan);
    if (!controller.signal.aborted) {
      const requested = lanesRequested(processors, plan.channels, stats, logger);
      const resume = resumeFrom(plan, processors, options.resume, stats, logger);
      let lanePlan;
      try {
        lanePlan = resume ? await plan.input.resume!(resume) : await plan.input.plan(requested);
      } catch (error) {
        throw atStage('input', error);
      }
      const lanes = resume ? resume.lanes : Math.min(requested, Math.max(1, Math.floor(lanePlan.lanes)));
      const starts = resume ? resume.positions : (plan.input.startPositions?.() ?? []);
      stats.lanes = lanes;
      if (lanePlan.note) {
        stats.notes.push(lanePlan.note);
        logger.info(lanePlan.note, { requested, lanes });
      }
      logger.info('run started', { lanes });

      await openProcessors(processors, opened);
      await announceStreams(plan, targets, stats);
      estimating = estimateTotal(plan.input, stats, logger);
      const ctx: LaneContext = {
        plan,
        targets,
        lanes,
        buffer: Math.max(1, Math.floor(plan.buffer ?? DEFAULT_BUFFER)),
        signal: controller.signal,
        stats,
        rejects,
        chainServices: { stats, rejects, skipped, lanes },
        onCheckpoint: options.onCheckpoint,
        starts,
        paused,
        ...(options.pause ? { pause: options.pause } : {}),
      };
      // Every lane's first position is known before a row moves, so a run that dies now still resumes.
      if (options.onCheckpoint)
        for (let lane = 0; lane < lanes; lane++) {
          const start = starts[lane];
          if (start) await options.onCheckpoint(lane, start);
        }
      // Cancelled while the input was planning: nothing to start.
      if (!controller.signal.aborted) {
        const tasks = Array.from({ length: lanes }, (_, lane) => laneTasks(lane, ctx)).flat();
        await Promise.all(tasks.map((task) => task.catch(fail)));
      }
    }
  } catch (error) {
    fail(error);
  } finally {
    external?.removeEventListener('abort', cancel);
    clearInterval(timer);
  }
  await estimating;
  // A percentage limit is only judged from PERCENT_MIN_ROWS rows on while running.
  if (!failure && !controller.signal.aborted) {
    try {
      rejects.checkAtEnd();
    } catch (error) {
      fail(error);
    }
  }

  let status: RunResult['status'] = failure
    ? 'failed'
    : controller.signal.aborted
      ? 'cancelled'
      : paused.size > 0
        ? 'paused'
        : 'completed';
  // A paused run ends as cleanly as a completed one: what it wrote stays, to be continued.
  const reason: Error | undefined =
    status === 'completed' || status === 'paused'
      ? undefined
      : (failure ?? new Error('the run was cancelled'));

  // Every output is closed, each with its own note; the first that fails to close fails a completed run.
  for (const target of targets) {
    try {
      const note = await target.output.close(reason);
      const where = target.branch === undefined ? '' : `${target.place}: `;
      if (note)
        stats.notes.push(
          ...note
            .split('\n')
            .filter((line) => line !== '')
            .map((line) => where + line),
        );
    } catch (error) {
      logger.error(`closing ${target.place} failed`, { error: messageOf(error) });
      if (status === 'completed') {
        status = 'failed';
        failure = atStage(target.place, error);
      }
    }
  }
  try {
    await plan.input.close?.();
  } catch (error) {
    logger.warn('closing the input failed', { error: messageOf(error) });
  }
  for (const { path, processor } of opened) {
    try {
      await processor.close?.();
    } catch (error) {
      logger.warn(`closing ${path} failed`, { error: messageOf(error) });
    }
  }
  for (const note of skipped.notes()) stats.notes.push(note);
  try {
    for (const note of await rejects.close()) {
      stats.notes.push(note);
      logger.info(note);
    }
  } catch (error) {
    logger.error('closing the dead-letter file failed', { error: messageOf(error) });
  }

  attributeBottleneck(stats, {
    channels: plan.channels,
    oneLane: processors.some(({ processor }) => processor.oneLaneReason),
    completed: status === 'completed',
  });
  const final = stats.final();
  report(final);
  const error = status === 'completed' || status === 'paused' ? null : messageOf(failure ?? reason);
  const log = { status, records_read: final.records_read, records_written: final.records_written };
  if (status === 'failed') logger.error(`run failed: ${error}`, log);
  else logger.info(`run ${status}`, log);
  const watermark = status === 'completed' ? plan.input.watermark?.() : undefined;
  return { ...final, status, error, ...(watermark !== undefined ? { watermark } : {}) };
}

/**
 * The resume point when this run can use it: the input must know how to resume and no processor
 * may hold rows back (an aggregate's state died with the earlier run). Otherwise the run reads from
 * the start, and says why.
 */
function resumeFrom(
  plan: PipelinePlan,
  processors: PlannedProcessor[],
  resume: ResumePoint | undefined,
  stats: StatsAccumulator,
  logger: Logger,
): ResumePoint | undefined {
  if (!resume) return undefined;
  const holding = processors.find(({ processor }) => processor.oneLaneReason);
  const why = !plan.input.resume
    ? 'this input cannot continue from a position'
    : holding
      ? `${holding.path} holds rows back until the input ends`
      : resume.lanes < 1 || resume.positions.length > resume.lanes
        ? 'the checkpoints do not fit this run'
        : undefined;
  if (why === undefined) {
    const done = resume.positions.filter(laneDone).length;
    const note = `resumed from checkpoints: ${resume.lanes} lane(s)${done > 0 ? `, ${done} already finished` : ''}`;
    stats.notes.push(note);
    logger.info(note);
    return resume;
  }
  const note = `read from the start, not from the checkpoints: ${why}`;
  stats.notes.push(note);
  logger.warn(note);
  return undefined;
}

/**
 * `pipeline.channels`, or one lane when a processor needs every row in one place (an aggregate
 * keeps its state per lane), said in the notes when that is fewer than asked for.
 */
function lanesRequested(
  processors: PlannedProcessor[],
  channels: number,
  stats: StatsAccumulator,
  logger: Logger,
): number {
  const requested = Math.max(1, Math.floor(channels));
  const oneLane = processors.find(({ processor }) => processor.oneLaneReason);
  if (!oneLane || requested === 1) return requested;
  const note = `${oneLane.path}: ${oneLane.processor.oneLaneReason}, so the run uses one lane, not ${requested}`;
  stats.notes.push(note);
  logger.info(note);
  return 1;
}

/** Opens the processors that connect to something, in order, before any row moves; `opened` lists those to close. */
async function openProcessors(processors: PlannedProcessor[], opened: PlannedProcessor[]): Promise<void> {
  for (const planned of processors) {
    if (!planned.processor.open) continue;
    // Closed at the end even when opening fails: it may hold part of what it opened.
    opened.push(planned);
    try {
      await planned.processor.open();
    } catch (error) {
      throw atStage(planned.path, error);
    }
  }
}

/**
 * For an input that reads several streams (tables): counts each from the start (so one without
 * rows is reported), binds the processors to each stream's columns (a filter naming a column one
 * table lacks fails now, naming the table), and lets each output create what the streams need.
 */
async function announceStreams(
  plan: PipelinePlan,
  targets: Target[],
  stats: StatsAccumulator,
): Promise<void> {
  if (!plan.input.streams) return;
  let streams: StreamDescription[];
  try {
    streams = await plan.input.streams();
  } catch (error) {
    throw atStage('input', error);
  }
  stats.addStreams(streams.map((s) => s.name));
  for (const target of targets) {
    if (target.output.prepareStreams) continue;
    const names = streams.slice(0, 5).map((s) => `"${s.name}"`);
    if (streams.length > 5) names.push('…');
    throw atStage(
      target.place,
      new Error(
        `the input reads ${streams.length} tables (${names.join(', ')}) and this output writes a single one`,
      ),
    );
  }
  const columnsAt = (stream: StreamDescription, way: number): Column[] => {
    try {
      const main = bindProcessors(plan.processors, stream.columns).columns;
      if (!plan.branching) return main;
      const routed = bindProcessors([plan.branching.router], main).columns;
      return bindProcessors(plan.branching.branches[way].processors, routed).columns;
    } catch (error) {
      throw new Error(`${messageOf(error)} (table "${stream.name}")`, { cause: error });
    }
  };
  for (const [way, target] of targets.entries()) {
    const prepared = streams.map((stream): StreamDescription => ({
      ...stream,
      columns: columnsAt(stream, way),
    }));
    try {
      await target.output.prepareStreams?.(prepared);
    } catch (error) {
      throw atStage(target.place, error);
    }
  }
}

/** Fills in `total` when the input knows it; a failing estimate only costs the ETA. */
async function estimateTotal(input: Input, stats: StatsAccumulator, logger: Logger): Promise<void> {
  if (!input.estimateTotal) return;
  try {
    const total = await input.estimateTotal();
    if (typeof total === 'number' && Number.isFinite(total)) stats.total = total;
  } catch (error) {
    logger.warn('could not estimate the total rows', { error: messageOf(error) });
  }
}
