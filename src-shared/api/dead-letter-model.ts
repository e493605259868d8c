import { Type as T, type Static } from '@sinclair/typebox';
import { ExecutionStatus } from './model';

/*
 * Dead letters as the API shows them: the rows a run could not deliver, each with the place that
 * refused it and why, as the run wrote them (`<data>/jobs/<job>/dead-letter/<execution>.jsonl`),
 * with the user's edits laid over them and the replays that fed them through the pipeline again.
 */

/** A row as the dead-letter file keeps it: `{ column: value }`, JSON-safe (bigint and decimal as text, times as ISO 8601). */
export const DeadLetterRow = T.Record(T.String(), T.Unknown());
export type DeadLetterRow = Static<typeof DeadLetterRow>;

/** The last replay a dead letter went into. */
export const DeadLetterReplayRef = T.Object({
  replay_id: T.String(),
  /** The replay's execution; null when the job service skipped the replay. */
  execution_id: T.Union([T.String(), T.Null()]),
  /** The replay execution's status; null while there is none. */
  status: T.Union([ExecutionStatus, T.Null()]),
});
export type DeadLetterReplayRef = Static<typeof DeadLetterReplayRef>;

/** One rejected row. */
export const DeadLetter = T.Object({
  /** Its line in the dead-letter file (0-based): stable, what edits, exports and replays name it by. */
  index: T.Integer({ minimum: 0 }),
  /** When it was rejected (ISO 8601). */
  time: T.String(),
  /** What refused it: `output`, `pipeline.processors[3]`, `pipeline.processors[2].branches[0].output`. */
  place: T.String(),
  lane: T.Integer(),
  error: T.String(),
  /** The row as it is now: the user's edit, else as the run wrote it. */
  row: DeadLetterRow,
  /** The row as the run wrote it, when it was edited since. */
  original_row: T.Union([DeadLetterRow, T.Null()]),
  /** When it was last edited; null when it never was. */
  edited_at: T.Union([T.String(), T.Null()]),
  replay: T.Union([DeadLetterReplayRef, T.Null()]),
});
export type DeadLetter = Static<typeof DeadLetter>;

/** How many rows one place refused. */
export const DeadLetterPlaceCount = T.Object({ place: T.String(), count: T.Integer() });
export type DeadLetterPlaceCount = Static<typeof DeadLetterPlaceCount>;

/** One page of an execution's dead letters. */
export const DeadLetterPage = T.Object({
  execution_id: T.String(),
  job_id: T.String(),
  /** The file the run wrote them to; null when the run said of none and the job's folder has none. */
  file: T.Union([T.String(), T.Null()]),
  /** Rows of the execution, whatever the filter. */
  total: T.Integer(),
  /** Rows the filter (`q`, `place`) keeps; `entries` is the page of them from `offset`. */
  matched: T.Integer(),
  /** Every place that refused rows of the execution, with its count (unfiltered), in the order they first did. */
  places: T.Array(DeadLetterPlaceCount),
  /** The rows' columns in order of first appearance, across the whole execution. */
  columns: T.Array(T.String()),
  /** The logical type of each column where the run recorded it (`int`, `timestamptz`, …). */
  types: T.Record(T.String(), T.String()),
  offset: T.Integer(),
  limit: T.Integer(),
  entries: T.Array(DeadLetter),
});
export type DeadLetterPage = Static<typeof DeadLetterPage>;

export const DeadLetterExportFormat = T.Union([T.Literal('csv'), T.Literal('jsonl')]);
export type DeadLetterExportFormat = Static<typeof DeadLetterExportFormat>;

/** An export: the text and the name to save it under. */
export const DeadLetterExport = T.Object({
  file_name: T.String(),
  media_type: T.String(),
  rows: T.Integer(),
  text: T.String(),
});
export type DeadLetterExport = Static<typeof DeadLetterExport>;

/** The config a replay of some dead letters runs, before it runs. */
export const DeadLetterReplayPlan = T.Object({
  /** The place the rows failed at: the replay runs the pipeline from there on. */
  place: T.String(),
  rows: T.Integer(),
  /** Where the rows are written for the replay's `file` input, relative to the job's folder. */
  input_file: T.String(),
  /** The derived config: the rows as input, the processors from the place on, the output it leads to. */
  config_yaml: T.String(),
  /** What was changed from the job's config so a replay cannot harm the target (a truncate, pre_sql), and other cautions. */
  notes: T.Array(T.String()),
  /** The components the rows go through, in flow order, by their path in the replay config. */
  steps: T.Array(T.Object({ path: T.String(), type: T.String() })),
});
export type DeadLetterReplayPlan = Static<typeof DeadLetterReplayPlan>;

/** A replay as recorded: which rows went into which execution, and how that execution is doing. */
export const DeadLetterReplay = T.Object({
  id: T.String(),
  job_id: T.String(),
  /** The execution whose dead letters were replayed. */
  source_execution_id: T.String(),
  /** The execution that replayed them; null when the job service skipped the run. */
  execution_id: T.Union([T.String(), T.Null()]),
  /** What the job service did with the request. */
  outcome: T.Union([T.Literal('started'), T.Literal('queued'), T.Literal('skipped')]),
  /** Why it was skipped. */
  reason: T.Union([T.String(), T.Null()]),
  place: T.String(),
  /** The dead letters replayed, by index. */
  indexes: T.Array(T.Integer()),
  /** How many of them carried an edit. */
  edited: T.Integer(),
  input_file: T.String(),
  config_yaml: T.String(),
  actor: T.String(),
  created_at: T.String(),
  /** The replay execution as it is now (null without one). */
  status: T.Union([ExecutionStatus, T.Null()]),
  records_written: T.Union([T.Integer(), T.Null()]),
  records_failed: T.Union([T.Integer(), T.Null()]),
  error: T.Union([T.String(), T.Null()]),
});
export type DeadLetterReplay = Static<typeof DeadLetterReplay>;
