import type { Execution, ExecutionStatus } from '../../src-shared/api/model';
import type { LiveRun } from './run-store';

const FINISHED: readonly ExecutionStatus[] = ['completed', 'failed', 'cancelled'];

/** Whether a run has ended (its counts are final). */
export function isFinished(status: ExecutionStatus): boolean {
  return FINISHED.includes(status);
}

/** A stored execution in the shape of a live run (rows/s averaged over its duration). */
export function runFromExecution(execution: Execution, now = Date.now()): LiveRun {
  const start = execution.started_at ? Date.parse(execution.started_at) : NaN;
  const end = execution.finished_at ? Date.parse(execution.finished_at) : now;
  const elapsed = Number.isNaN(start) || Number.isNaN(end) ? 0 : Math.max(0, end - start);
  return {
    execution_id: execution.id,
    status: execution.status,
    error: execution.error,
    ...(execution.notes.length > 0 ? { notes: execution.notes } : {}),
    ...(execution.bottleneck ? { bottleneck: execution.bottleneck } : {}),
    progress: {
      records_read: execution.records_read,
      records_written: execution.records_written,
      records_failed: execution.records_failed,
      bytes_read: execution.bytes_read,
      rows_per_second: elapsed > 0 ? (execution.records_read * 1000) / elapsed : 0,
      total: null,
      elapsed_ms: elapsed,
      ...(execution.steps ? { steps: execution.steps } : {}),
      ...(execution.bottleneck ? { stages: execution.bottleneck.stages } : {}),
    },
  };
}

/**
 * What the run panel shows: the live events of the newest run, merged with its stored
 * row once that row says it finished (the row has the final counts; events may still
 * be a step behind). A live run newer than the loaded history wins.
 */
export function currentRun(live: LiveRun | null, latest: Execution | null): LiveRun | null {
  if (!latest) return live;
  const stored = runFromExecution(latest);
  if (!live) return stored;
  if (live.execution_id !== latest.id) return live;
  if (isFinished(live.status) && !isFinished(latest.status)) return live;
  if (!isFinished(latest.status)) return live;
  return {
    ...stored,
    progress: stored.progress && { ...stored.progress, total: live.progress?.total ?? null },
  };
}
