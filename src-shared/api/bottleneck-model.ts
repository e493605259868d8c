import { Type as T, type Static } from '@sinclair/typebox';

/*
 * Bottleneck attribution: where a run's time went, stage by stage, and what held it back.
 * Kept apart from `model.ts` (which embeds these in `Execution` and `RunProgress`) so that the
 * engine can import the types without the rest of the API model.
 */

/**
 * How long each stage of a run spent on what, in milliseconds summed over lanes (a 4-lane run
 * of 10 s has about 40,000 ms of lane time). Measured per batch, never per row.
 */
export const StageTimes = T.Object({
  /** The lanes' wall time, summed: what the other times are shares of. */
  lane_ms: T.Number(),
  /** The reader awaiting the source's next batch (the source database or file). */
  read_wait_ms: T.Number(),
  /** The reader unable to hand a batch on: the channel to the processors was full. */
  read_blocked_ms: T.Number(),
  /** The processors working on batches (`process`, routing down branches, flushing). */
  process_busy_ms: T.Number(),
  /** The processors waiting for the reader's next batch. */
  process_wait_ms: T.Number(),
  /** The processors unable to hand a batch on: the channel to the writer was full. */
  process_blocked_ms: T.Number(),
  /** The writer inside `output.write`: the target working. */
  write_busy_ms: T.Number(),
  /** The writer waiting for the processors' next batch (the channel to it was empty). */
  write_wait_ms: T.Number(),
  /** Batches handed to the output(s). */
  write_batches: T.Integer(),
  /** Median and 95th percentile of one batch's write, within 5%; null before the first batch. */
  write_p50_ms: T.Union([T.Number(), T.Null()]),
  write_p95_ms: T.Union([T.Number(), T.Null()]),
});
export type StageTimes = Static<typeof StageTimes>;

/** What held the run back; `inconclusive`: the run was too short to tell. */
export const BottleneckVerdict = T.Union([
  T.Literal('source-bound'),
  T.Literal('cpu-bound'),
  T.Literal('sink-bound'),
  T.Literal('balanced'),
  T.Literal('inconclusive'),
]);
export type BottleneckVerdict = Static<typeof BottleneckVerdict>;

/**
 * What to change, as a code the UI words in its language:
 * - `split_reads`: one lane waited on the source: more `pipeline.channels` with a `query.split_key`;
 * - `split_key`: the input granted fewer lanes than `pipeline.channels` asked for: a `query.split_key`;
 * - `source_capacity`: the source is the limit however many lanes read it (fetch size, indexes);
 * - `bigger_batches`: the target is the limit: a bigger `write.batch_size`, or more channels;
 * - `lighter_processing`: the processors are: push filters down, fewer processors;
 * - `none`: nothing stands out.
 */
export const BottleneckSuggestion = T.Union([
  T.Literal('split_reads'),
  T.Literal('split_key'),
  T.Literal('source_capacity'),
  T.Literal('bigger_batches'),
  T.Literal('lighter_processing'),
  T.Literal('none'),
]);
export type BottleneckSuggestion = Static<typeof BottleneckSuggestion>;

export const Bottleneck = T.Object({
  verdict: BottleneckVerdict,
  /**
   * Shares of the lane time (0–1) the run spent waiting on the source, with the processors busy,
   * and with the target busy: the verdict names the one that dominates.
   */
  shares: T.Object({ source: T.Number(), cpu: T.Number(), sink: T.Number() }),
  suggestion: BottleneckSuggestion,
  /** Lanes the run used, and channels the config asked for. */
  lanes: T.Integer(),
  channels: T.Integer(),
  /** Whether a processor kept the run on one lane (an aggregate): more channels would not help. */
  one_lane: T.Boolean(),
  /** Rows per batch handed to the output, on average. */
  rows_per_write: T.Number(),
  /** The verdict and suggestion as one English line: the line in the run's notes. */
  summary: T.String(),
  stages: StageTimes,
});
export type Bottleneck = Static<typeof Bottleneck>;
