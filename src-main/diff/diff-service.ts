import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { StudioApi } from '../../src-shared/api/contract';
import { ApiError } from '../../src-shared/api/errors';
import type { ConfigProblem, Job } from '../../src-shared/api/model';
import { formatProblem, loadAndValidateText, type ConnectionResolver, type LoadedConfig } from '../config';
import type { SpecLookup } from '../config/component-fields';
import { placedComponents } from '../config/validate';
import { EXAMPLES_ENV } from '../jobs/config-check';
import { secretValuesOf, withoutSecrets } from '../connections/secret-text';
import type { Database } from '../store/database';
import { createJobRepo } from '../store/job-repo';
import { applyStatements, DdlApplyError, diffPipeline, diffStatements, NotDiffable } from './schema-diff';

/** The schema diff methods of the API. */
export type DiffApi = Pick<StudioApi, 'diffJobSchema' | 'applyJobDdl'>;

export interface DiffServiceOptions {
  db: Kysely<Database>;
  registry: SpecLookup;
  /** Saved connections for `connection: { ref }` in job configs. */
  connections?: ConnectionResolver;
  /** Jobs' folders are `<dataDir>/jobs/<id>`: relative paths in their configs resolve there. */
  dataDir: string;
  /** Example pipelines; job configs see it as `${FUSTGO_EXAMPLES}`, as their runs do. */
  examplesDir: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The secret values of the config's input and output (passwords), to keep out of error messages. */
function secretsOf(loaded: LoadedConfig, registry: SpecLookup): string[] {
  const secrets: string[] = [];
  for (const place of placedComponents(loaded.config)) {
    const saved = registry.get(place.kind, place.component.type)?.savedConnection;
    if (!saved) continue;
    const holder = saved.placement === 'connection' ? place.component.connection : place.component;
    if (!isRecord(holder)) continue;
    secrets.push(...secretValuesOf(holder, saved.secretFields));
  }
  return secrets;
}

function invalidConfig(job: Job, problems: ConfigProblem[]): ApiError {
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return new ApiError(
    'invalid_config',
    `job "${job.name}" cannot be compared with its target: ${formatProblem(problems[0])}${more}`,
    problems,
  );
}

const sameStatements = (a: string[], b: string[]) =>
  a.length === b.length && a.every((sql, i) => sql === b[i]);

/**
 * The schema diff of saved jobs: each call loads the job's saved config as its runs see it (its
 * folder, `${FUSTGO_EXAMPLES}`, saved connections), compares over short-lived connections, and
 * applies only the statements the diff generates at that moment.
 */
export function createDiffService(options: DiffServiceOptions): { api: DiffApi } {
  const { registry } = options;
  const jobs = createJobRepo(options.db);

  const loadJob = async (id: string): Promise<{ job: Job; loaded: LoadedConfig }> => {
    const job = await jobs.get(id);
    if (!job) throw new ApiError('not_found', `job "${id}" not found`);
    const checked = await loadAndValidateText(
      job.config_yaml,
      `${job.name}.yaml`,
      join(options.dataDir, 'jobs', job.id),
      registry,
      {
        env: { ...process.env, [EXAMPLES_ENV]: options.examplesDir },
        ...(options.connections ? { connections: options.connections } : {}),
      },
    );
    if (!checked.ok) throw invalidConfig(job, checked.problems);
    return { job, loaded: checked.loaded };
  };

  /** Runs a diff step; what it throws becomes an API error that names the place and never a secret. */
  const guarded = async <T>(job: Job, loaded: LoadedConfig, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ApiError) throw error;
      if (error instanceof NotDiffable) throw new ApiError('bad_request', error.message);
      const problems = (error as { problems?: unknown } | null)?.problems;
      if (Array.isArray(problems)) throw invalidConfig(job, problems as ConfigProblem[]);
      const message = withoutSecrets(
        error instanceof Error ? error.message : String(error),
        secretsOf(loaded, registry),
      );
      throw new ApiError(
        'bad_request',
        message,
        error instanceof DdlApplyError ? { applied: error.applied } : undefined,
      );
    }
  };

  return {
    api: {
      async diffJobSchema({ job_id }) {
        const { job, loaded } = await loadJob(job_id);
        return guarded(job, loaded, () => diffPipeline(loaded, { registry }));
      },
      async applyJobDdl({ job_id, statements }) {
        const { job, loaded } = await loadJob(job_id);
        return guarded(job, loaded, async () => {
          const current = diffStatements(await diffPipeline(loaded, { registry }));
          if (!sameStatements(current, statements))
            throw new ApiError(
              'conflict',
              current.length === 0
                ? 'the target needs no change any more: compare again'
                : 'these are not the statements the schema diff generates now (the job or its target changed): compare again and confirm the new statements',
              { statements: current },
            );
          return applyStatements(loaded, statements, { registry });
        });
      },
    },
  };
}
