import type { LogEntry } from '../../src-shared/api/log-model';
import type { LogLevel } from '../../src-shared/api/model';

/*
 * A log line as pino writes it (`{"level":30,"time":"…","pid":1,"job_id":…,"msg":"…"}`) and as
 * the API shows it. Pino's numeric levels are kept in the files; the API speaks names.
 */

/** Pino's numbers for the levels the studio uses. */
export const LEVEL_VALUES: Record<LogLevel, number> = { debug: 20, info: 30, warn: 40, error: 50 };

/** The API level of a pino number: trace counts as debug, fatal as error. */
export function levelName(value: number): LogLevel {
  if (value >= LEVEL_VALUES.error) return 'error';
  if (value >= LEVEL_VALUES.warn) return 'warn';
  if (value >= LEVEL_VALUES.info) return 'info';
  return 'debug';
}

/**
 * Times are ISO 8601 in UTC with six fraction digits (`2025-03-01T10:00:00.123456Z`): the app log
 * gives each line a distinct, increasing time, so lines keep their order when files are merged.
 * Lines of earlier versions have three digits; they are read as `…123000Z` so all compare as text.
 */
export function normalizeTime(time: string): string {
  return /\.\d{3}Z$/.test(time) ? `${time.slice(0, -1)}000Z` : time;
}

/** An ISO time to six fraction digits, from `Date` (`end` rounds up to the millisecond's last microsecond). */
export function microTime(date: Date, end = false): string {
  return `${date.toISOString().slice(0, -1)}${end ? '999' : '000'}Z`;
}

/** Fields every line has, or that the log entry shows in its own place rather than in `detail`. */
const OWN_FIELDS = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'job_id', 'execution_id', 'source']);

/** A parsed line with what routing and filtering need. */
export interface LogRecord {
  level: number;
  time: string;
  msg: string;
  job_id: string | null;
  execution_id: string | null;
  /** `run` for what a run process logged (run-tracker marks it so), else the host's own line. */
  source: 'app' | 'run';
  detail: Record<string, unknown> | null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** Reads one JSON line; null when it is not a log line (a torn last line, a stray write). */
export function parseLogLine(line: string): LogRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const fields = value as Record<string, unknown>;
  if (typeof fields.level !== 'number' || typeof fields.time !== 'string') return null;
  let detail: Record<string, unknown> | null = null;
  for (const [key, field] of Object.entries(fields)) {
    if (OWN_FIELDS.has(key)) continue;
    detail ??= {};
    detail[key] = field;
  }
  return {
    level: fields.level,
    time: normalizeTime(fields.time),
    msg: typeof fields.msg === 'string' ? fields.msg : '',
    job_id: text(fields.job_id),
    execution_id: text(fields.execution_id),
    source: fields.source === 'run' ? 'run' : 'app',
    detail,
  };
}

export function toLogEntry(record: LogRecord): LogEntry {
  return {
    time: record.time,
    level: levelName(record.level),
    message: record.msg,
    job_id: record.job_id,
    execution_id: record.execution_id,
    ...(record.detail ? { detail: record.detail } : {}),
  };
}

/** One entry as a line of a plain-text export: `time LEVEL [job/execution] message {detail}`. */
export function formatLogText(entry: LogEntry): string {
  const where = entry.execution_id
    ? ` [${entry.job_id ?? '-'}/${entry.execution_id}]`
    : entry.job_id
      ? ` [${entry.job_id}]`
      : '';
  const detail = entry.detail ? ` ${JSON.stringify(entry.detail)}` : '';
  return `${entry.time} ${entry.level.toUpperCase().padEnd(5)}${where} ${entry.message}${detail}`;
}

/*
 * Cheap looks at a raw line, before (or instead of) parsing it: pino writes `level` first and
 * `time` second, so a binary search over a file and the level filter need no JSON.parse.
 */
const LEVEL_AT_START = /^\{"level":(\d+)/;
const TIME_NEAR_START = /"time":"([^"]+)"/;

export function rawLevel(line: string): number | null {
  const match = LEVEL_AT_START.exec(line);
  return match ? Number(match[1]) : null;
}

export function rawTime(line: string): string | null {
  const match = TIME_NEAR_START.exec(line.length > 200 ? line.slice(0, 200) : line);
  return match ? normalizeTime(match[1]) : null;
}
