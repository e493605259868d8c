import { join } from 'node:path';
import pino, { type Logger as PinoLogger } from 'pino';
import { LogLevel as LogLevelSchema, type LogLevel } from '../../src-shared/api/model';
import { LogDestination } from './log-destination';
import type { LogRecord } from './log-record';

/** The studio's logger and the handles on where its lines go. */
export interface AppLog {
  /** Pino, JSON lines; children carrying `execution_id` also feed that execution's log. */
  logger: PinoLogger;
  /** `<data dir>/logs`. */
  logsDir: string;
  level(): LogLevel;
  setLevel(level: LogLevel): void;
  /** Hears every line kept (the live tail). Returns the unsubscribe. */
  onLine(listener: (record: LogRecord) => void): () => void;
  /** Closes an execution's log file early (its run ended). */
  releaseExecution(executionId: string): void;
  close(): void;
}

export interface AppLogOptions {
  dataDir: string;
  /** Start level; defaults to `FUSTGO_LOG_LEVEL`, else `info`. The settings take over once bound. */
  level?: LogLevel;
  /** Size past which `fustgo.log` is moved aside. */
  maxBytes?: number;
  /** Also print every line kept to stdout (`fustgo serve`). */
  stdout?: boolean;
}

/**
 * Pino's `time` field: the wall clock's millisecond plus three digits that count lines within it,
 * so every line of the process has a distinct, increasing time (see `normalizeTime`), also when
 * the clock steps back a little.
 */
function lineTimestamp(): () => string {
  let last = 0;
  return () => {
    let micros = Date.now() * 1000;
    if (micros <= last) micros = last + 1;
    last = micros;
    const fraction = String(micros % 1_000_000).padStart(6, '0');
    const seconds = new Date(Math.floor(micros / 1000)).toISOString().slice(0, 19);
    return `,"time":"${seconds}.${fraction}Z"`;
  };
}

function isLogLevel(value: unknown): value is LogLevel {
  return LogLevelSchema.anyOf.some((literal) => literal.const === value);
}

/**
 * The logger of the services: JSON lines to `<data dir>/logs/fustgo.log` (rotated by size and
 * day) and to `<data dir>/logs/executions/<execution id>.log`, written synchronously.
 */
export function createAppLog(options: AppLogOptions): AppLog {
  const envLevel = process.env.FUSTGO_LOG_LEVEL;
  const level = options.level ?? (isLogLevel(envLevel) ? envLevel : 'info');
  const logsDir = join(options.dataDir, 'logs');
  const destination = new LogDestination({
    logsDir,
    level,
    ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
    ...(options.stdout ? { mirror: process.stdout } : {}),
  });
  // Pino lets everything down to debug through; the destination applies the level (see there).
  const logger = pino(
    { level: 'debug', base: { pid: process.pid }, timestamp: lineTimestamp() },
    destination,
  );
  return {
    logger,
    logsDir,
    level: () => destination.level,
    setLevel: (next) => destination.setLevel(next),
    onLine: (listener) => destination.onLine(listener),
    releaseExecution: (executionId) => destination.release(executionId),
    close: () => destination.close(),
  };
}
