import { Type as T } from '@sinclair/typebox';
import { CleanupResult, LogExport, LogExportFormat, LogFilter, LogLevelState, LogPage } from './log-model';
import { LogLevel } from './model';
import { route } from './route';

/** Logs (query, export, level) and the retention of run history. Live lines come as `log_entry` events. */
export const logRoutes = {
  queryLogs: route({
    method: 'GET',
    path: '/logs',
    input: T.Object({
      ...LogFilter,
      /** Lines per page; default 200. */
      limit: T.Optional(T.Integer({ minimum: 1, maximum: 1000 })),
      /** `next_before` of the previous page. */
      before: T.Optional(T.String({ minLength: 1 })),
    }),
    output: LogPage,
    summary: 'Log lines of the app and of runs, newest first, one page at a time',
  }),
  exportLogs: route({
    method: 'GET',
    path: '/logs/export',
    input: T.Object({ ...LogFilter, format: LogExportFormat }),
    output: LogExport,
    summary: 'The log lines a filter takes, oldest first, as JSON lines or plain text',
  }),
  getLogLevel: route({
    method: 'GET',
    path: '/logs/level',
    input: T.Object({}),
    output: LogLevelState,
    summary: 'The level the app and runs log at now',
  }),
  setLogLevel: route({
    method: 'PUT',
    path: '/logs/level',
    input: T.Object({ level: LogLevel }),
    output: LogLevelState,
    summary:
      'Change the log level at once, for the app and for runs already going, until the next restart or settings change',
  }),
  runCleanup: route({
    method: 'POST',
    path: '/retention/cleanup',
    input: T.Object({}),
    output: CleanupResult,
    summary:
      'Delete executions, their logs and dead letters past `retention.executions_days`, and logs past `retention.logs_days`, now',
  }),
} as const;
