import { isAbsolute, join, resolve } from 'node:path';
import { Cron } from 'croner';
import type { Kysely } from 'kysely';
import type { StudioApi } from '../../src-shared/api/contract';
import { ApiError } from '../../src-shared/api/errors';
import type { Job, StudioEvent } from '../../src-shared/api/model';
import type { JobLink, JobSchedule } from '../../src-shared/api/schedule-model';
import { cronProblem, isTimeZone, nextRuns } from '../../src-shared/config/schedule';
import {
  NO_SCHEDULE_SETTINGS,
  scheduleSettingsOf,
  type ScheduleSettings,
} from '../../src-shared/config/schedule-settings';
import type { RunRequest, RunRequestOutcome, RunRequests } from '../jobs/run-requests';
import type { PlainEndpoint } from '../server/http-server';
import type { Database } from '../store/database';
import { dependenciesMet } from './dependencies';
import { createFolderWatch } from './folder-watch';
import { missedDetail, missedFires } from './missed-runs';
import { createRunHistory } from './run-history';
import { createScheduleStateRepo } from './schedule-state-repo';
import { newWebhookToken, WEBHOOK_PATH, webhookEndpoint } from './webhook-endpoint';

/*
 * The scheduler: starts runs of jobs by themselves. Each enabled job's `job.schedule` fires on
 * its cron (croner) in `job.timezone`; runs missed while the studio was closed are skipped or run
 * once at start (`job.missed`); a job naming others in `job.after` runs when they have completed;
 * a webhook call or a file appearing in a watched folder starts a run. Every start goes through
 * `RunRequests`, so the job service applies the overlap policy and the app's concurrency limit.
 */

/** Where the scheduler reports; a pino logger fits. */
export interface SchedulerLogger {
  debug(data: object, message: string): void;
  info(data: object, message: string): void;
  warn(data: object, message: string): void;
  error(data: object, message: string): void;
}

export interface SchedulerOptions {
  db: Kysely<Database>;
  runs: RunRequests;
  /** Every job with its config (the repository's list, not the API's summaries). */
  listJobs: () => Promise<Job[]>;
  logger: SchedulerLogger;
  /** Jobs run in `<dataDir>/jobs/<job id>/`: a relative watched folder resolves there. */
  dataDir: string;
  /** The clock for missed runs and the times stored; cron timers themselves run on real time. */
  now?: () => Date;
  /** How often watched folders are looked at (default 2000 ms). */
  filePollMs?: number;
}

export type ScheduleApi = Pick<StudioApi, 'getJobSchedule' | 'regenerateWebhookToken' | 'previewSchedule'>;

export interface Scheduler {
  api: ScheduleApi;
  /** `POST /hooks/jobs/:token`. */
  endpoints: PlainEndpoint[];
  /** Feed it the services' events: `job_changed` re-reads a job, a completed `job_status` starts its dependents. */
  handleEvent(event: StudioEvent): void;
  /** Resolves once everything asked of the scheduler so far is done (events handled, fires requested). */
  settled(): Promise<void>;
  /** Stops every timer and waits for work in flight; the store stays open. */
  close(): Promise<void>;
}

interface Entry {
  job: Job;
  settings: ScheduleSettings;
}

interface ArmedCron {
  key: string;
  cron: Cron;
}

interface ArmedWatch {
  key: string;
  timer: NodeJS.Timeout;
}

/** The machine's time zone: what a schedule without `job.timezone` is read in. */
export function machineTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Why the job's schedule cannot be armed, or undefined when it can (it has one and it is valid). */
function scheduleProblem(settings: ScheduleSettings): string | undefined {
  if (settings.schedule === null) return undefined;
  if (settings.timezone !== null && !isTimeZone(settings.timezone))
    return `unknown time zone "${settings.timezone}" (an IANA name such as Asia/Shanghai)`;
  return cronProblem(settings.schedule);
}

/** What identifies an armed schedule: a change to either part re-arms it. */
function scheduleKey(settings: ScheduleSettings): string | null {
  if (settings.schedule === null || scheduleProblem(settings) !== undefined) return null;
  return `${settings.schedule}\u0000${settings.timezone ?? ''}`;
}

/**
 * Whether anything but a user may start the job: it is switched on, and its saved config is valid
 * (a draft would only be refused, at every fire). Saving it valid re-arms it (`job_changed`).
 */
function runsByItself(job: Job): boolean {
  return job.enabled && job.state !== 'draft';
}

function later(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}

export async function createScheduler(options: SchedulerOptions): Promise<Scheduler> {
  const { runs, logger, dataDir } = options;
  const now = options.now ?? (() => new Date());
  const iso = () => now().toISOString();
  const filePollMs = options.filePollMs ?? 2000;
  const state = createScheduleStateRepo(options.db);
  const history = createRunHistory(options.db);

  const entries = new Map<string, Entry>();
  const crons = new Map<string, ArmedCron>();
  const watches = new Map<string, ArmedWatch>();
  let closed = false;

  /** Event handling, one at a time: arming and dependency checks must see each other's results. */
  let queue: Promise<void> = Promise.resolve();
  /** Fires, arrivals and webhook-less work started outside the queue. */
  const inFlight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };
  const serial = (what: string, task: () => Promise<void>) => {
    queue = queue.then(task).catch((error: unknown) => {
      logger.error({ err: error }, `scheduler: ${what} failed`);
    });
  };

  const folderOf = (jobId: string, path: string) =>
    isAbsolute(path) ? resolve(path) : resolve(join(dataDir, 'jobs', jobId), path);

  const byName = (name: string) => [...entries.values()].find((entry) => entry.job.name === name);

  /** Asks for a run and says in the log what came of it; never throws (a failed ask is logged). */
  const request = async (job: Job, ask: RunRequest): Promise<RunRequestOutcome | undefined> => {
    try {
      const outcome = await runs.requestRun(job.id, ask);
      const data = { job_id: job.id, job: job.name, trigger: ask.trigger, detail: ask.detail };
      if (outcome.outcome === 'skipped') logger.info({ ...data, reason: outcome.reason }, 'run skipped');
      else logger.info({ ...data, execution_id: outcome.execution.id }, `run ${outcome.outcome}`);
      return outcome;
    } catch (error) {
      logger.warn(
        { job_id: job.id, job: job.name, trigger: ask.trigger, err: error },
        `could not start a run: ${error instanceof Error ? error.message : String(error)}`,
      );
      return undefined;
    }
  };

  // ---- schedules ---------------------------------------------------------------------------

  /** At start: what became of the fire times that passed while the studio was closed. */
  const applyMissed = async (entry: Entry, since: string) => {
    const { schedule, timezone, missed } = entry.settings;
    if (schedule === null) return;
    const passed = missedFires(schedule, timezone, new Date(since), now());
    if (!passed) return;
    const detail = missedDetail(passed);
    const data = { job_id: entry.job.id, job: entry.job.name, missed: passed.count, since: passed.first };
    if (missed === 'skip') {
      logger.info(data, `${detail}: skipped (job.missed: skip)`);
      return;
    }
    logger.info(data, `${detail}: running once (job.missed: run_once)`);
    await request(entry.job, { trigger: 'missed', actor: 'scheduler', detail });
  };

  const fire = async (jobId: string, key: string) => {
    const entry = entries.get(jobId);
    if (closed || !entry || crons.get(jobId)?.key !== key) return;
    const at = iso();
    await state.update(jobId, { last_fire_at: at }, at);
    const { schedule, timezone } = entry.settings;
    await request(entry.job, {
      trigger: 'schedule',
      actor: 'scheduler',
      detail: `schedule ${schedule ?? ''} (${timezone ?? machineTimeZone()}) at ${at}`,
    });
  };

  const armSchedule = async (entry: Entry, atStart: boolean) => {
    const { job, settings } = entry;
    const key = runsByItself(job) ? scheduleKey(settings) : null;
    const armed = crons.get(job.id);
    if (armed?.key === key) return;
    armed?.cron.stop();
    crons.delete(job.id);
    const stored = await state.get(job.id);
    if (key === null) {
      // Unarmed: a later re-arm counts nothing missed from the time it was off.
      if (stored?.schedule_key) await state.update(job.id, { schedule_key: null, armed_at: null }, iso());
      const problem = runsByItself(job) ? scheduleProblem(settings) : undefined;
      if (problem) logger.warn({ job_id: job.id, job: job.name }, `schedule not armed: ${problem}`);
      return;
    }
    if (atStart && stored?.schedule_key === key) {
      const since = later(stored.armed_at, stored.last_fire_at);
      if (since !== null) await applyMissed(entry, since);
    }
    await state.update(job.id, { schedule_key: key, armed_at: iso() }, iso());
    const cron = new Cron(
      settings.schedule ?? '',
      { ...(settings.timezone ? { timezone: settings.timezone } : {}), unref: true, catch: true },
      () => track(fire(job.id, key)),
    );
    crons.set(job.id, { key, cron });
    logger.debug({ job_id: job.id, job: job.name, next: cron.nextRun() }, 'schedule armed');
  };

  // ---- webhook -----------------------------------------------------------------------------

  /** The job's webhook token, made when it has none. */
  const ensureToken = async (jobId: string): Promise<string> => {
    const existing = (await state.get(jobId))?.webhook_token;
    if (existing) return existing;
    const token = newWebhookToken();
    await state.update(jobId, { webhook_token: token }, iso());
    return token;
  };

  const endpoint = webhookEndpoint({
    async jobByToken(token) {
      const jobId = await state.jobIdByToken(token);
      if (!jobId) return undefined;
      // The saved job as it is now, not as the last event said: a webhook just switched off is off.
      const job = (await options.listJobs()).find((candidate) => candidate.id === jobId);
      return job && scheduleSettingsOf(job.config_yaml).webhook ? job : undefined;
    },
    async requestRun(job, detail) {
      logger.info({ job_id: job.id, job: job.name, detail }, 'webhook called');
      return runs.requestRun(job.id, { trigger: 'webhook', actor: 'webhook', detail });
    },
  });

  // ---- file triggers -----------------------------------------------------------------------

  const stopWatch = (jobId: string) => {
    const watch = watches.get(jobId);
    if (watch) clearInterval(watch.timer);
    watches.delete(jobId);
  };

  const armWatch = async (entry: Entry) => {
    const { job, settings } = entry;
    const folder = settings.file ? folderOf(job.id, settings.file.path) : null;
    const pattern = settings.file?.pattern ?? null;
    const key = runsByItself(job) && folder !== null ? `${folder}\u0000${pattern ?? ''}` : null;
    if (watches.get(job.id)?.key === key) return;
    stopWatch(job.id);
    const stored = await state.get(job.id);
    if (key === null || folder === null) {
      // Off: what lands in the folder meanwhile is not new when the trigger comes back.
      if (stored?.watch_key) {
        await state.update(job.id, { watch_key: null }, iso());
        await state.clearSeenFiles(job.id);
      }
      return;
    }
    const baseline = stored?.watch_key !== key;
    if (baseline) {
      await state.clearSeenFiles(job.id);
      await state.update(job.id, { watch_key: key }, iso());
    }
    const watch = createFolderWatch({
      folder,
      pattern,
      seen: await state.seenFiles(job.id),
      baseline,
      remember: (paths) => state.addSeenFiles(job.id, paths, iso()),
      forget: (paths) => state.forgetSeenFiles(job.id, paths),
      arrived: async (path) => {
        const current = entries.get(job.id);
        if (closed || !current || watches.get(job.id)?.key !== key) return;
        const at = iso();
        await state.update(job.id, { last_file: path, last_file_at: at }, at);
        await request(current.job, { trigger: 'file', actor: 'scheduler', detail: path });
      },
    });
    let polling = false;
    let lastProblem: string | null = null;
    const poll = async () => {
      if (polling || closed) return;
      polling = true;
      try {
        await watch.poll();
        lastProblem = null;
      } catch (error) {
        const problem = error instanceof Error ? error.message : String(error);
        // Said once until it changes: a folder out of reach would otherwise fill the log every 2 s.
        if (problem !== lastProblem)
          logger.warn({ job_id: job.id, job: job.name, folder }, `watched folder unreadable: ${problem}`);
        lastProblem = problem;
      } finally {
        polling = false;
      }
    };
    const timer = setInterval(() => track(poll()), filePollMs);
    timer.unref();
    watches.set(job.id, { key, timer });
    await poll();
  };

  // ---- jobs come and go --------------------------------------------------------------------

  const arm = async (entry: Entry, atStart: boolean) => {
    await armSchedule(entry, atStart);
    if (entry.job.enabled && entry.settings.webhook) await ensureToken(entry.job.id);
    await armWatch(entry);
  };

  const disarm = (jobId: string) => {
    crons.get(jobId)?.cron.stop();
    crons.delete(jobId);
    stopWatch(jobId);
    entries.delete(jobId);
  };

  const sync = async (jobId: string) => {
    const job = (await options.listJobs()).find((candidate) => candidate.id === jobId);
    if (!job) {
      disarm(jobId); // its stored state went with it (foreign keys cascade)
      return;
    }
    const entry = { job, settings: scheduleSettingsOf(job.config_yaml) };
    entries.set(jobId, entry);
    await arm(entry, false);
  };

  // ---- dependencies ------------------------------------------------------------------------

  const runDependents = async (upstreamId: string, executionId: string) => {
    const upstream = entries.get(upstreamId);
    if (!upstream) return;
    const name = upstream.job.name;
    const dependents = [...entries.values()]
      .filter((entry) => runsByItself(entry.job) && entry.settings.after.includes(name))
      .sort((a, b) => a.job.name.localeCompare(b.job.name));
    for (const dependent of dependents) {
      const completedAt = new Map<string, string | null>();
      for (const other of dependent.settings.after) {
        const otherEntry = byName(other);
        completedAt.set(other, otherEntry ? await history.lastCompletedAt(otherEntry.job.id) : null);
      }
      // The run this event is about counts even if its end is not stored yet.
      completedAt.set(
        name,
        later(completedAt.get(name) ?? null, (await history.finishedAt(executionId)) ?? iso()),
      );
      const lastRunAt = await history.lastRunAt(dependent.job.id);
      if (!dependenciesMet(dependent.settings.after, completedAt, lastRunAt)) {
        logger.debug(
          { job_id: dependent.job.id, job: dependent.job.name, after: dependent.settings.after },
          `completed "${name}"; waiting for the other jobs it runs after`,
        );
        continue;
      }
      await request(dependent.job, {
        trigger: 'dependency',
        actor: 'scheduler',
        detail: `after ${name} (execution ${executionId})`,
      });
    }
  };

  // ---- the API -----------------------------------------------------------------------------

  const requireJob = async (id: string): Promise<{ job: Job; all: Job[] }> => {
    const all = await options.listJobs();
    const job = all.find((candidate) => candidate.id === id);
    if (!job) throw new ApiError('not_found', `job "${id}" not found`);
    return { job, all };
  };

  const describe = async (id: string): Promise<JobSchedule> => {
    const { job, all } = await requireJob(id);
    const settings = scheduleSettingsOf(job.config_yaml);
    const problem = scheduleProblem(settings) ?? null;
    const stored = await state.get(id);
    const token = settings.webhook ? await ensureToken(id) : null;
    const idOf = (name: string) => all.find((candidate) => candidate.name === name)?.id ?? null;
    const downstream: JobLink[] = all
      .filter((other) => scheduleSettingsOf(other.config_yaml).after.includes(job.name))
      .map((other) => ({ name: other.name, job_id: other.id }));
    return {
      job_id: id,
      enabled: job.enabled,
      schedule: settings.schedule,
      timezone: settings.timezone,
      effective_timezone: settings.timezone ?? machineTimeZone(),
      schedule_problem: problem,
      next_runs:
        settings.schedule !== null && problem === null
          ? nextRuns(settings.schedule, settings.timezone ?? undefined, 5, now()).map((d) => d.toISOString())
          : [],
      last_fire_at: stored?.last_fire_at ?? null,
      missed: settings.missed,
      overlap: settings.overlap,
      webhook: { enabled: settings.webhook, url_path: token ? `${WEBHOOK_PATH}${token}` : null },
      file_trigger: settings.file
        ? {
            path: settings.file.path,
            folder: folderOf(id, settings.file.path),
            pattern: settings.file.pattern,
            last_file: stored?.last_file ?? null,
            last_file_at: stored?.last_file_at ?? null,
          }
        : null,
      upstream: settings.after.map((name) => ({ name, job_id: idOf(name) })),
      downstream,
    };
  };

  const api: ScheduleApi = {
    getJobSchedule: ({ id }) => describe(id),

    async regenerateWebhookToken({ id }) {
      const { job } = await requireJob(id);
      await state.update(id, { webhook_token: newWebhookToken() }, iso());
      logger.info({ job_id: id, job: job.name }, 'webhook token regenerated');
      return describe(id);
    },

    async previewSchedule({ schedule, timezone }) {
      const zone = timezone?.trim() ? timezone.trim() : null;
      const problem = scheduleProblem({ ...NO_SCHEDULE_SETTINGS, schedule: schedule.trim(), timezone: zone });
      return {
        problem: problem ?? null,
        effective_timezone: zone ?? machineTimeZone(),
        next_runs: problem
          ? []
          : nextRuns(schedule.trim(), zone ?? undefined, 5, now()).map((d) => d.toISOString()),
      };
    },
  };

  // ---- start -------------------------------------------------------------------------------

  for (const job of await options.listJobs()) {
    entries.set(job.id, { job, settings: scheduleSettingsOf(job.config_yaml) });
  }
  for (const entry of entries.values()) {
    try {
      await arm(entry, true);
    } catch (error) {
      logger.error({ err: error, job_id: entry.job.id, job: entry.job.name }, 'scheduler: could not arm job');
    }
  }

  const settled = async () => {
    // Work can start more work (a fire → an event → a dependency): wait until nothing is left.
    while (true) {
      const pending = [queue, ...inFlight];
      await Promise.allSettled(pending);
      if (inFlight.size === 0 && pending[0] === queue) return;
    }
  };

  return {
    api,
    endpoints: [endpoint],
    handleEvent(event) {
      if (closed) return;
      if (event.type === 'job_changed') serial('reloading a job', () => sync(event.job_id));
      else if (event.type === 'job_status' && event.status === 'completed')
        serial('starting dependent jobs', () => runDependents(event.job_id, event.execution_id));
    },
    settled,
    async close() {
      closed = true;
      for (const { cron } of crons.values()) cron.stop();
      crons.clear();
      for (const jobId of [...watches.keys()]) stopWatch(jobId);
      await settled();
    },
  };
}
