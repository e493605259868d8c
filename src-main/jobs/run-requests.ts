import type { Execution, RunTrigger } from '../../src-shared/api/model';

/**
 * How anything that starts runs by itself (the scheduler, triggers, dependencies, the retry
 * policy) asks the job service for one. The job service applies the job's overlap policy and the
 * app's concurrency limit: the run starts, waits as `queued`, or is skipped with a reason.
 */
export interface RunRequest {
  trigger: RunTrigger;
  /** Who asks: `scheduler`, `webhook`, `retry policy`, a user name. */
  actor: string;
  /** What to say about it: the file that appeared, the job this one ran after. */
  detail?: string;
  /** When the job already has a run: skip this one, or queue it. Defaults to the job's `job.overlap`. */
  overlap?: 'skip' | 'queue';
  /**
   * Run this config instead of the job's (a dead-letter replay runs a config derived from the job's);
   * checked like the job's own.
   */
  config_yaml?: string;
}

export type RunRequestOutcome =
  { outcome: 'started' | 'queued'; execution: Execution } | { outcome: 'skipped'; reason: string };

export interface RunRequests {
  requestRun(jobId: string, request: RunRequest): Promise<RunRequestOutcome>;
}
