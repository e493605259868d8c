import { randomUUID } from 'node:crypto';
import type { ExecutionStatus, JobState, StudioEvent } from '../../src-shared/api/model';
import type { JobRepo } from '../store/job-repo';
import type { TransitionRepo } from '../store/transition-repo';
import { isoNow } from './clock';

/*
 * A job's lifecycle (the seed design's state machine):
 *
 *   draft → ready → (queued →) running ⇄ paused
 *                              running → completed | failed | cancelled
 *                              failed → (retry) queued → running
 *
 * A job's state follows its newest run; every move is stored in `job_transitions` with who made
 * it and why, and announced as a `job_state` event.
 */

/** The job state a run's status puts the job in. */
export function jobStateOf(status: ExecutionStatus): JobState {
  switch (status) {
    case 'queued':
      return 'queued';
    case 'pending':
    case 'running':
      return 'running';
    default:
      return status;
  }
}

export interface Transition {
  to: JobState;
  actor: string;
  reason?: string | null;
  executionId?: string | null;
}

export interface JobLifecycle {
  /** Moves the job to `to` (recorded even when the state stays, e.g. a run that follows a run). */
  move(jobId: string, transition: Transition): Promise<void>;
}

export function createJobLifecycle(
  jobs: JobRepo,
  transitions: TransitionRepo,
  emit: (event: StudioEvent) => void,
): JobLifecycle {
  // One move at a time, so `from` is always the state the previous move left.
  let queue: Promise<void> = Promise.resolve();
  return {
    move(jobId, transition) {
      const step = queue.then(async () => {
        const job = await jobs.get(jobId);
        if (!job) return;
        const at = isoNow();
        const reason = transition.reason ?? null;
        const executionId = transition.executionId ?? null;
        if (job.state !== transition.to) await jobs.setState(jobId, transition.to);
        await transitions.insert({
          id: randomUUID(),
          job_id: jobId,
          execution_id: executionId,
          from_state: job.state,
          to_state: transition.to,
          actor: transition.actor,
          reason,
          at,
        });
        emit({
          type: 'job_state',
          job_id: jobId,
          execution_id: executionId,
          from: job.state,
          to: transition.to,
          actor: transition.actor,
          reason,
          time: at,
        });
      });
      queue = step.catch(() => undefined);
      return step;
    },
  };
}
