import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Execution } from '../../src-shared/api/model';
import type { RunRequest, RunRequests } from '../jobs/run-requests';
import type { Database } from '../store/database';
import { createExecutionRepo } from '../store/execution-repo';
import { createJobRepo } from '../store/job-repo';
import type { SchedulerLogger } from './scheduler';

/*
 * What the scheduler's tests share: a RunRequests that records each ask and stores it as an
 * execution (so the dependency rule reads real history), a logger that keeps its lines, and jobs.
 */

export interface RecordedRun {
  job_id: string;
  request: RunRequest;
  execution: Execution;
}

export interface RecordingRuns extends RunRequests {
  calls: RecordedRun[];
  /** Marks the execution completed now, as the job service does when a run ends. */
  complete(executionId: string, at?: string): Promise<void>;
  /** The next asks of these jobs answer `skipped` with this reason. */
  skipJobs: Map<string, string>;
}

export function recordingRuns(db: Kysely<Database>, clock: () => Date = () => new Date()): RecordingRuns {
  const executions = createExecutionRepo(db);
  const calls: RecordedRun[] = [];
  const skipJobs = new Map<string, string>();
  return {
    calls,
    skipJobs,
    async requestRun(jobId, request) {
      const reason = skipJobs.get(jobId);
      if (reason !== undefined) return { outcome: 'skipped', reason };
      const execution = await executions.insert(
        {
          id: randomUUID(),
          job_id: jobId,
          trigger: request.trigger,
          actor: request.actor,
          trigger_detail: request.detail ?? null,
        },
        clock().toISOString(),
      );
      calls.push({ job_id: jobId, request, execution });
      return { outcome: 'started', execution };
    },
    async complete(executionId, at = clock().toISOString()) {
      await executions.update(executionId, { status: 'completed', started_at: at, finished_at: at });
    },
  };
}

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  data: object;
}

export function recordingLogger(): SchedulerLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (data: object, message: string): void =>
      void lines.push({ level, message, data });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A runnable config with the given lines in its `job` section. */
export function jobYaml(name: string, ...jobLines: string[]): string {
  return [
    'version: 1',
    'job:',
    `  name: ${name}`,
    ...jobLines.map((line) => `  ${line}`),
    'input:',
    '  type: generate',
    '  count: 3',
    '  columns:',
    '    - { name: id, generator: sequence }',
    'output:',
    '  type: file',
    '  path: out.csv',
    '',
  ].join('\n');
}

/** Saves a job straight into the store; returns its id. */
export async function saveJob(
  db: Kysely<Database>,
  name: string,
  configYaml: string,
  at = new Date().toISOString(),
): Promise<string> {
  const id = randomUUID();
  await createJobRepo(db).insert(
    { id, name, description: '', config_yaml: configYaml, flow_diagram: null },
    at,
  );
  return id;
}
