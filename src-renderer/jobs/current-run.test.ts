import { describe, expect, it } from 'vitest';
import type { Execution } from '../../src-shared/api/model';
import { currentRun, runFromExecution } from './current-run';
import type { LiveRun } from './run-store';

function execution(overrides: Partial<Execution>): Execution {
  return {
    id: 'e1',
    job_id: 'j1',
    status: 'completed',
    started_at: '2025-01-01T00:00:00Z',
    finished_at: '2025-01-01T00:00:02Z',
    records_read: 10000,
    records_written: 5400,
    records_failed: 0,
    bytes_read: 0,
    error: null,
    checkpoint: null,
    created_at: '2025-01-01T00:00:00Z',
    notes: [],
    steps: null,
    trigger: 'manual',
    actor: 'user',
    attempt: 1,
    resumed_from: null,
    trigger_detail: null,
    run_after: null,
    ...overrides,
  };
}

const progress = {
  records_read: 4000,
  records_written: 2000,
  records_failed: 0,
  bytes_read: 0,
  rows_per_second: 2000,
  total: 10000,
  elapsed_ms: 2000,
};

describe('currentRun', () => {
  it('shows a stored run with its average rate when no events arrived', () => {
    const run = runFromExecution(execution({}));
    expect(run.progress).toMatchObject({ records_written: 5400, rows_per_second: 5000, elapsed_ms: 2000 });
    expect(currentRun(null, execution({}))).toEqual(run);
  });

  it('shows live progress while the run is going', () => {
    const live: LiveRun = { execution_id: 'e1', status: 'running', error: null, progress };
    expect(currentRun(live, execution({ status: 'running', finished_at: null }))).toBe(live);
  });

  it('takes the final counts from the stored row once it finished, keeping the known total', () => {
    const live: LiveRun = { execution_id: 'e1', status: 'completed', error: null, progress };
    const run = currentRun(live, execution({}));
    expect(run?.status).toBe('completed');
    expect(run?.progress).toMatchObject({ records_written: 5400, total: 10000 });
  });

  it('prefers a newer live run over older history', () => {
    const live: LiveRun = { execution_id: 'e2', status: 'pending', error: null, progress: null };
    expect(currentRun(live, execution({}))).toBe(live);
  });
});
