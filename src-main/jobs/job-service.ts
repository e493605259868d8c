import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger as PinoLogger } from 'pino';
import type { Kysely } from 'kysely';
import type { ConnectionResolver } from '../config/index';
import { registryEnv, type Registry } from '../engine/registry';
import type { Database } from '../store/database';
import { createExecutionRepo } from '../store/execution-repo';
import { createJobRepo, type JobChanges } from '../store/job-repo';
import type { StudioApi } from '../../src-shared/api/contract';
import { ApiError } from '../../src-shared/api/errors';
import type { ConfigProblem, Job, StudioEvent } from '../../src-shared/api/model';
import { checkConfig, checkConfigConnections, EXAMPLES_ENV } from './config-check';
import { listExampleFiles } from './examples';
import { listPluginInfo, pluginDetail } from './plugins';
import type { RunHandle, RunLauncher } from './run-launcher';
import { trackRun, type RunWatch } from './run-tracker';
import { isoNow } from './clock';

/** What a previous run left `running` or `pending` says after the studio restarts. */
export const INTERRUPTED_ERROR = 'interrupted: the studio stopped while this run was in progress';

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
  /** How long a stopped run may take to end before it is killed (default 5000 ms). */
  stopGraceMs?: number;
  /** Saved connections for `connection: { ref }` in job configs. */
  connections?: ConnectionResolver;
}

/** The job, execution, plugin, validation and example methods of the API, plus their events. */
export type JobApi = Pick<
  StudioApi,
  | 'listJobs'
  | 'getJob'
  | 'createJob'
  | 'updateJob'
  | 'deleteJob'
  | 'startJob'
  | 'stopJob'
  | 'listExecutions'
  | 'getExecution'
  | 'listPlugins'
  | 'getPlugin'
  | 'validateConfig'
  | 'listExamples'
>;

export interface JobService {
  api: JobApi;
  onEvent(listener: (event: StudioEvent) => void): () => void;
  /** Stops every running run and waits until each execution's end is stored. */
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

/**
 * Creates the job service. Executions a previous process left unfinished (the studio
 * stopped or crashed mid-run) are marked failed first: no process is running them any more.
 */
export async function createJobService(options: JobServiceOptions): Promise<JobService> {
  const { registry, launcher, dataDir, examplesDir, logger } = options;
  const jobs = createJobRepo(options.db);
  const executions = createExecutionRepo(options.db);
  const persistIntervalMs = options.persistIntervalMs ?? 1000;
  const stopGraceMs = options.stopGraceMs ?? 5000;
  const listeners = new Set<(event: StudioEvent) => void>();
  /** Runs of this process by job id; a job id is reserved here from the moment a start is accepted. */
  const runs = new Map<string, RunWatch | 'starting'>();
  const runEnv = { [EXAMPLES_ENV]: examplesDir };
  let closing = false;

  const interrupted = await executions.failUnfinished(INTERRUPTED_ERROR, isoNow());
  if (interrupted > 0) logger.warn({ count: interrupted }, 'marked interrupted executions failed');

  const emit = (event: StudioEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        logger.error({ err: error }, 'event listener failed');
      }
    }
  };

  const jobDir = (jobId: string) => join(dataDir, 'jobs', jobId);

  const requireJob = async (id: string): Promise<Job> => {
    const job = await jobs.get(id);
    if (!job) throw new ApiError('not_found', `job "${id}" not found`);
    return job;
  };

  /** Throws the config's problems; returns the saved connections it refers to, resolved. */
  const requireValid = async (yaml: string, jobName: string, jobId: string) => {
    const { problems, connections } = await checkConfigConnections({
      yaml,
      fileName: configFileName(jobName),
      baseDir: jobDir(jobId),
      env: runEnv,
      registry,
      ...(options.connections ? { connections: options.connections } : {}),
    });
    if (problems.length > 0) throw invalidConfig(problems);
    return connections;
  };

  const requireFreeName = async (name: string, exceptId?: string) => {
    const existing = await jobs.getByName(name);
    if (existing && existing.id !== exceptId) {
      throw new ApiError('conflict', `a job named "${name}" already exists`, { id: existing.id });
    }
  };

  const launch = async (job: Job) => {
    const connections = await requireValid(job.config_yaml, job.name, job.id);
    const baseDir = jobDir(job.id);
    await mkdir(baseDir, { recursive: true });
    const pending = await executions.insert({ id: randomUUID(), job_id: job.id }, isoNow());
    emit({ type: 'job_status', job_id: job.id, execution_id: pending.id, status: 'pending', error: null });
    const startedAt = isoNow();
    // Marked running before the process exists, so a crash's final state is never overwritten.
    await executions.update(pending.id, { status: 'running', started_at: startedAt });
    let handle: RunHandle;
    try {
      handle = launcher.launch({
        type: 'start',
        execution_id: pending.id,
        job_id: job.id,
        config_yaml: job.config_yaml,
        file_name: configFileName(job.name),
        base_dir: baseDir,
        data_dir: dataDir,
        // The registry as it is now: components switched off on the Plugins page stay off in the run.
        env: { ...runEnv, ...registryEnv(registry) },
        connections,
      });
    } catch (error) {
      const reason = `could not start the run process: ${error instanceof Error ? error.message : String(error)}`;
      await executions.update(pending.id, { status: 'failed', error: reason, finished_at: isoNow() });
      emit({ type: 'job_status', job_id: job.id, execution_id: pending.id, status: 'failed', error: reason });
      throw new ApiError('internal', reason);
    }
    const watch = trackRun({
      executionId: pending.id,
      jobId: job.id,
      handle,
      executions,
      emit,
      logger,
      persistIntervalMs,
    });
    runs.set(job.id, watch);
    void watch.done.then(() => runs.delete(job.id));
    emit({ type: 'job_status', job_id: job.id, execution_id: pending.id, status: 'running', error: null });
    logger.info({ job_id: job.id, execution_id: pending.id, job: job.name }, 'run started');
    const running = await executions.get(pending.id);
    if (!running) throw new ApiError('internal', 'the execution disappeared while starting');
    return running;
  };

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
      await requireValid(input.config_yaml, input.name, id);
      const job = await jobs.insert(
        {
          id,
          name: input.name,
          description: input.description ?? '',
          config_yaml: input.config_yaml,
          flow_diagram: input.flow_diagram ?? null,
        },
        isoNow(),
      );
      logger.info({ job_id: id, job: job.name }, 'job created');
      return job;
    },

    async updateJob({ id, ...input }) {
      const job = await requireJob(id);
      if (input.name !== undefined) await requireFreeName(input.name, id);
      if (input.config_yaml !== undefined) await requireValid(input.config_yaml, input.name ?? job.name, id);
      const changes: JobChanges = {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.config_yaml !== undefined ? { config_yaml: input.config_yaml } : {}),
        ...(input.flow_diagram !== undefined ? { flow_diagram: input.flow_diagram } : {}),
      };
      const updated = await jobs.update(id, changes, isoNow());
      if (!updated) throw new ApiError('not_found', `job "${id}" not found`);
      return updated;
    },

    async deleteJob({ id }) {
      const job = await requireJob(id);
      if (runs.has(id)) throw new ApiError('conflict', `job "${job.name}" is running; stop it first`);
      // The job's folder (its output files) stays: it is the user's data, not metadata.
      const deleted = await jobs.delete(id);
      logger.info({ job_id: id, job: job.name }, 'job deleted');
      return { deleted };
    },

    async startJob({ id }) {
      const job = await requireJob(id);
      if (closing) throw new ApiError('conflict', 'the studio is shutting down');
      if (runs.has(id)) throw new ApiError('conflict', `job "${job.name}" is already running`);
      runs.set(id, 'starting');
      try {
        return await launch(job);
      } catch (error) {
        if (runs.get(id) === 'starting') runs.delete(id);
        throw error;
      }
    },

    async stopJob({ id }) {
      await requireJob(id);
      const run = runs.get(id);
      if (!run || run === 'starting') return { stopped: false };
      run.stop(stopGraceMs);
      return { stopped: true };
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
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closing = true;
      const watches = [...runs.values()].filter((r): r is RunWatch => r !== 'starting');
      for (const watch of watches) watch.stop(stopGraceMs);
      await Promise.all(watches.map((w) => w.done));
    },
  };
}
