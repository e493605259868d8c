import { isTablePattern, type SqlSingleQuery } from '../../connectors/shared/sql/config';
import { ApiError } from '../../src-shared/api/errors';
import type { ConfigProblem, Job } from '../../src-shared/api/model';
import type { PreviewResult } from '../../src-shared/api/preview-model';
import { loadAndValidateText, type ConnectionResolver } from '../config';
import { componentFields, type SpecLookup } from '../config/component-fields';
import type { Row } from '../engine/batch';
import { silentLogger, type ComponentContext, type ComponentSpec, type InputSpec } from '../engine/component';
import {
  PREVIEW_TIMEOUT_MS,
  previewLimit,
  previewQuery,
  previewResult,
  previewTable,
  type PreviewOptions,
  type SourceColumn,
} from './preview';
import { isSqlPreviewType, sqlPreviewTarget, SQL_PREVIEW_TYPES } from './preview-target';

/** What previewing a job needs from the host. */
export interface JobPreviewContext {
  registry: SpecLookup;
  /** Saved connections for `connection: { ref }`. */
  connections?: ConnectionResolver;
  /** The job's folder, `<dataDir>/jobs/<id>`: relative paths in its config resolve against it. */
  baseDir: string;
  /** Variables for `${VAR}` as the job's runs see them. */
  env: NodeJS.ProcessEnv;
}

export type JobSide = 'input' | 'output';

/** An `invalid_config` error listing the config's problems, the first in the message. */
export function invalidConfig(jobName: string, problems: ConfigProblem[]): ApiError {
  const first = problems[0];
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return new ApiError(
    'invalid_config',
    `job "${jobName}" cannot be previewed: ${first.file}:${first.line}:${first.col}: ${first.path ? `${first.path}: ` : ''}${first.message}${more}`,
    problems,
  );
}

/**
 * Previews a job's input (the rows it reads: its table with columns and filter, or its query) or
 * its output's `write.table` as it is now (the target preview). SQL inputs and outputs are read
 * like any preview, over a read-only session with a LIMIT; other inputs (files, generated rows)
 * through the input component itself, stopped after the rows asked for.
 */
export async function previewJob(
  job: Job,
  side: JobSide,
  options: PreviewOptions,
  context: JobPreviewContext,
): Promise<PreviewResult> {
  const checked = await loadAndValidateText(
    job.config_yaml,
    `${job.name}.yaml`,
    context.baseDir,
    context.registry,
    {
      env: context.env,
      ...(context.connections ? { connections: context.connections } : {}),
    },
  );
  if (!checked.ok) throw invalidConfig(job.name, checked.problems);
  const component = checked.loaded.config[side];
  if (!component)
    throw new ApiError(
      'bad_request',
      `job "${job.name}": the pipeline ends in a conditional, whose branches each have their own output; preview them from their connections`,
    );
  // Validation guarantees the component exists and its fields fit its schema (defaults filled in here).
  const spec = context.registry.get(side, component.type) as ComponentSpec;
  const config = componentFields(spec, component).config;
  const label = `job ${job.name} ${side}`;
  const ctx = (signal: AbortSignal): ComponentContext => ({
    baseDir: context.baseDir,
    jobName: job.name,
    logger: silentLogger,
    signal,
  });

  if (!isSqlPreviewType(component.type)) {
    if (side === 'input') return previewInputComponent(spec as InputSpec, config, label, options, ctx);
    throw new ApiError(
      'bad_request',
      `output.type: a target preview reads a table of ${SQL_PREVIEW_TYPES.join(', ')}; a ${component.type} output has none`,
    );
  }
  const target = sqlPreviewTarget(component.type, config, {
    label,
    baseDir: context.baseDir,
    openIntrospector: async () => {
      if (!spec.introspect) throw new Error(`${component.type} has no catalog to read`);
      return spec.introspect(config, ctx(new AbortController().signal));
    },
  });
  if (side === 'output') {
    const write = config.write as { table: string; create_table?: boolean };
    if (isTablePattern(write.table))
      throw new ApiError(
        'bad_request',
        `output.write.table: "${write.table}" is a pattern for many tables; preview one of them from its connection`,
      );
    return previewTable(target, write.table, {
      ...options,
      place: 'output.write.table',
      ...(write.create_table !== false ? { missingHint: 'the job creates it when it first runs' } : {}),
    });
  }
  const query = config.query as SqlSingleQuery | { tables: string[] };
  if ('tables' in query)
    throw new ApiError(
      'bad_request',
      'input.query.tables: the input copies many tables; preview one of them by name from its connection',
    );
  if ('sql' in query) return previewQuery(target, query.sql, options);
  return previewTable(target, query.table, {
    ...options,
    ...(query.columns ? { columns: query.columns } : {}),
    ...(query.filter ? { filter: query.filter } : {}),
    place: 'input.query.table',
  });
}

/**
 * The first rows of a non-SQL input (a file, generated rows), read through the component in one
 * lane and stopped once one row past the limit arrived.
 */
async function previewInputComponent(
  spec: InputSpec,
  config: Record<string, unknown>,
  label: string,
  options: PreviewOptions,
  ctx: (signal: AbortSignal) => ComponentContext,
): Promise<PreviewResult> {
  const started = performance.now();
  const limit = previewLimit(options.limit);
  const controller = new AbortController();
  const stop = () => controller.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, PREVIEW_TIMEOUT_MS);
  let columns: SourceColumn[] = [];
  const rows: Row[] = [];
  try {
    const input = await spec.create(config, ctx(controller.signal));
    try {
      await input.plan(1);
      for await (const batch of input.read(0, 1, controller.signal)) {
        columns = batch.columns;
        for (const row of batch.rows) {
          rows.push(row);
          if (rows.length > limit) break;
        }
        if (rows.length > limit) break;
      }
    } finally {
      controller.abort();
      await input.close?.();
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ApiError('bad_request', `${label}: ${message}`);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', stop);
  }
  return previewResult({
    source: { label, type: spec.name },
    columns,
    rows: rows.slice(0, limit),
    // Stopped by the timeout: whether more rows would have come is not known, so the count is not exact.
    more: rows.length > limit || timedOut,
    limit,
    rowCount: { kind: 'unknown' },
    notes: timedOut ? [`reading stopped after ${PREVIEW_TIMEOUT_MS / 1000} s`] : [],
    mask: options.mask,
    started,
  });
}
