import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { LogLevel } from '../../src-shared/api/model';
import { LEVEL_VALUES, parseLogLine, type LogRecord } from './log-record';
import { RotatingFile } from './rotating-file';

/** The app log's name in the logs folder. */
export const APP_LOG_FILE = 'fustgo.log';
/** Folder of the per-execution logs in the logs folder. */
export const EXECUTION_LOGS_DIR = 'executions';

/** An execution id usable as a file name (ids are UUIDs; anything else stays in the app log only). */
const SAFE_ID = /^[A-Za-z0-9_-]{1,100}$/;

export function executionLogPath(logsDir: string, executionId: string): string | null {
  return SAFE_ID.test(executionId) ? join(logsDir, EXECUTION_LOGS_DIR, `${executionId}.log`) : null;
}

/** Execution logs kept open at once, and how long an idle one stays open. */
const MAX_OPEN_EXECUTION_LOGS = 32;
const IDLE_CLOSE_MS = 60_000;

export interface LogDestinationOptions {
  /** `<data dir>/logs`. */
  logsDir: string;
  level: LogLevel;
  /** Size past which the app log is moved aside. */
  maxBytes?: number;
  /** Also gets every line kept (stdout under `fustgo serve`). */
  mirror?: { write(text: string): unknown };
}

interface OpenLog {
  fd: number;
  lastWrite: number;
}

/**
 * Where pino's lines go: the level filter, then the files, then the listeners (the live tail).
 *
 * - A line of a run (`source: "run"`, with `execution_id`) goes to `executions/<id>.log` only.
 * - A host line about an execution (run started, run ended) goes there too, and to the app log.
 * - Every other line goes to the app log `fustgo.log`.
 *
 * The level is applied here rather than by pino, so changing it reaches every child logger at
 * once, including those of runs already going (pino children copy their parent's level when made).
 */
export class LogDestination {
  private threshold: number;
  private readonly appLog: RotatingFile;
  private readonly executionsDir: string;
  private readonly open = new Map<string, OpenLog>();
  private readonly listeners = new Set<(record: LogRecord) => void>();
  private readonly sweeper: NodeJS.Timeout;
  private emitting = false;
  private closed = false;

  constructor(private readonly options: LogDestinationOptions) {
    this.threshold = LEVEL_VALUES[options.level];
    this.appLog = new RotatingFile(join(options.logsDir, APP_LOG_FILE), {
      ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
    });
    this.executionsDir = join(options.logsDir, EXECUTION_LOGS_DIR);
    this.sweeper = setInterval(() => this.closeIdle(Date.now() - IDLE_CLOSE_MS), IDLE_CLOSE_MS);
    this.sweeper.unref();
  }

  get level(): LogLevel {
    return (
      (Object.keys(LEVEL_VALUES) as LogLevel[]).find((name) => LEVEL_VALUES[name] === this.threshold) ??
      'info'
    );
  }

  setLevel(level: LogLevel): void {
    this.threshold = LEVEL_VALUES[level];
  }

  /** Hears every line kept, after it is written. Returns the unsubscribe. */
  onLine(listener: (record: LogRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Pino's destination interface: one call per line, the line ending in `\n`. */
  write(line: string): void {
    if (this.closed) return;
    const record = parseLogLine(line);
    if (!record) {
      this.appLog.write(line);
      return;
    }
    if (record.level < this.threshold) return;
    if (record.execution_id) this.writeExecution(record.execution_id, line);
    if (!(record.source === 'run' && record.execution_id)) this.appLog.write(line);
    this.options.mirror?.write(line);
    this.announce(record);
  }

  /** Closes the execution's log now (its run ended); a later line opens it again. */
  release(executionId: string): void {
    const log = this.open.get(executionId);
    if (!log) return;
    closeSync(log.fd);
    this.open.delete(executionId);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweeper);
    this.closeIdle(Number.POSITIVE_INFINITY);
    this.appLog.close();
  }

  private writeExecution(executionId: string, line: string): void {
    let log = this.open.get(executionId);
    if (!log) {
      const path = executionLogPath(this.options.logsDir, executionId);
      if (!path) return;
      if (this.open.size >= MAX_OPEN_EXECUTION_LOGS) this.closeLeastRecent();
      mkdirSync(this.executionsDir, { recursive: true });
      log = { fd: openSync(path, 'a'), lastWrite: 0 };
      this.open.set(executionId, log);
    }
    writeSync(log.fd, line);
    log.lastWrite = Date.now();
  }

  private closeIdle(before: number): void {
    for (const [id, log] of this.open) if (log.lastWrite < before) this.release(id);
  }

  private closeLeastRecent(): void {
    let oldest: string | null = null;
    let at = Number.POSITIVE_INFINITY;
    for (const [id, log] of this.open) {
      if (log.lastWrite < at) {
        oldest = id;
        at = log.lastWrite;
      }
    }
    if (oldest) this.release(oldest);
  }

  private announce(record: LogRecord): void {
    // A listener that logs would come back here: its line is written, not announced again.
    if (this.emitting) return;
    this.emitting = true;
    try {
      for (const listener of this.listeners) {
        try {
          listener(record);
        } catch {
          // A broken listener must not break the line's caller; the line itself is on disk.
        }
      }
    } finally {
      this.emitting = false;
    }
  }
}
