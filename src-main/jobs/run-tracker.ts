import type { Logger as PinoLogger } from 'pino';
import type { RunStats } from '../engine/stats';
import type { RunResult } from '../engine/runtime';
import type { Checkpoint } from '../engine/batch';
import type { CheckpointRepo } from '../store/checkpoint-repo';
import type { ExecutionChanges, ExecutionRepo } from '../store/execution-repo';
import type { ExecutionStatus, StepProgress, StudioEvent } from '../../src-shared/api/model';
import type { RunHandle } from './run-launcher';
import { isRunMessage, type RunMessage } from './run-protocol';
import { isoNow } from './clock';

export interface TrackedRun {
  executionId: string;
  jobId: string;
  handle: RunHandle;
  executions: ExecutionRepo;
  /** Where each lane's committed position is kept for a retry or resume. */
  checkpoints: CheckpointRepo;
  emit(event: StudioEvent): void;
  /** Called once the execution's final state is stored, before `done` resolves. */
  onEnded?(status: ExecutionStatus, error: string | null, stats: RunStats | null): Promise<void>;
  logger: PinoLogger;
  /** Counts and checkpoints are written at most this often while running (and always at the end). */
  persistIntervalMs: number;
}

/** A run being watched: stop it, or wait until its execution is final in the store. */
export interface RunWatch {
  /** Asks the run to stop; kills it when it has not ended after `graceMs`. */
  stop(graceMs: number): void;
  /** Asks the run to pause at a checkpoint; it ends `paused`. */
  pause(): void;
  /** The run process's id, when it has one. */
  readonly pid: number | undefined;
  /** Resolves once the execution's final state is stored and announced. */
  done: Promise<void>;
}

function counts(stats: RunStats): ExecutionChanges {
  return {
    records_read: stats.records_read,
    records_written: stats.records_written,
    records_failed: stats.records_failed,
    bytes_read: stats.bytes_read,
  };
}

/** Where each processor's rows went, from a run's statistics. */
function stepsOf(stats: RunStats): StepProgress[] | undefined {
  return stats.processors && Object.entries(stats.processors).map(([path, step]) => ({ path, ...step }));
}

function exitReason(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `code ${code ?? 'unknown'}`;
}

/**
 * Follows one run process: turns its messages into events and store updates (throttled),
 * and writes the final status when it exits — `failed` with the reason when it exited
 * without a result (a crash), so a dead run never stays `running`.
 */
export function trackRun(run: TrackedRun): RunWatch {
  const { executionId, jobId, handle, executions, logger } = run;
  const log = logger.child({ job_id: jobId, execution_id: executionId });
  const checkpoints: Record<string, unknown> = {};
  /** Lanes whose newest position is not stored yet. */
  const unsaved = new Map<number, Checkpoint>();
  let latest: RunStats | null = null;
  let result: RunResult | null = null;
  let lastPersist = 0;
  let stopRequested = false;
  let killedAfterGrace = false;
  let killTimer: NodeJS.Timeout | undefined;
  // Store writes happen in order, so a late throttled write never overwrites the final state.
  let writes: Promise<void> = Promise.resolve();
  const write = (changes: ExecutionChanges) => {
    const positions = new Map(unsaved);
    unsaved.clear();
    writes = writes
      .then(async () => {
        await run.checkpoints.save(executionId, positions, isoNow());
        await executions.update(executionId, changes);
      })
      .catch((error: unknown) => log.error({ err: error }, 'could not store the execution state'));
    return writes;
  };

  const progressEvent = (stats: RunStats) =>
    run.emit({
      type: 'job_progress',
      job_id: jobId,
      execution_id: executionId,
      records_read: stats.records_read,
      records_written: stats.records_written,
      records_failed: stats.records_failed,
      bytes_read: stats.bytes_read,
      rows_per_second: stats.rows_per_second,
      total: stats.total,
      elapsed_ms: stats.elapsed_ms,
      ...(stats.processors ? { steps: stepsOf(stats) } : {}),
      ...(stats.stages ? { stages: stats.stages } : {}),
    });

  const persistSoon = () => {
    const at = Date.now();
    if (at - lastPersist < run.persistIntervalMs) return;
    lastPersist = at;
    void write({ ...(latest ? counts(latest) : {}), checkpoint: { ...checkpoints } });
  };

  const onMessage = (message: RunMessage) => {
    switch (message.type) {
      case 'progress':
        latest = message.stats;
        progressEvent(message.stats);
        persistSoon();
        break;
      case 'checkpoint':
        checkpoints[String(message.lane)] = message.checkpoint;
        unsaved.set(message.lane, message.checkpoint);
        persistSoon();
        break;
      case 'log':
        log[message.level]({ source: 'run' }, message.message);
        if (message.level !== 'debug') {
          run.emit({
            type: 'log_entry',
            job_id: jobId,
            execution_id: executionId,
            level: message.level,
            message: message.message,
            time: isoNow(),
          });
        }
        break;
      case 'result':
        result = message.result;
        break;
    }
  };

  const done = new Promise<void>((resolve) => {
    handle.onMessage((message: unknown) => {
      if (isRunMessage(message)) onMessage(message);
      else log.warn({ message }, 'ignored an unknown message from the run process');
    });
    handle.onExit((code, signal) => {
      clearTimeout(killTimer);
      let status: ExecutionStatus;
      let error: string | null;
      if (result) {
        status = result.status;
        // Where the data went (a kept target file, rows already committed) belongs with the error.
        error =
          result.status === 'completed' || result.status === 'paused'
            ? result.error
            : [result.error, ...result.notes].filter((line) => line).join('\n') || null;
      } else if (killedAfterGrace) {
        status = 'cancelled';
        error = 'the run did not stop in time and was killed';
      } else {
        status = 'failed';
        error = `run process exited unexpectedly (${exitReason(code, signal)})`;
      }
      const final = result ?? latest;
      if (final) progressEvent(final);
      log.info({ status, error, code, signal, stop_requested: stopRequested }, 'run ended');
      void write({
        status,
        error,
        finished_at: isoNow(),
        ...(final ? counts(final) : {}),
        ...(result ? { notes: result.notes } : {}),
        ...(final?.processors ? { steps: stepsOf(final) } : {}),
        ...(result?.bottleneck ? { bottleneck: result.bottleneck } : {}),
        checkpoint: Object.keys(checkpoints).length > 0 ? { ...checkpoints } : null,
      })
        .then(() => {
          run.emit({ type: 'job_status', job_id: jobId, execution_id: executionId, status, error });
          return run.onEnded?.(status, error, final);
        })
        .catch((failure: unknown) => log.error({ err: failure }, 'handling the end of the run failed'))
        .finally(resolve);
    });
  });

  return {
    stop(graceMs) {
      if (stopRequested) return;
      stopRequested = true;
      handle.cancel();
      killTimer = setTimeout(() => {
        killedAfterGrace = true;
        handle.kill();
      }, graceMs);
    },
    pause() {
      if (!stopRequested) handle.pause();
    },
    get pid() {
      return handle.pid;
    },
    done,
  };
}
