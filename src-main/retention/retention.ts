import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Logger as PinoLogger } from 'pino';
import type { CleanupResult } from '../../src-shared/api/log-model';
import type { RouteInput, RouteOutput } from '../../src-shared/api/contract';
import type { ExecutionStatus } from '../../src-shared/api/model';
import type { AppSettingsSource } from '../../src-shared/config/app-settings';
import type { Database } from '../store/database';
import { appLogFiles, executionLogFiles } from '../logs/log-files';
import { APP_LOG_FILE, executionLogPath } from '../logs/log-destination';

/** Executions in these states are never deleted, however old: they are not done. */
const UNFINISHED: ExecutionStatus[] = ['queued', 'pending', 'running', 'paused'];
/** Executions deleted per transaction. */
const BATCH = 200;
const DAY_MS = 86_400_000;
/** A pass at start, then one an hour. */
export const RETENTION_INTERVAL_MS = 3_600_000;

export interface RetentionOptions {
  db: Kysely<Database>;
  settings: AppSettingsSource;
  dataDir: string;
  logger: PinoLogger;
  /** Clock, for tests. */
  now?: () => Date;
  /** Milliseconds between passes; the first runs right after start. 0: no timer, passes only when asked. */
  intervalMs?: number;
}

export interface Retention {
  /** One pass now (or the one already under way). */
  runRetention(): Promise<CleanupResult>;
  api: { runCleanup(input: RouteInput<'runCleanup'>): Promise<RouteOutput<'runCleanup'>> };
  /** Stops the timer and waits for a pass under way. */
  close(): Promise<void>;
}

/** Removes a file; false when it was not there. */
async function removeFile(path: string): Promise<boolean> {
  try {
    await rm(path);
    return true;
  } catch {
    return false;
  }
}

/** The dead-letter file of an execution and anything kept beside it under its id (`<id>.jsonl`, `<id>.*`). */
async function removeDeadLetters(dataDir: string, jobId: string, executionId: string): Promise<number> {
  const dir = join(dataDir, 'jobs', jobId, 'dead-letter');
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names)
    if (name.startsWith(`${executionId}.`) && (await removeFile(join(dir, name)))) removed++;
  return removed;
}

/**
 * Keeps the run history bounded: executions older than `retention.executions_days` go with their
 * checkpoints, logs and dead letters (never one still queued, running or paused), and log files
 * not written for `retention.logs_days` go too. Says what it deleted in the app log.
 */
export function createRetention(options: RetentionOptions): Retention {
  const { db, settings, dataDir, logger } = options;
  const now = options.now ?? (() => new Date());
  const logsDir = join(dataDir, 'logs');
  let running: Promise<CleanupResult> | null = null;
  let closed = false;

  async function deleteExecutions(cutoff: string, result: CleanupResult): Promise<void> {
    for (;;) {
      const batch = await db
        .selectFrom('executions')
        .select(['id', 'job_id'])
        .where('status', 'not in', UNFINISHED)
        .where((eb) => eb(eb.fn.coalesce('finished_at', 'created_at'), '<', cutoff))
        .orderBy('created_at')
        .limit(BATCH)
        .execute();
      if (batch.length === 0) return;
      const ids = batch.map((row) => row.id);
      await db.transaction().execute(async (trx) => {
        const checkpoints = await trx
          .deleteFrom('checkpoints')
          .where('execution_id', 'in', ids)
          .executeTakeFirst();
        const executions = await trx.deleteFrom('executions').where('id', 'in', ids).executeTakeFirst();
        result.checkpoints += Number(checkpoints.numDeletedRows);
        result.executions += Number(executions.numDeletedRows);
      });
      for (const { id, job_id } of batch) {
        const logPath = executionLogPath(logsDir, id);
        if (logPath && (await removeFile(logPath))) result.execution_log_files++;
        result.dead_letter_files += await removeDeadLetters(dataDir, job_id, id);
      }
      if (batch.length < BATCH) return;
    }
  }

  async function deleteOldLogs(cutoffMs: number, result: CleanupResult): Promise<void> {
    const current = join(logsDir, APP_LOG_FILE);
    for (const file of await appLogFiles(logsDir)) {
      // The current file is written to and moved aside on a new day; it is never deleted here.
      if (file.path !== current && file.modifiedMs < cutoffMs && (await removeFile(file.path)))
        result.log_files++;
    }
    const old = (await executionLogFiles(logsDir)).filter((file) => file.modifiedMs < cutoffMs);
    if (old.length === 0) return;
    const unfinished = new Set(
      (await db.selectFrom('executions').select('id').where('status', 'in', UNFINISHED).execute()).map(
        (row) => row.id,
      ),
    );
    for (const file of old) {
      if (file.executionId && unfinished.has(file.executionId)) continue; // a quiet run's log
      // Written to since it was listed: not old after all.
      const info = await stat(file.path).catch(() => null);
      if (info && info.mtimeMs < cutoffMs && (await removeFile(file.path))) result.log_files++;
    }
  }

  async function pass(): Promise<CleanupResult> {
    const startedAt = now();
    const { executions_days, logs_days } = settings.current().retention;
    const result: CleanupResult = {
      executions: 0,
      checkpoints: 0,
      execution_log_files: 0,
      dead_letter_files: 0,
      log_files: 0,
      started_at: startedAt.toISOString(),
      finished_at: startedAt.toISOString(),
    };
    const executionsCutoff = new Date(startedAt.getTime() - executions_days * DAY_MS).toISOString();
    try {
      await deleteExecutions(executionsCutoff, result);
      await deleteOldLogs(startedAt.getTime() - logs_days * DAY_MS, result);
    } catch (error) {
      logger.error({ err: error, ...result }, 'retention could not finish its cleanup');
      throw error;
    }
    result.finished_at = now().toISOString();
    const deleted =
      result.executions + result.log_files + result.dead_letter_files + result.execution_log_files;
    const { started_at: _started, finished_at: _finished, ...counts } = result;
    if (deleted > 0)
      logger.info(
        { ...counts, executions_days, logs_days },
        `retention deleted ${result.executions} executions older than ${executions_days} days ` +
          `(${result.checkpoints} checkpoints, ${result.execution_log_files} execution logs, ` +
          `${result.dead_letter_files} dead-letter files) and ${result.log_files} log files older than ${logs_days} days`,
      );
    else logger.debug({ executions_days, logs_days }, 'retention found nothing to delete');
    return result;
  }

  function runRetention(): Promise<CleanupResult> {
    running ??= pass().finally(() => {
      running = null;
    });
    return running;
  }

  // Timed passes report failure in the app log (pass() logs it); the API call gets the error.
  const timed = () => {
    if (!closed) runRetention().catch(() => undefined);
  };
  const intervalMs = options.intervalMs ?? RETENTION_INTERVAL_MS;
  const first = intervalMs > 0 ? setTimeout(timed, 0) : undefined;
  const every = intervalMs > 0 ? setInterval(timed, intervalMs) : undefined;
  first?.unref();
  every?.unref();

  return {
    runRetention,
    api: { runCleanup: () => runRetention() },
    async close() {
      closed = true;
      clearTimeout(first);
      clearInterval(every);
      await running?.catch(() => undefined);
    },
  };
}
