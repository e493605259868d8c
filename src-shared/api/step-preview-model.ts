import { Type as T, type Static } from '@sinclair/typebox';
import { LogicalTypeName } from './preview-model';

/*
 * Step preview as the API shows it: a pipeline's first input rows and the rows after each of its
 * processors, values JSON-safe as in a data preview (bigint and decimal as text, timestamps as
 * ISO 8601, bytes as marked hex), with counts, rejected rows and timings per step.
 */

/** Rows a step preview reads when the caller does not say. */
export const DEFAULT_STEP_PREVIEW_LIMIT = 100;
/** The most input rows one step preview reads. */
export const MAX_STEP_PREVIEW_LIMIT = 1000;

export const StepColumn = T.Object({
  name: T.String(),
  type: LogicalTypeName,
  /** The source's own type, where the input knows it (`numeric(12,2)`). */
  native_type: T.Optional(T.String()),
});
export type StepColumn = Static<typeof StepColumn>;

/** A row a processor could not process, in the columns it was handed, with why. */
export const StepRejectedRow = T.Object({ row: T.Array(T.Unknown()), error: T.String() });
export type StepRejectedRow = Static<typeof StepRejectedRow>;

export const StepPreviewInput = T.Object({
  type: T.String(),
  columns: T.Array(StepColumn),
  rows: T.Array(T.Array(T.Unknown())),
  /** The input has more rows than were read. */
  has_more: T.Boolean(),
  duration_ms: T.Number(),
  /** Why the input gave no rows (the steps are then not run). */
  error: T.Optional(T.String()),
  notes: T.Array(T.String()),
});
export type StepPreviewInput = Static<typeof StepPreviewInput>;

/**
 * One processor: the rows it passed on, how many it was handed, left out and rejected. After a
 * `conditional`, each of its branches is a step of type `branch` (path `…branches[0]`, `…else`,
 * note: its name or condition) holding the rows sent its way, followed by its processors' steps.
 */
export const StepResult = T.Object({
  /** Its config path: `pipeline.processors[1]`, the flow graph's node id. */
  path: T.String(),
  type: T.String(),
  on_error: T.Union([T.Literal('fail'), T.Literal('skip'), T.Literal('dead_letter')]),
  columns: T.Array(StepColumn),
  /** The first rows it passed on (at most the limit). */
  rows: T.Array(T.Array(T.Unknown())),
  rows_in: T.Integer(),
  rows_out: T.Integer(),
  /** Rows left out without an error (a filter's); 0 for processors that fold rows (aggregate). */
  dropped: T.Integer(),
  rejected: T.Array(StepRejectedRow),
  duration_ms: T.Number(),
  /** Why the step stopped, located (`pipeline.processors[1].fields.x: unknown column "x"`). */
  error: T.Optional(T.String()),
  /** Not run: a step before it stopped. */
  skipped: T.Optional(T.Boolean()),
  /** For a branch: its name, else its condition. */
  note: T.Optional(T.String()),
});
export type StepResult = Static<typeof StepResult>;

export const StepPreviewResult = T.Object({
  input: StepPreviewInput,
  steps: T.Array(StepResult),
  /** Rows read from the input at most (the limit the preview ran with). */
  limit: T.Integer(),
});
export type StepPreviewResult = Static<typeof StepPreviewResult>;
