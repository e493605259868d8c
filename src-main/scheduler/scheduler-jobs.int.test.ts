import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Execution } from '../../src-shared/api/model';
import type { JobService } from '../jobs/job-service';
import { startTestJobService } from '../jobs/test-job-service';
import { createJobRepo } from '../store/job-repo';
import { openStore, type Store } from '../store/open-store';
import { jobDependencyProblems } from './dependency-check';
import { createScheduler, type Scheduler } from './scheduler';
import { jobYaml } from './test-support';

/*
 * The scheduler with the real job service, wired as the services wire them: a webhook call
 * starts job `extract` in its own run process; when it completes, `load` (after: [extract]) runs;
 * saving a job whose `job.after` closes a cycle is refused at `job.after`.
 */

let dataDir: string;
let store: Store;
let jobs: JobService;
let scheduler: Scheduler;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'fustgo-scheduler-jobs-'));
  store = await openStore({ dataDir });
  jobs = await startTestJobService(store, dataDir, {
    examplesDir: join(dataDir, 'examples'),
    persistIntervalMs: 100,
    checkJob: async (job) => jobDependencyProblems(await createJobRepo(store.db).list(), job),
  });
  scheduler = await createScheduler({
    db: store.db,
    runs: jobs,
    listJobs: () => createJobRepo(store.db).list(),
    logger: pino({ level: 'silent' }),
    dataDir,
  });
  jobs.onEvent((event) => scheduler.handleEvent(event));
});

afterEach(async () => {
  await scheduler.close();
  await jobs.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The job's executions once the newest has ended. */
async function finished(jobId: string, timeoutMs = 45_000): Promise<Execution[]> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const list = await jobs.api.listExecutions({ job_id: jobId });
    if (list.length > 0 && ['completed', 'failed', 'cancelled'].includes(list[0].status)) return list;
    if (Date.now() > end) throw new Error(`job ${jobId} did not finish: ${JSON.stringify(list)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the scheduler with the job service', () => {
  it('a webhook call runs a job, and its completion runs the job after it', async () => {
    const extract = await jobs.api.createJob({
      name: 'extract',
      config_yaml: jobYaml('extract', 'triggers: { webhook: true }'),
    });
    const load = await jobs.api.createJob({ name: 'load', config_yaml: jobYaml('load', 'after: [extract]') });
    const urlPath = (await scheduler.api.getJobSchedule({ id: extract.id })).webhook.url_path ?? '';
    const [endpoint] = scheduler.endpoints;
    const answer = await endpoint.handle({
      params: { token: urlPath.split('/').pop() ?? '' },
      query: {},
      body: { detail: 'files landed' },
      headers: {},
      ip: '127.0.0.1',
    });
    expect(answer.status).toBe(202);

    const [extracted] = await finished(extract.id);
    expect(extracted).toMatchObject({
      status: 'completed',
      trigger: 'webhook',
      trigger_detail: 'files landed',
    });
    const [loaded] = await finished(load.id);
    expect(loaded).toMatchObject({
      status: 'completed',
      trigger: 'dependency',
      actor: 'scheduler',
      trigger_detail: `after extract (execution ${extracted.id})`,
    });
    expect(loaded.created_at >= (extracted.finished_at ?? '')).toBe(true);
    const output = join(dataDir, 'jobs', load.id, 'out.csv');
    expect(existsSync(output)).toBe(true);
    expect(readFileSync(output, 'utf8').trim().split('\n')).toHaveLength(4);
  }, 120_000);

  it('refuses a job.after that closes a cycle when the job is saved', async () => {
    const a = await jobs.api.createJob({ name: 'a', config_yaml: jobYaml('a') });
    await jobs.api.createJob({ name: 'b', config_yaml: jobYaml('b', 'after: [a]') });
    await expect(
      jobs.api.updateJob({ id: a.id, config_yaml: jobYaml('a', 'after: [b]') }),
    ).rejects.toMatchObject({
      code: 'invalid_config',
      message: 'invalid config: a.yaml:4:3: job.after: cycle: a → b → a',
    });
  });
});
