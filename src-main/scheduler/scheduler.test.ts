import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJobRepo } from '../store/job-repo';
import { openStore, type Store } from '../store/open-store';
import { createScheduler, type Scheduler, type SchedulerOptions } from './scheduler';
import { createScheduleStateRepo } from './schedule-state-repo';
import { jobYaml, recordingLogger, recordingRuns, saveJob, type RecordingRuns } from './test-support';

/*
 * The scheduler's decisions with an injected clock: missed runs at start, dependencies, job
 * changes and the API. Cron timers never fire here (schedules are daily); the int test runs them.
 */

const DAILY = 'schedule: "0 2 * * *"';
const KEY = '0 2 * * *\u0000UTC';

let store: Store;
let clock: Date;
let runs: RecordingRuns;
let logger: ReturnType<typeof recordingLogger>;
let scheduler: Scheduler | undefined;

const now = () => clock;

async function start(options: Partial<SchedulerOptions> = {}): Promise<Scheduler> {
  scheduler = await createScheduler({
    db: store.db,
    runs,
    listJobs: () => createJobRepo(store.db).list(),
    logger,
    dataDir: '/tmp/fustgo-scheduler-unit',
    now,
    ...options,
  });
  return scheduler;
}

/** What a previous session left: the schedule armed at `armedAt`, last fired at `firedAt`. */
async function previousSession(jobId: string, armedAt: string, firedAt: string | null, key = KEY) {
  await createScheduleStateRepo(store.db).update(
    jobId,
    { schedule_key: key, armed_at: armedAt, last_fire_at: firedAt },
    armedAt,
  );
}

beforeEach(async () => {
  store = await openStore({ file: ':memory:' });
  clock = new Date('2026-03-05T12:00:00.000Z');
  runs = recordingRuns(store.db, now);
  logger = recordingLogger();
});

afterEach(async () => {
  await scheduler?.close();
  scheduler = undefined;
  await store.close();
});

describe('missed runs at start', () => {
  it('skips them by default and says so in the log', async () => {
    const id = await saveJob(store.db, 'nightly', jobYaml('nightly', DAILY, 'timezone: UTC'));
    await previousSession(id, '2026-03-01T00:00:00.000Z', '2026-03-02T02:00:00.000Z');
    await start();
    expect(runs.calls).toEqual([]);
    expect(logger.lines.find((line) => line.level === 'info')?.message).toBe(
      'missed 3 runs since 2026-03-03T02:00:00.000Z: skipped (job.missed: skip)',
    );
  });

  it('runs once for job.missed: run_once, counting from the later of arming and the last fire', async () => {
    const id = await saveJob(
      store.db,
      'nightly',
      jobYaml('nightly', DAILY, 'timezone: UTC', 'missed: run_once'),
    );
    await previousSession(id, '2026-03-04T00:00:00.000Z', '2026-03-01T02:00:00.000Z');
    await start();
    expect(runs.calls.map((call) => call.request)).toEqual([
      { trigger: 'missed', actor: 'scheduler', detail: 'missed 2 runs since 2026-03-04T02:00:00.000Z' },
    ]);
  });

  it('counts nothing when no fire time passed, the schedule changed, or it was never armed', async () => {
    const quiet = await saveJob(
      store.db,
      'quiet',
      jobYaml('quiet', DAILY, 'timezone: UTC', 'missed: run_once'),
    );
    await previousSession(quiet, '2026-03-05T02:00:00.000Z', '2026-03-05T02:00:00.000Z');
    const changed = await saveJob(
      store.db,
      'changed',
      jobYaml('changed', DAILY, 'timezone: UTC', 'missed: run_once'),
    );
    await previousSession(changed, '2026-03-01T00:00:00.000Z', null, '0 3 * * *\u0000UTC');
    await saveJob(store.db, 'new', jobYaml('new', DAILY, 'timezone: UTC', 'missed: run_once'));
    await start();
    expect(runs.calls).toEqual([]);
    // Each is armed now: from here on, missed runs count from the start time.
    const state = await createScheduleStateRepo(store.db).get(changed);
    expect(state).toMatchObject({ schedule_key: KEY, armed_at: clock.toISOString() });
  });

  it('does not count the time a job was disabled', async () => {
    const id = await saveJob(
      store.db,
      'paused',
      jobYaml('paused', DAILY, 'timezone: UTC', 'missed: run_once'),
    );
    await previousSession(id, '2026-03-01T00:00:00.000Z', null);
    await createJobRepo(store.db).update(id, { enabled: false }, clock.toISOString());
    const first = await start();
    expect(await createScheduleStateRepo(store.db).get(id)).toMatchObject({ schedule_key: null });
    clock = new Date('2026-03-09T12:00:00.000Z');
    await createJobRepo(store.db).update(id, { enabled: true }, clock.toISOString());
    first.handleEvent({ type: 'job_changed', job_id: id, change: 'updated' });
    await first.settled();
    expect(runs.calls).toEqual([]);
    expect(await createScheduleStateRepo(store.db).get(id)).toMatchObject({
      schedule_key: KEY,
      armed_at: '2026-03-09T12:00:00.000Z',
    });
  });
});

describe('drafts', () => {
  it('arms a job only once its config is valid', async () => {
    const id = await saveJob(store.db, 'unfinished', jobYaml('unfinished', DAILY, 'timezone: UTC'));
    await createJobRepo(store.db).update(id, { state: 'draft' }, clock.toISOString());
    const s = await start();
    expect((await createScheduleStateRepo(store.db).get(id))?.schedule_key ?? null).toBe(null);
    await createJobRepo(store.db).update(id, { state: 'ready' }, clock.toISOString());
    s.handleEvent({ type: 'job_changed', job_id: id, change: 'updated' });
    await s.settled();
    expect((await createScheduleStateRepo(store.db).get(id))?.schedule_key).toBe(KEY);
  });
});

describe('dependencies', () => {
  it('starts every enabled job that runs after a completed one', async () => {
    const load = await saveJob(store.db, 'load', jobYaml('load'));
    const report = await saveJob(store.db, 'report', jobYaml('report', 'after: [load]'));
    const off = await saveJob(store.db, 'off', jobYaml('off', 'after: [load]'));
    await createJobRepo(store.db).update(off, { enabled: false }, clock.toISOString());
    const s = await start();
    const { execution } = await runs
      .requestRun(load, { trigger: 'manual', actor: 'user' })
      .then((outcome) => {
        if (outcome.outcome === 'skipped') throw new Error(outcome.reason);
        return outcome;
      });
    await runs.complete(execution.id);
    s.handleEvent({
      type: 'job_status',
      job_id: load,
      execution_id: execution.id,
      status: 'completed',
      error: null,
    });
    s.handleEvent({
      type: 'job_status',
      job_id: load,
      execution_id: execution.id,
      status: 'failed',
      error: 'x',
    });
    await s.settled();
    expect(runs.calls.slice(1).map((call) => [call.job_id, call.request])).toEqual([
      [
        report,
        { trigger: 'dependency', actor: 'scheduler', detail: `after load (execution ${execution.id})` },
      ],
    ]);
  });

  it('with several upstreams, runs once each has completed since its last run', async () => {
    const a = await saveJob(store.db, 'a', jobYaml('a'));
    const b = await saveJob(store.db, 'b', jobYaml('b'));
    const both = await saveJob(store.db, 'both', jobYaml('both', 'after: [a, b]'));
    const s = await start();
    const completeRun = async (jobId: string, minute: number) => {
      clock = new Date(`2026-03-05T12:${String(minute).padStart(2, '0')}:00.000Z`);
      const outcome = await runs.requestRun(jobId, { trigger: 'manual', actor: 'user' });
      if (outcome.outcome === 'skipped') throw new Error(outcome.reason);
      clock = new Date(clock.getTime() + 30_000);
      await runs.complete(outcome.execution.id);
      s.handleEvent({
        type: 'job_status',
        job_id: jobId,
        execution_id: outcome.execution.id,
        status: 'completed',
        error: null,
      });
      await s.settled();
    };
    const bothRuns = () => runs.calls.filter((call) => call.job_id === both).length;

    await completeRun(a, 1);
    expect(bothRuns()).toBe(0); // b never completed
    await completeRun(b, 2);
    expect(bothRuns()).toBe(1);
    await completeRun(a, 3);
    expect(bothRuns()).toBe(1); // b has not completed since
    await completeRun(b, 4);
    expect(bothRuns()).toBe(2);
  });
});

describe('job changes', () => {
  it('makes a webhook token when a webhook is switched on, and drops a deleted job', async () => {
    const s = await start();
    const id = await saveJob(store.db, 'hooked', jobYaml('hooked', 'triggers: { webhook: true }'));
    s.handleEvent({ type: 'job_changed', job_id: id, change: 'created' });
    await s.settled();
    const token = (await createScheduleStateRepo(store.db).get(id))?.webhook_token;
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    await createJobRepo(store.db).delete(id);
    s.handleEvent({ type: 'job_changed', job_id: id, change: 'deleted' });
    await s.settled();
    expect(await createScheduleStateRepo(store.db).get(id)).toBe(undefined);
  });

  it('leaves a schedule armed through changes that keep it, and re-arms on a new one', async () => {
    const id = await saveJob(store.db, 'nightly', jobYaml('nightly', DAILY, 'timezone: UTC'));
    const s = await start();
    const armedAt = clock.toISOString();
    clock = new Date('2026-03-05T13:00:00.000Z');
    await createJobRepo(store.db).update(id, { description: 'changed' }, clock.toISOString());
    s.handleEvent({ type: 'job_changed', job_id: id, change: 'updated' });
    await s.settled();
    expect((await createScheduleStateRepo(store.db).get(id))?.armed_at).toBe(armedAt);
    await createJobRepo(store.db).update(
      id,
      { config_yaml: jobYaml('nightly', 'schedule: "0 4 * * *"', 'timezone: UTC') },
      clock.toISOString(),
    );
    s.handleEvent({ type: 'job_changed', job_id: id, change: 'updated' });
    await s.settled();
    expect(await createScheduleStateRepo(store.db).get(id)).toMatchObject({
      schedule_key: '0 4 * * *\u0000UTC',
      armed_at: '2026-03-05T13:00:00.000Z',
    });
  });
});

describe('the API', () => {
  it('describes a job’s schedule, triggers and dependencies', async () => {
    await saveJob(store.db, 'load', jobYaml('load'));
    const id = await saveJob(
      store.db,
      'orders',
      jobYaml(
        'orders',
        'schedule: "0 2 * * *"',
        'timezone: Asia/Shanghai',
        'missed: run_once',
        'overlap: queue',
        'after: [load, gone]',
        'triggers: { webhook: true, file: { path: inbox, pattern: "*.csv" } }',
      ),
    );
    const report = await saveJob(store.db, 'report', jobYaml('report', 'after: [orders]'));
    const s = await start();
    const schedule = await s.api.getJobSchedule({ id });
    expect(schedule).toMatchObject({
      job_id: id,
      enabled: true,
      schedule: '0 2 * * *',
      timezone: 'Asia/Shanghai',
      effective_timezone: 'Asia/Shanghai',
      schedule_problem: null,
      next_runs: [
        '2026-03-05T18:00:00.000Z',
        '2026-03-06T18:00:00.000Z',
        '2026-03-07T18:00:00.000Z',
        '2026-03-08T18:00:00.000Z',
        '2026-03-09T18:00:00.000Z',
      ],
      missed: 'run_once',
      overlap: 'queue',
      file_trigger: {
        path: 'inbox',
        folder: `/tmp/fustgo-scheduler-unit/jobs/${id}/inbox`,
        pattern: '*.csv',
        last_file: null,
      },
      upstream: [
        { name: 'load', job_id: expect.any(String) as string },
        { name: 'gone', job_id: null },
      ],
      downstream: [{ name: 'report', job_id: report }],
    });
    expect(schedule.webhook.enabled).toBe(true);
    expect(schedule.webhook.url_path).toMatch(/^\/hooks\/jobs\/[A-Za-z0-9_-]{32}$/);

    const renewed = await s.api.regenerateWebhookToken({ id });
    expect(renewed.webhook.url_path).not.toBe(schedule.webhook.url_path);
    await expect(s.api.getJobSchedule({ id: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('previews a schedule as it is typed', async () => {
    const s = await start();
    expect(await s.api.previewSchedule({ schedule: '*/15 * * * *', timezone: 'UTC' })).toEqual({
      problem: null,
      effective_timezone: 'UTC',
      next_runs: [
        '2026-03-05T12:15:00.000Z',
        '2026-03-05T12:30:00.000Z',
        '2026-03-05T12:45:00.000Z',
        '2026-03-05T13:00:00.000Z',
        '2026-03-05T13:15:00.000Z',
      ],
    });
    expect(await s.api.previewSchedule({ schedule: '0 25 * * *', timezone: 'UTC' })).toMatchObject({
      problem: 'not a cron expression: Invalid value for hour: 25',
      next_runs: [],
    });
    expect(await s.api.previewSchedule({ schedule: '0 2 * * *', timezone: 'Mars/Olympus' })).toMatchObject({
      problem: 'unknown time zone "Mars/Olympus" (an IANA name such as Asia/Shanghai)',
    });
  });
});
