import { Type as T, type Static } from '@sinclair/typebox';
import { Bottleneck, StageTimes } from './bottleneck-model';

/** The data the API moves: one schema per shape, used for validation and for the TypeScript types. */

/**
 * An execution's status. `queued`: waiting for a free slot (`worker.max_concurrent_jobs`) or for
 * the job's previous run (overlap `queue`); `paused`: stopped by the user at a checkpoint, to be
 * resumed; `pending`: its process is starting.
 */
export const ExecutionStatus = T.Union([
  T.Literal('queued'),
  T.Literal('pending'),
  T.Literal('running'),
  T.Literal('paused'),
  T.Literal('completed'),
  T.Literal('failed'),
  T.Literal('cancelled'),
]);
export type ExecutionStatus = Static<typeof ExecutionStatus>;

/** Node positions of the flow graph, keyed by node id; kept beside the YAML, never in it. */
export const FlowDiagram = T.Record(T.String(), T.Object({ x: T.Number(), y: T.Number() }));
export type FlowDiagram = Static<typeof FlowDiagram>;

/**
 * Where a job is in its life: `draft` (saved, not valid yet) → `ready` (validated) → `running` ⇄
 * `paused` → `completed` / `failed` (→ a retry → `running`). `queued`: a run waits for a slot.
 */
export const JobState = T.Union([
  T.Literal('draft'),
  T.Literal('ready'),
  T.Literal('queued'),
  T.Literal('running'),
  T.Literal('paused'),
  T.Literal('completed'),
  T.Literal('failed'),
  T.Literal('cancelled'),
]);
export type JobState = Static<typeof JobState>;

/** What started a run. */
export const RunTrigger = T.Union([
  T.Literal('manual'),
  T.Literal('schedule'),
  T.Literal('missed'),
  T.Literal('dependency'),
  T.Literal('webhook'),
  T.Literal('file'),
  T.Literal('retry'),
  T.Literal('resume'),
  T.Literal('replay'),
]);
export type RunTrigger = Static<typeof RunTrigger>;

export const Job = T.Object({
  id: T.String(),
  name: T.String(),
  description: T.String(),
  config_yaml: T.String(),
  state: JobState,
  /** A disabled job is never started by its schedule, triggers or dependencies (manual runs still work). */
  enabled: T.Boolean(),
  flow_diagram: T.Union([FlowDiagram, T.Null()]),
  created_at: T.String({ description: 'ISO 8601' }),
  updated_at: T.String({ description: 'ISO 8601' }),
});
export type Job = Static<typeof Job>;

/** Where the rows one processor was handed went, so far. */
export const StepProgress = T.Object({
  /** The processor's path in the config (`pipeline.processors[1]`). */
  path: T.String(),
  type: T.String(),
  records_in: T.Integer(),
  records_out: T.Integer(),
  /** Filtered out, or combined into fewer rows (an aggregate). */
  records_dropped: T.Integer(),
  /** Could not be processed; dropped by `on_error: skip`. */
  records_skipped: T.Integer(),
  /** Could not be processed; sent to the dead-letter file. */
  records_failed: T.Integer(),
});
export type StepProgress = Static<typeof StepProgress>;

export const Execution = T.Object({
  id: T.String(),
  job_id: T.String(),
  status: ExecutionStatus,
  started_at: T.Union([T.String(), T.Null()]),
  finished_at: T.Union([T.String(), T.Null()]),
  records_read: T.Integer(),
  records_written: T.Integer(),
  records_failed: T.Integer(),
  bytes_read: T.Integer(),
  error: T.Union([T.String(), T.Null()]),
  /** Last committed checkpoint per lane, as the input defined it. */
  checkpoint: T.Union([T.Unknown(), T.Null()]),
  created_at: T.String(),
  /** What the run said about where rows went (skipped rows, dead-letter files, kept targets). */
  notes: T.Array(T.String()),
  /** Where each processor's rows went, once the run ended; null before, or without processors. */
  steps: T.Union([T.Array(StepProgress), T.Null()]),
  trigger: RunTrigger,
  /** Who asked for the run: a user name, `scheduler`, `retry policy`, … */
  actor: T.String(),
  /** 1 for a first run; a retry of it is attempt 2, and so on. */
  attempt: T.Integer(),
  /** The execution whose checkpoints this run resumed from (a retry or a resume). */
  resumed_from: T.Union([T.String(), T.Null()]),
  /** More about the trigger: the file that appeared, the job this one ran after, the replayed execution. */
  trigger_detail: T.Union([T.String(), T.Null()]),
  /** A queued run (a retry waiting out its backoff) starts no earlier than this. */
  run_after: T.Union([T.String(), T.Null()]),
  /** What held the run back, once it ended (null before, or when it moved no batch). */
  bottleneck: T.Optional(T.Union([Bottleneck, T.Null()])),
});
export type Execution = Static<typeof Execution>;

export const JobSummary = T.Object({
  id: T.String(),
  name: T.String(),
  description: T.String(),
  updated_at: T.String(),
  state: JobState,
  enabled: T.Boolean(),
  /** The latest execution, if the job ever ran. */
  last_execution: T.Union([Execution, T.Null()]),
});
export type JobSummary = Static<typeof JobSummary>;

export const ComponentKind = T.Union([T.Literal('input'), T.Literal('processor'), T.Literal('output')]);
export type ComponentKind = Static<typeof ComponentKind>;

export const PluginInfo = T.Object({
  name: T.String(),
  kind: ComponentKind,
  category: T.String(),
  title: T.String(),
  description: T.String(),
  status: T.String(),
  enabled: T.Boolean(),
});
export type PluginInfo = Static<typeof PluginInfo>;

export const PluginDetail = T.Composite([
  PluginInfo,
  T.Object({
    schema: T.Unknown({ description: 'JSON Schema of the component fields' }),
    examples: T.Array(T.Object({ title: T.String(), config: T.Unknown() })),
  }),
]);
export type PluginDetail = Static<typeof PluginDetail>;

/** One located problem in a config: `FILE:LINE:COL: path: message`. */
export const ConfigProblem = T.Object({
  file: T.String(),
  line: T.Integer(),
  col: T.Integer(),
  path: T.String(),
  message: T.String(),
});
export type ConfigProblem = Static<typeof ConfigProblem>;

export const Example = T.Object({
  name: T.String({ description: 'file name without .yaml' }),
  title: T.String(),
  description: T.String(),
  config_yaml: T.String(),
});
export type Example = Static<typeof Example>;

export const RunProgress = T.Object({
  records_read: T.Integer(),
  records_written: T.Integer(),
  records_failed: T.Integer(),
  bytes_read: T.Integer(),
  rows_per_second: T.Number(),
  /** Rows expected in all, when the input knows it. */
  total: T.Union([T.Integer(), T.Null()]),
  elapsed_ms: T.Integer(),
  /** Per processor, in pipeline order; absent for a pipeline without processors. */
  steps: T.Optional(T.Array(StepProgress)),
  /** Where the lanes' time went so far, stage by stage (bottleneck attribution). */
  stages: T.Optional(StageTimes),
});
export type RunProgress = Static<typeof RunProgress>;

export const LogLevel = T.Union([
  T.Literal('debug'),
  T.Literal('info'),
  T.Literal('warn'),
  T.Literal('error'),
]);
export type LogLevel = Static<typeof LogLevel>;

/** Events pushed to every client (IPC or WebSocket). Names are snake_case on the wire. */
export type StudioEvent =
  | {
      type: 'job_status';
      job_id: string;
      execution_id: string;
      status: ExecutionStatus;
      error: string | null;
    }
  | {
      /** The job moved from one lifecycle state to another (see `JobState`). */
      type: 'job_state';
      job_id: string;
      execution_id: string | null;
      from: JobState;
      to: JobState;
      actor: string;
      reason: string | null;
      time: string;
    }
  | {
      /** A job was created, changed (config, name, switch) or deleted. */
      type: 'job_changed';
      job_id: string;
      change: 'created' | 'updated' | 'deleted';
    }
  | ({ type: 'job_progress'; job_id: string; execution_id: string } & RunProgress)
  | {
      type: 'log_entry';
      job_id: string | null;
      execution_id: string | null;
      level: LogLevel;
      message: string;
      time: string;
    }
  | {
      /** A catalog scan of a saved connection started, progressed, retried or ended. */
      type: 'catalog_scan';
      connection_id: string;
      scan_id: string;
      status: 'running' | 'completed' | 'failed';
      tables_done: number;
      tables_total: number | null;
      attempts: number;
      error: string | null;
    }
  | {
      /** An alert rule with a `desktop` action fired (or was test-fired): shown as a notification. */
      type: 'alert_fired';
      rule_id: string;
      rule_name: string;
      job_id: string | null;
      execution_id: string | null;
      title: string;
      body: string;
      fired_at: string;
      test: boolean;
    };
