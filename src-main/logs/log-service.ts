import type { Kysely } from 'kysely';
import type { Database } from '../store/database';
import type { AppSettingsSource } from '../../src-shared/config/app-settings';
import type { RouteInput, RouteOutput } from '../../src-shared/api/contract';
import type { LogExport, LogPage } from '../../src-shared/api/log-model';
import { LEVEL_VALUES, formatLogText, levelName, toLogEntry } from './log-record';
import type { AppLog } from './app-logger';
import type { LogLevel, StudioEvent } from '../../src-shared/api/model';
import { readLogs, type LogFilterInput } from './log-query';

/** Lines per page when the caller does not say. */
const DEFAULT_PAGE = 200;
/** Lines one export holds at most (the newest are kept). */
export const MAX_EXPORT_LINES = 100_000;

export interface LogServiceOptions {
  appLog: AppLog;
  settings: AppSettingsSource;
  /** The store: a job filter reads only the logs of the job's executions. */
  db?: Kysely<Database>;
  /**
   * Stores a level set through `setLogLevel` as the app setting `log_level` (audited, written to
   * settings.yaml), which then applies it: one source of truth for the level. Without it the level
   * changes for this process only.
   */
  saveLevel?(level: LogLevel): Promise<void>;
}

export interface LogService {
  api: {
    queryLogs(input: RouteInput<'queryLogs'>): Promise<RouteOutput<'queryLogs'>>;
    exportLogs(input: RouteInput<'exportLogs'>): Promise<RouteOutput<'exportLogs'>>;
    getLogLevel(input: RouteInput<'getLogLevel'>): Promise<RouteOutput<'getLogLevel'>>;
    setLogLevel(input: RouteInput<'setLogLevel'>): Promise<RouteOutput<'setLogLevel'>>;
  };
  /**
   * `log_entry` events for the lines the services do not announce themselves: the app's own
   * lines, and run lines at debug level (run-tracker announces the others as they arrive).
   */
  onEvent(listener: (event: StudioEvent) => void): () => void;
  close(): void;
}

function filterOf(input: LogFilterInput): LogFilterInput {
  const { execution_id, job_id, level, q, from, to } = input;
  return { execution_id, job_id, level, q, from, to };
}

function exportName(input: LogFilterInput, extension: string): string {
  const scope = input.execution_id
    ? `execution-${input.execution_id.slice(0, 8)}`
    : input.job_id
      ? `job-${input.job_id.slice(0, 8)}`
      : 'all';
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return `fustgo-logs-${scope}-${stamp}.${extension}`;
}

/** The log API over the app log: query and export the files, change the level, live lines. */
export function createLogService(options: LogServiceOptions): LogService {
  const { appLog, settings } = options;
  const { db } = options;
  const reader = {
    logsDir: appLog.logsDir,
    ...(db
      ? {
          executionsOfJob: async (jobId: string) =>
            (await db.selectFrom('executions').select('id').where('job_id', '=', jobId).execute()).map(
              (row) => row.id,
            ),
        }
      : {}),
  };
  /** Sets the level, with a line on record either way: said before raising it, after lowering it. */
  const changeLevel = (level: LogLevel, message: string) => {
    const previous = appLog.level();
    if (level === previous) return;
    const said = LEVEL_VALUES[previous] > LEVEL_VALUES.info ? previous : 'info';
    const record = () => appLog.logger[said]({ log_level: level, previous_level: previous }, message);
    if (LEVEL_VALUES[level] > LEVEL_VALUES[previous]) {
      record();
      appLog.setLevel(level);
    } else {
      appLog.setLevel(level);
      record();
    }
  };
  appLog.setLevel(settings.current().log_level);
  const unsubscribe = settings.onChange((next, previous) => {
    if (next.log_level !== previous.log_level) changeLevel(next.log_level, 'log level changed');
  });

  return {
    api: {
      async queryLogs(input): Promise<LogPage> {
        const { lines, next } = await readLogs(reader, {
          ...filterOf(input),
          before: input.before,
          limit: input.limit ?? DEFAULT_PAGE,
        });
        return { entries: lines.map((line) => toLogEntry(line.record)), next_before: next };
      },
      async exportLogs(input): Promise<LogExport> {
        const filter = filterOf(input);
        const { lines, next } = await readLogs(reader, { ...filter, limit: MAX_EXPORT_LINES });
        lines.reverse(); // a file reads oldest first
        const jsonl = input.format === 'jsonl';
        const text = lines
          .map((line) => (jsonl ? line.raw : formatLogText(toLogEntry(line.record))))
          .join('\n');
        return {
          file_name: exportName(filter, jsonl ? 'jsonl' : 'txt'),
          content_type: jsonl ? 'application/x-ndjson' : 'text/plain',
          text: lines.length > 0 ? `${text}\n` : '',
          lines: lines.length,
          truncated: next !== null,
        };
      },
      getLogLevel: async () => ({ level: appLog.level() }),
      async setLogLevel({ level }) {
        if (options.saveLevel) await options.saveLevel(level);
        else changeLevel(level, 'log level changed');
        return { level };
      },
    },
    onEvent(listener) {
      return appLog.onLine((record) => {
        if (record.source === 'run' && record.level >= LEVEL_VALUES.info) return;
        listener({
          type: 'log_entry',
          job_id: record.job_id,
          execution_id: record.execution_id,
          level: levelName(record.level),
          message: record.msg,
          time: record.time,
        });
      });
    },
    close: unsubscribe,
  };
}
