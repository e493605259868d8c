import { Type as T, type Static } from '@sinclair/typebox';
import { LogLevel } from './model';

/** One line of the app log or of an execution's log, as the log viewer shows it. */
export const LogEntry = T.Object({
  /** ISO 8601 in UTC, to the millisecond. */
  time: T.String(),
  level: LogLevel,
  message: T.String(),
  /** The job the line is about; null for the app's own lines. */
  job_id: T.Union([T.String(), T.Null()]),
  /** The execution the line belongs to; null outside a run. */
  execution_id: T.Union([T.String(), T.Null()]),
  /** The line's other fields (an error's stack, counts, names), when it has any. */
  detail: T.Optional(T.Record(T.String(), T.Unknown())),
});
export type LogEntry = Static<typeof LogEntry>;

/** Which lines a query or an export takes. Every field narrows; none means every line. */
export const LogFilter = {
  /** Only this execution's lines. */
  execution_id: T.Optional(T.String({ minLength: 1 })),
  /** Only lines about this job (its runs' lines and the app's lines naming it). */
  job_id: T.Optional(T.String({ minLength: 1 })),
  /** Minimum level: `warn` takes warnings and errors. */
  level: T.Optional(LogLevel),
  /** Words the line must contain (message or detail), ignoring case. */
  q: T.Optional(T.String({ maxLength: 500 })),
  /** Lines at or after this time (ISO 8601). */
  from: T.Optional(T.String({ minLength: 1 })),
  /** Lines at or before this time (ISO 8601). */
  to: T.Optional(T.String({ minLength: 1 })),
};

/** One page of log lines, newest first. */
export const LogPage = T.Object({
  entries: T.Array(LogEntry),
  /** Pass as `before` for the next (older) page; null when there is none. */
  next_before: T.Union([T.String(), T.Null()]),
});
export type LogPage = Static<typeof LogPage>;

export const LogExportFormat = T.Union([T.Literal('jsonl'), T.Literal('text')]);
export type LogExportFormat = Static<typeof LogExportFormat>;

/** Log lines as a file to download, oldest first. */
export const LogExport = T.Object({
  file_name: T.String(),
  /** `application/x-ndjson` or `text/plain`. */
  content_type: T.String(),
  text: T.String(),
  lines: T.Integer(),
  /** True when more lines matched than one export holds (the newest ones were kept). */
  truncated: T.Boolean(),
});
export type LogExport = Static<typeof LogExport>;

export const LogLevelState = T.Object({ level: LogLevel });
export type LogLevelState = Static<typeof LogLevelState>;

/** What one retention pass deleted. */
export const CleanupResult = T.Object({
  executions: T.Integer(),
  checkpoints: T.Integer(),
  execution_log_files: T.Integer(),
  dead_letter_files: T.Integer(),
  /** App and execution log files older than `retention.logs_days`. */
  log_files: T.Integer(),
  started_at: T.String(),
  finished_at: T.String(),
});
export type CleanupResult = Static<typeof CleanupResult>;
