import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { defaultRegistry } from '../default-registry';
import type { Store } from '../store/open-store';
import type { Execution } from '../../src-shared/api/model';
import { createJobService, type JobService, type JobServiceOptions } from './job-service';
import { createForkLauncher } from './run-launcher';

/*
 * For integration tests of what the job service drives: a real job service over a test's store,
 * whose runs are real processes started from source, and waits on what its runs do.
 */

const workerPath = fileURLToPath(new URL('./run-worker.ts', import.meta.url));

/** A job service on `store`, running jobs in `dataDir` in forked run processes (from source, with tsx). */
export function startTestJobService(
  store: Store,
  dataDir: string,
  options: Partial<JobServiceOptions> = {},
): Promise<JobService> {
  return createJobService({
    db: store.db,
    registry: defaultRegistry(),
    launcher: createForkLauncher({ workerPath, execArgv: ['--import', 'tsx'] }),
    dataDir,
    examplesDir: dataDir,
    logger: pino({ level: 'silent' }),
    persistIntervalMs: 50,
    ...options,
  });
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 50));

/** Resolves with the execution once it has one of `statuses`; throws when it has not in time. */
export async function untilExecution(
  service: JobService,
  id: string,
  statuses: Execution['status'][],
  timeoutMs = 120_000,
): Promise<Execution> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const execution = await service.api.getExecution({ id });
    if (statuses.includes(execution.status)) return execution;
    if (Date.now() > deadline) throw new Error(`execution ${id} is still ${execution.status}`);
    await pause();
  }
}

/** Resolves once the run has written at least `rows` rows. */
export async function untilWritten(
  service: JobService,
  id: string,
  rows: number,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await service.api.getExecution({ id })).records_written < rows) {
    if (Date.now() > deadline) throw new Error(`execution ${id} wrote fewer than ${rows} rows in time`);
    await pause();
  }
}

/** The job's newest execution once it is another than `previous` (the run that followed it). */
export async function nextExecution(
  service: JobService,
  jobId: string,
  previous: string,
): Promise<Execution> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const [latest] = await service.api.listExecutions({ job_id: jobId, limit: 1 });
    if (latest && latest.id !== previous) return latest;
    if (Date.now() > deadline) throw new Error(`no run followed execution ${previous}`);
    await pause();
  }
}
