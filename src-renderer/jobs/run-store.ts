import { create } from 'zustand';
import type { StudioClient } from '../../src-shared/api/contract';
import type { Bottleneck } from '../../src-shared/api/bottleneck-model';
import type { ExecutionStatus, JobState, RunProgress, StudioEvent } from '../../src-shared/api/model';

/** What the studio knows live about a job's current or latest run, from the event stream. */
export interface LiveRun {
  execution_id: string;
  status: ExecutionStatus;
  error: string | null;
  progress: RunProgress | null;
  /** What a finished run said about where rows went (from the store). */
  notes?: string[];
  /** Where the finished run's time went, and what limited it (from the store). */
  bottleneck?: Bottleneck | null;
}

interface RunState {
  /** Live run per job id. */
  runs: Record<string, LiveRun>;
  /** Bumped on every status change, so lists know to reload. */
  statusVersion: number;
  /** Each job's lifecycle state as its last `job_state` event said. */
  jobStates: Record<string, JobState>;
  apply(event: StudioEvent): void;
}

function applyEvent(runs: Record<string, LiveRun>, event: StudioEvent): Record<string, LiveRun> {
  if (event.type !== 'job_status' && event.type !== 'job_progress') return runs;
  const previous = runs[event.job_id];
  const same = previous?.execution_id === event.execution_id ? previous : undefined;
  if (event.type === 'job_status') {
    return {
      ...runs,
      [event.job_id]: {
        execution_id: event.execution_id,
        status: event.status,
        error: event.error,
        progress: same?.progress ?? null,
      },
    };
  }
  const { type: _type, job_id: _job, execution_id, ...progress } = event;
  return {
    ...runs,
    [event.job_id]: { execution_id, status: same?.status ?? 'running', error: same?.error ?? null, progress },
  };
}

/** Live run state for every job, fed by one subscription to the event stream. */
export const useRunStore = create<RunState>((set) => ({
  runs: {},
  statusVersion: 0,
  jobStates: {},
  apply: (event) =>
    set((state) => ({
      runs: applyEvent(state.runs, event),
      // A state change (a job switched off, moved to ready) is news for lists as a run's status is.
      statusVersion:
        event.type === 'job_status' || event.type === 'job_state'
          ? state.statusVersion + 1
          : state.statusVersion,
      jobStates:
        event.type === 'job_state' ? { ...state.jobStates, [event.job_id]: event.to } : state.jobStates,
    })),
}));

/** Feeds the store from a client's events; returns the unsubscribe function. */
export function connectRunStore(client: StudioClient): () => void {
  return client.onEvent((event) => useRunStore.getState().apply(event));
}
