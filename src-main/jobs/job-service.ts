import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger as PinoLogger } from 'pino';
import type { Kysely } from 'kysely';
import { parseDocument } from 'yaml';
import type { ConnectionResolver } from '../config/index';
import { registryEnv, type Registry } from '../engine/registry';
import type { RunStats } from '../engine/stats';
import { renamedInAfter } from '../scheduler/dependency-check';
import type { RunTracer } from '../telemetry/run-trace';
import { createCheckpointRepo } from '../store/checkpoint-repo';
import type { Database } from '../store/database';
import { createExecutionRepo, type NewExecution } from '../store/execution-repo';
import { createJobRepo, type JobChanges } from '../store/job-repo';
import { createTransitionRepo } from '../store/transition-repo';
import type { StudioApi } from '../../src-shared/api/contract';
import { ApiError } from '../../src-shared/api/errors';
import type {
  ConfigProblem,
  Execution,
  ExecutionStatus,
  Job,
  RunTrigger,
  StudioEvent,
} from '../../src-shared/api/model';
import { fixedAppSettings, type AppSettingsSource } from '../../src-shared/config/app-settings';
import { checkConfig, checkConfigConnections, EXAMPLES_ENV } from './config-check';
import { listExampleFiles } from './examples';
import { createJobLifecycle, jobStateOf } from './job-lifecycle';
import { retryDelaySeconds, retryPolicyOf } from './retry-policy';
import { scheduleSettingsOf } from '../../src-shared/config/schedule-settings';
import { listPluginInfo, pluginDetail } from './plugins';
import type { RunHandle, RunLauncher } from './run-launcher';
import type { RunRequest, RunRequestOutcome, RunRequests } from './run-requests';
import { trackRun, type RunWatch } from './run-tracker';
import { isoNow } from './clock';

/** What a previous run left `running` or `pending` says after the studio restarts. */
export const INTERRUPTED_ERROR = 'interrupted: the studio stopped while this run was in progress';

/** What a run the studio paused as it closed says; such runs resume when the studio starts again. */
export const CLOSED_PAUSE = 'paused: the studio closed while this run was in progress';

export interface JobServiceOptions {
  db: Kysely<Database>;
  registry: Registry;
  launcher: RunLauncher;
  /** Jobs run in `<dataDir>/jobs/<job id>/`: relative paths in their configs resolve there. */
  dataDir: string;
  /** Example pipelines; runs see it as `${FUSTGO_EXAMPLES}`. */
  examplesDir: string;
  logger: PinoLogger;
  /** How often running counts are written to the store (default 1000 ms). */
  persistIntervalMs?: number;
  /** How long a stopped or paused run may take to end before it is killed (default 5000 ms). */
  stopGraceMs?: number;
  /** Saved connections for `connection: { ref }` in job configs. */
  connections?: ConnectionResolver;
  /** `worker.max_concurrent_jobs`, read at every start; defaults to the built-in settings. */
  settings?: AppSettingsSource;
  /**
   * More checks of a job's config when it is saved, against the other jobs (the scheduler's
   * dependency graph: `job.after` naming an unknown job or closing a cycle).
   */
  checkJob?(job: { id: string; name: string; config_yaml: string }): Promise<ConfigProblem[]>;
  /** Exports each ended run's trace when tracing is on (OTLP). */
  runTracer?: Pick<RunTracer, 'exportRunTrace'>;
  /** Who is asking, for the lifecycle record (the request's user); defaults to `user`. */
  actor?(): string;
}

/** The job, execution, lifecycle, plugin, validation and example methods of the API. */
export type JobApi = Pick<
  StudioApi,
  | 'listJobs'
  | 'getJob'
  | 'createJob'
  | 'updateJob'
  | 'deleteJob'
  | 'startJob'
  | 'stopJob'
  | 'pauseJob'
  | 'resumeJob'
  | 'retryJob'
  | 'setJobEnabled'
  | 'cloneJob'
  | 'listJobTransitions'
  | 'listExecutions'
  | 'getExecution'
  | 'listPlugins'
  | 'getPlugin'
  | 'validateConfig'
  | 'listExamples'
>;

export interface JobService extends RunRequests {
  api: JobApi;
  onEvent(listener: (event: StudioEvent) => void): () => void;
  /** The process id of the job's running run, if any (tests kill it to prove recovery). */
  runProcessId(jobId: string): number | undefined;
  /**
   * Pauses every running run (each commits its checkpoints and resumes when the studio starts
   * again) and waits until each execution's end is stored.
   */
  close(): Promise<void>;
}

function configFileName(jobName: string): string {
  return `${jobName}.yaml`;
}

function invalidConfig(problems: ConfigProblem[]): ApiError {
  const first = problems[0];
  const where = first.line > 0 ? `${first.file}:${first.line}:${first.col}` : first.file;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return new ApiError(
    'invalid_config',
    `invalid config: ${where}: ${first.path ? `${first.path}: ` : ''}${first.message}${more}`,
    problems,
  );
}

/** Triggers whose queued runs stand for "run once more", so a second one while one waits is dropped. */
const COLLAPSING_TRIGGERS = new Set<RunTrigger>(['schedule', 'missed', 'dependency']);

const firstLine = (text: string | null) => (text ?? '').split('\n')[0];

/** A run to queue, beyond what a `RunRequest` says: where it resumes from, which attempt it is. */
interface Enqueue extends RunRequest {
  resumed_from?: string;
  attempt?: number;
  not_before?: string;
}

/** Why the job's state moved when a run of it starts, for the lifecycle record. */
function startReason(execution: Execution): string {
  const detail = execution.trigger_detail ? `: ${execution.trigger_detail}` : '';
  return `${execution.trigger}${detail}`;
}

/**
 * Creates the job service: jobs and their lifecycle, and the run queue. A run is asked for
 * (a user, the scheduler, a trigger, the retry policy), stored `queued`, and started when the
 * job has no other run and fewer than `worker.max_concurrent_jobs` runs are going. Runs a previous
 * process left unfinished are marked failed (and retried per the job's policy); runs it paused as
 * it closed are resumed.
 */
export async function createJobService(options: JobServiceOptions): Promise<JobService> {
  const { registry, launcher, dataDir, examplesDir, logger } = options;
  const jobs = createJobRepo(options.db);
  const executions = createExecutionRepo(options.db);
  const checkpoints = createCheckpointRepo(options.db);
  const transitions = createTransitionRepo(options.db);
  const settings = options.settings ?? fixedAppSettings();
  const actor = () => options.actor?.() ?? 'user';
  const persistIntervalMs = options.persistIntervalMs ?? 1000;
  const stopGraceMs = options.stopGraceMs ?? 5000;
  const listeners = new Set<(event: StudioEvent) => void>();
  /** Runs of this process by job id; a job is reserved here from the moment its run is being launched. */
  const active = new Map<string, RunWatch | 'starting'>();
  /** Who asked a run to stop or pause, by execution id, for the lifecycle record. */
  const endedBy = new Map<string, string>();
  const runEnv = { [EXAMPLES_ENV]: examplesDir };
  let closing = false;

  const emit = (event: StudioEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        logger.error({ err: error }, 'event listener failed');
      }
    }
  };
  const lifecycle = createJobLifecycle(jobs, transitions, emit);

  const jobDir = (jobId: string) => join(dataDir, 'jobs', jobId);

  const requireJob = async (id: string): Promise<Job> => {
    const job = await jobs.get(id);
    if (!job) throw new ApiError('not_found', `job "${id}" not found`);
    return job;
  };

  /** The config's problems (none: it can run), with the saved connections it refers to, resolved. */
  const problemsOf = async (yaml: string, jobName: string, jobId: string) =>
    checkConfigConnections({
      yaml,
      fileName: configFileName(jobName),
      baseDir: jobDir(jobId),
      env: runEnv,
      registry,
      ...(options.connections ? { connections: options.connections } : {}),
    });

  /** Throws the config's problems; returns the saved connections it refers to, resolved. */
  const requireValid = async (yaml: string, jobName: string, jobId: string) => {
    const { problems, connections } = await problemsOf(yaml, jobName, jobId);
    if (problems.length > 0) throw invalidConfig(problems);
    return connections;
  };

  /** Problems of a config being saved: its own, then the checks against the other jobs. */
  const savingProblems = async (job: { id: string; name: string; config_yaml: string }) => {
    const { problems } = await problemsOf(job.config_yaml, job.name, job.id);
    if (problems.length > 0 || !options.checkJob) return problems;
    return options.checkJob(job);
  };

  const requireFreeName = async (name: string, exceptId?: string) => {
    const existing = await jobs.getByName(name);
    if (existing && existing.id !== exceptId) {
      throw new ApiError('conflict', `a job named "${name}" already exists`, { id: existing.id });
    }
  };

  const announce = (execution: Execution, status: ExecutionStatus, error: string | null = null) =>
    emit({ type: 'job_status', job_id: execution.job_id, execution_id: execution.id, status, error });

  /** Ends a run that never got a process (its config broke while it waited, its job is gone). */
  const failBeforeStart = async (execution: Execution, reason: string) => {
    await executions.update(execution.id, { status: 'failed', error: reason, finished_at: isoNow() });
    announce(execution, 'failed', reason);
    await lifecycle.move(execution.job_id, {
      to: 'failed',
      actor: 'studio',
      reason,
      executionId: execution.id,
    });
  };

  // ---- the run queue -------------------------------------------------------------------------

  let pumping: Promise<void> = Promise.resolve();
  let wakeTimer: NodeJS.Timeout | undefined;

  /** Starts what may start now, in the order runs were asked for; one pass at a time. */
  const pump = (): Promise<void> => {
    pumping = pumping
      .then(pumpOnce)
      .catch((error: unknown) => logger.error({ err: error }, 'run queue failed'));
    return pumping;
  };

  const pumpOnce = async () => {
    if (closing) return;
    clearTimeout(wakeTimer);
    const limit = Math.max(1, settings.current().worker.max_concurrent_jobs);
    const now = Date.now();
    let earliest: number | undefined;
    for (const execution of await executions.withStatus('queued')) {
      if (active.size >= limit) break;
      if (active.has(execution.job_id)) continue;
      const after = execution.run_after ? Date.parse(execution.run_after) : now;
      if (after > now) {
        earliest = Math.min(earliest ?? after, after);
        continue;
      }
      active.set(execution.job_id, 'starting');
      try {
        await launch(execution);
      } catch (error) {
        logger.error({ err: error, execution_id: execution.id }, 'could not start a queued run');
      } finally {
        if (active.get(execution.job_id) === 'starting') active.delete(execution.job_id);
      }
    }
    // A retry waiting out its backoff: come back when it may start.
    if (earliest !== undefined) wakeTimer = setTimeout(() => void pump(), earliest - now).unref();
  };

  /** Starts a queued execution's process. */
  const launch = async (execution: Execution) => {
    const job = await jobs.get(execution.job_id);
    if (!job) return failBeforeStart(execution, 'the job was deleted while the run waited');
    const configYaml = (await executions.configOverride(execution.id)) ?? job.config_yaml;
    const { problems, connections } = await problemsOf(configYaml, job.name, job.id);
    if (problems.length > 0) return failBeforeStart(execution, invalidConfig(problems).message);
    const baseDir = jobDir(job.id);
    await mkdir(baseDir, { recursive: true });
    const resume = execution.resumed_from ? await checkpoints.resumePoint(execution.resumed_from) : undefined;
    await executions.update(execution.id, { status: 'pending' });
    announce(execution, 'pending');
    // Marked running before the process exists, so a crash's final state is never overwritten.
    await executions.update(execution.id, { status: 'running', started_at: isoNow() });
    let handle: RunHandle;
    try {
      handle = launcher.launch({
        type: 'start',
        execution_id: execution.id,
        job_id: job.id,
        config_yaml: configYaml,
        file_name: configFileName(job.name),
        base_dir: baseDir,
        data_dir: dataDir,
        // The registry as it is now: components switched off on the Plugins page stay off in the run.
        env: { ...runEnv, ...registryEnv(registry) },
        connections,
        ...(resume ? { resume } : {}),
      });
    } catch (error) {
      return failBeforeStart(
        execution,
        `could not start the run process: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const watch = trackRun({
      executionId: execution.id,
      jobId: job.id,
      handle,
      executions,
      checkpoints,
      emit,
      logger,
      persistIntervalMs,
      onEnded: (status, error, stats) => runEnded(execution, status, error, stats),
    });
    active.set(job.id, watch);
    void watch.done.then(() => {
      active.delete(job.id);
      void pump();
    });
    announce(execution, 'running');
    await lifecycle.move(job.id, {
      to: 'running',
      actor: execution.actor,
      reason: startReason(execution),
      executionId: execution.id,
    });
    logger.info(
      {
        job_id: job.id,
        execution_id: execution.id,
        job: job.name,
        trigger: execution.trigger,
        resumed: !!resume,
      },
      'run started',
    );
  };

  /** The job's state follows the run's end; a failed run may be retried by the job's policy. */
  const runEnded = async (
    execution: Execution,
    status: ExecutionStatus,
    error: string | null,
    stats: RunStats | null,
  ) => {
    if (options.runTracer) {
      const [ended, job] = await Promise.all([executions.get(execution.id), jobs.get(execution.job_id)]);
      // Not awaited: a slow collector must not hold up the run's end.
      if (ended && job) void options.runTracer.exportRunTrace(ended, stats, job);
    }
    let reason = error === null ? null : firstLine(error);
    if (status === 'paused' && closing) {
      await executions.update(execution.id, { error: CLOSED_PAUSE });
      reason = CLOSED_PAUSE;
    }
    await lifecycle.move(execution.job_id, {
      to: jobStateOf(status),
      actor: endedBy.get(execution.id) ?? (closing ? 'studio' : 'run'),
      reason,
      executionId: execution.id,
    });
    endedBy.delete(execution.id);
    if (status === 'failed') await retryByPolicy(execution, error);
  };

  /** Queues the next attempt of a failed run when the job's `job.retry` allows one, after its backoff. */
  const retryByPolicy = async (failed: Execution, error: string | null) => {
    const job = await jobs.get(failed.job_id);
    if (!job) return;
    const retry = retryPolicyOf(job.config_yaml);
    if (failed.attempt > retry.attempts) return;
    const delay = retryDelaySeconds(retry, failed.attempt);
    const retryNumber = failed.attempt;
    const override = await executions.configOverride(failed.id);
    const queued = await enqueue(job, {
      trigger: 'retry',
      actor: 'retry policy',
      detail: `retry ${retryNumber} of ${retry.attempts} after: ${firstLine(error)}`,
      overlap: 'queue',
      resumed_from: failed.id,
      attempt: failed.attempt + 1,
      not_before: new Date(Date.now() + delay * 1000).toISOString(),
      ...(override !== undefined ? { config_yaml: override } : {}),
    });
    if (queued.outcome !== 'skipped')
      logger.info(
        { job_id: job.id, execution_id: queued.execution.id, delay_s: delay },
        `retry ${retryNumber} of ${retry.attempts} queued`,
      );
  };

  // One request at a time: the overlap check and the insert must not interleave.
  let requests: Promise<unknown> = Promise.resolve();

  /** Stores a queued run when the job's overlap policy allows it, then lets the queue start what it can. */
  const enqueue = (job: Job, request: Enqueue): Promise<RunRequestOutcome> => {
    const step = requests.then(async (): Promise<RunRequestOutcome> => {
      if (closing) return { outcome: 'skipped', reason: 'the studio is shutting down' };
      if (job.state === 'draft')
        throw new ApiError('invalid_config', `job "${job.name}" is a draft: its config is not valid yet`);
      await requireValid(request.config_yaml ?? job.config_yaml, job.name, job.id);
      const overlap = request.overlap ?? scheduleSettingsOf(job.config_yaml).overlap;
      const running = active.has(job.id);
      const waiting = (await executions.withStatus('queued')).filter((queued) => queued.job_id === job.id);
      if (running || waiting.length > 0) {
        const busy = running ? 'running' : 'queued';
        if (overlap === 'skip') return { outcome: 'skipped', reason: `job "${job.name}" is ${busy} already` };
        // A schedule (or dependency) firing again while its run still waits adds nothing; each file
        // or webhook call is news of its own.
        if (
          COLLAPSING_TRIGGERS.has(request.trigger) &&
          waiting.some((queued) => queued.trigger === request.trigger)
        )
          return {
            outcome: 'skipped',
            reason: `a ${request.trigger} run of job "${job.name}" is queued already`,
          };
      }
      const row: NewExecution = {
        id: randomUUID(),
        job_id: job.id,
        status: 'queued',
        trigger: request.trigger,
        actor: request.actor,
        trigger_detail: request.detail ?? null,
        attempt: request.attempt ?? 1,
        resumed_from: request.resumed_from ?? null,
        not_before: request.not_before ?? null,
        config_yaml: request.config_yaml ?? null,
      };
      const execution = await executions.insert(row, isoNow());
      announce(execution, 'queued');
      if (!running)
        await lifecycle.move(job.id, {
          to: 'queued',
          actor: request.actor,
          reason: startReason(execution),
          executionId: execution.id,
        });
      return { outcome: 'queued', execution };
    });
    requests = step.catch(() => undefined);
    return step.then(async (result) => {
      if (result.outcome === 'skipped') return result;
      await pump();
      const now = (await executions.get(result.execution.id)) ?? result.execution;
      return { outcome: now.status === 'queued' ? 'queued' : 'started', execution: now };
    });
  };

  /** Ends the job's queued runs (a stop, a delete). */
  const cancelQueued = async (jobId: string, reason: string) => {
    for (const queued of await executions.withStatus('queued')) {
      if (queued.job_id !== jobId) continue;
      await executions.update(queued.id, { status: 'cancelled', error: reason, finished_at: isoNow() });
      announce(queued, 'cancelled', reason);
    }
  };

  /** A job's newest execution that ended as one of `statuses`, for resume and retry. */
  const latestEnded = async (jobId: string, statuses: ExecutionStatus[]) => {
    const [latest] = await executions.list({ job_id: jobId, limit: 1 });
    return latest && statuses.includes(latest.status) ? latest : undefined;
  };

  /** Saves a job's config as the state it earns: `ready` when valid, else `draft` (when asked) or refused. */
  const stateForSave = async (job: { id: string; name: string; config_yaml: string }, draft: boolean) => {
    const problems = await savingProblems(job);
    if (problems.length === 0) return 'ready' as const;
    if (!draft) throw invalidConfig(problems);
    return 'draft' as const;
  };

  /** Jobs that run after a renamed job name it anew in `job.after` (only those characters change). */
  const renameInDependents = async (oldName: string, newName: string) => {
    for (const other of await jobs.list()) {
      const text = renamedInAfter(other.config_yaml, oldName, newName);
      if (text === undefined) continue;
      await jobs.update(other.id, { config_yaml: text }, isoNow());
      emit({ type: 'job_changed', job_id: other.id, change: 'updated' });
    }
  };

  /** A free name for a copy: `name copy`, `name copy 2`, … */
  const copyName = async (name: string) => {
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? `${name} copy` : `${name} copy ${n}`;
      if (!(await jobs.getByName(candidate))) return candidate;
    }
  };

  // ---- start-up recovery -----------------------------------------------------------------------

  const interrupted = await executions.failUnfinished(INTERRUPTED_ERROR, isoNow());
  if (interrupted.length > 0)
    logger.warn({ count: interrupted.length }, 'marked interrupted executions failed');
  for (const execution of interrupted) {
    await lifecycle.move(execution.job_id, {
      to: 'failed',
      actor: 'studio',
      reason: INTERRUPTED_ERROR,
      executionId: execution.id,
    });
    await retryByPolicy(execution, INTERRUPTED_ERROR);
  }
  for (const paused of await executions.withStatus('paused')) {
    if (paused.error !== CLOSED_PAUSE) continue;
    const job = await jobs.get(paused.job_id);
    if (!job) continue;
    const [latest] = await executions.list({ job_id: job.id, limit: 1 });
    if (latest?.id !== paused.id) continue;
    const override = await executions.configOverride(paused.id);
    await enqueue(job, {
      trigger: 'resume',
      actor: 'studio',
      detail: 'the studio closed while it ran',
      overlap: 'queue',
      resumed_from: paused.id,
      attempt: paused.attempt,
      ...(override !== undefined ? { config_yaml: override } : {}),
    }).catch((error: unknown) =>
      logger.error({ err: error, job_id: job.id }, 'could not resume a paused run'),
    );
  }
  await pump();
  // A change of the concurrency limit may let waiting runs start.
  const offSettings = settings.onChange(() => void pump());

  const api: JobApi = {
    async listJobs() {
      const [all, latest] = await Promise.all([jobs.list(), executions.latestByJob()]);
      return all.map((job) => ({
        id: job.id,
        name: job.name,
        description: job.description,
        updated_at: job.updated_at,
        state: job.state,
        enabled: job.enabled,
        last_execution: latest.get(job.id) ?? null,
      }));
    },

    getJob: ({ id }) => requireJob(id),

    async createJob(input) {
      await requireFreeName(input.name);
      const id = randomUUID();
      const state = await stateForSave(
        { id, name: input.name, config_yaml: input.config_yaml },
        !!input.draft,
      );
      await jobs.insert(
        {
          id,
          name: input.name,
          description: input.description ?? '',
          config_yaml: input.config_yaml,
          flow_diagram: input.flow_diagram ?? null,
          state: 'draft',
        },
        isoNow(),
      );
      await lifecycle.move(id, {
        to: state,
        actor: actor(),
        reason: state === 'ready' ? 'created, config valid' : 'created as a draft',
      });
      emit({ type: 'job_changed', job_id: id, change: 'created' });
      logger.info({ job_id: id, job: input.name }, 'job created');
      return requireJob(id);
    },

    async updateJob({ id, draft, ...input }) {
      const job = await requireJob(id);
      if (input.name !== undefined) await requireFreeName(input.name, id);
      let state: 'ready' | 'draft' | undefined;
      if (input.config_yaml !== undefined)
        state = await stateForSave(
          { id, name: input.name ?? job.name, config_yaml: input.config_yaml },
          !!draft,
        );
      const changes: JobChanges = {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.config_yaml !== undefined ? { config_yaml: input.config_yaml } : {}),
        ...(input.flow_diagram !== undefined ? { flow_diagram: input.flow_diagram } : {}),
      };
      const updated = await jobs.update(id, changes, isoNow());
      if (!updated) throw new ApiError('not_found', `job "${id}" not found`);
      if (input.name !== undefined && input.name !== job.name) await renameInDependents(job.name, input.name);
      // A running job keeps its state; its next run uses the new config. Otherwise the config decides.
      const idle = !active.has(id) && job.state !== 'queued' && job.state !== 'running';
      const moved = state !== undefined && idle && (state === 'draft' || job.state === 'draft');
      if (moved)
        await lifecycle.move(id, {
          to: state!,
          actor: actor(),
          reason: state === 'ready' ? 'config changed, valid' : 'config changed, saved as a draft',
        });
      emit({ type: 'job_changed', job_id: id, change: 'updated' });
      return moved ? requireJob(id) : updated;
    },

    async deleteJob({ id }) {
      const job = await requireJob(id);
      if (active.has(id)) throw new ApiError('conflict', `job "${job.name}" is running; stop it first`);
      await cancelQueued(id, 'the job was deleted');
      // The job's folder (its output files) stays: it is the user's data, not metadata.
      const deleted = await jobs.delete(id);
      emit({ type: 'job_changed', job_id: id, change: 'deleted' });
      logger.info({ job_id: id, job: job.name }, 'job deleted');
      return { deleted };
    },

    async startJob({ id }) {
      const job = await requireJob(id);
      if (closing) throw new ApiError('conflict', 'the studio is shutting down');
      if (active.has(id)) throw new ApiError('conflict', `job "${job.name}" is already running`);
      const outcome = await enqueue(job, { trigger: 'manual', actor: actor(), overlap: 'skip' });
      if (outcome.outcome === 'skipped') throw new ApiError('conflict', outcome.reason);
      return outcome.execution;
    },

    async stopJob({ id }) {
      await requireJob(id);
      await cancelQueued(id, `cancelled by ${actor()} while queued`);
      const run = active.get(id);
      if (!run || run === 'starting') return { stopped: false };
      const running = await executions.active(id);
      if (running) endedBy.set(running.id, actor());
      run.stop(stopGraceMs);
      return { stopped: true };
    },

    async pauseJob({ id }) {
      const job = await requireJob(id);
      const run = active.get(id);
      if (!run || run === 'starting') throw new ApiError('conflict', `job "${job.name}" is not running`);
      const running = await executions.active(id);
      if (running) endedBy.set(running.id, actor());
      run.pause();
      return { paused: true };
    },

    async resumeJob({ id }) {
      const job = await requireJob(id);
      const paused = await latestEnded(id, ['paused']);
      if (!paused) throw new ApiError('conflict', `job "${job.name}" has no paused run to resume`);
      const override = await executions.configOverride(paused.id);
      const outcome = await enqueue(job, {
        trigger: 'resume',
        actor: actor(),
        overlap: 'skip',
        resumed_from: paused.id,
        attempt: paused.attempt,
        ...(override !== undefined ? { config_yaml: override } : {}),
      });
      if (outcome.outcome === 'skipped') throw new ApiError('conflict', outcome.reason);
      return outcome.execution;
    },

    async retryJob({ id }) {
      const job = await requireJob(id);
      const ended = await latestEnded(id, ['failed', 'cancelled']);
      if (!ended) throw new ApiError('conflict', `job "${job.name}" has no failed or cancelled run to retry`);
      const override = await executions.configOverride(ended.id);
      const outcome = await enqueue(job, {
        trigger: 'retry',
        actor: actor(),
        detail: `retry of the ${ended.status} run`,
        overlap: 'skip',
        resumed_from: ended.id,
        attempt: ended.attempt + 1,
        ...(override !== undefined ? { config_yaml: override } : {}),
      });
      if (outcome.outcome === 'skipped') throw new ApiError('conflict', outcome.reason);
      return outcome.execution;
    },

    async setJobEnabled({ id, enabled }) {
      const job = await requireJob(id);
      if (job.enabled === enabled) return job;
      await jobs.update(id, { enabled }, isoNow());
      await lifecycle.move(id, {
        to: job.state,
        actor: actor(),
        reason: enabled ? 'switched on' : 'switched off',
      });
      emit({ type: 'job_changed', job_id: id, change: 'updated' });
      return requireJob(id);
    },

    async cloneJob({ id, name }) {
      const job = await requireJob(id);
      const cloneName = name ?? (await copyName(job.name));
      await requireFreeName(cloneName);
      // `job.name` keys the incremental watermark: the copy gets its own.
      const document = parseDocument(job.config_yaml);
      if (document.errors.length === 0 && document.hasIn(['job', 'name']))
        document.setIn(['job', 'name'], cloneName);
      const configYaml = document.errors.length === 0 ? document.toString() : job.config_yaml;
      const cloneId = randomUUID();
      await jobs.insert(
        {
          id: cloneId,
          name: cloneName,
          description: job.description,
          config_yaml: configYaml,
          flow_diagram: job.flow_diagram,
          state: 'draft',
          enabled: false,
        },
        isoNow(),
      );
      const state = (await savingProblems({ id: cloneId, name: cloneName, config_yaml: configYaml })).length
        ? 'draft'
        : 'ready';
      await lifecycle.move(cloneId, { to: state, actor: actor(), reason: `copied from "${job.name}"` });
      emit({ type: 'job_changed', job_id: cloneId, change: 'created' });
      return requireJob(cloneId);
    },

    async listJobTransitions({ id, limit }) {
      await requireJob(id);
      return transitions.list(id, limit);
    },

    listExecutions: ({ job_id, limit }) =>
      executions.list({
        ...(job_id !== undefined ? { job_id } : {}),
        ...(limit !== undefined ? { limit } : {}),
      }),

    async getExecution({ id }) {
      const execution = await executions.get(id);
      if (!execution) throw new ApiError('not_found', `execution "${id}" not found`);
      return execution;
    },

    listPlugins: async () => listPluginInfo(registry),

    async getPlugin({ kind, name }) {
      const detail = pluginDetail(registry, kind, name);
      if (!detail) throw new ApiError('not_found', `no ${kind} component named "${name}"`);
      return detail;
    },

    async validateConfig({ config_yaml, file_name }) {
      const problems = await checkConfig({
        yaml: config_yaml,
        fileName: file_name ?? 'pipeline.yaml',
        baseDir: join(dataDir, 'jobs'),
        env: runEnv,
        registry,
        ...(options.connections ? { connections: options.connections } : {}),
      });
      return { valid: problems.length === 0, problems };
    },

    listExamples: () => listExampleFiles(examplesDir),
  };

  return {
    api,
    async requestRun(jobId, request) {
      return enqueue(await requireJob(jobId), request);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    runProcessId(jobId) {
      const run = active.get(jobId);
      return run && run !== 'starting' ? run.pid : undefined;
    },
    async close() {
      closing = true;
      clearTimeout(wakeTimer);
      offSettings();
      await requests;
      await pumping;
      const watches = [...active.values()].filter((r): r is RunWatch => r !== 'starting');
      await Promise.all(
        watches.map(async (watch) => {
          // Paused, a run resumes from its checkpoints next time; one that does not pause in time is stopped.
          watch.pause();
          const stop = setTimeout(() => watch.stop(stopGraceMs), stopGraceMs);
          await watch.done;
          clearTimeout(stop);
        }),
      );
    },
  };
}
