import { randomBytes } from 'node:crypto';
import { buildPlan, type LoadedConfig } from '../config';
import type { ComponentConfig } from '../../src-shared/config/pipeline';
import { componentFields, type SpecLookup } from '../config/component-fields';
import { jobNameOf, placedComponents } from '../config/validate';
import { silentLogger, type ComponentSpec } from '../engine/component';
import { runPipeline, type RunOptions, type RunResult } from '../engine/runtime';
import { eltJobOf, eltSelectOf, type EltJob } from './elt-config';
import { createTargetSql, dropStagingSql, insertSelectSql, type StagingColumn } from './generate';
import { DIALECT_NAMES } from './render-expression';
import { openEltSession } from './target-session';

/*
 * An ELT run: the engine loads the input, untouched, into a staging table next to the target;
 * then the processors run in the target database as one INSERT … SELECT from the staging table,
 * in a transaction; the staging table is dropped whatever happened.
 */

type Config = Record<string, unknown>;

/** `<table>__fustgo_elt_<random>`: beside the target (same schema or database), unique per run. */
export function stagingTableName(table: string, random = randomBytes(4).toString('hex')): string {
  return `${table}__fustgo_elt_${random}`;
}

/** The ELT job of a config `validatePipeline` accepted with `job.type: ELT`. */
export function eltJobOfLoaded(loaded: LoadedConfig): EltJob {
  const { job, problems } = eltJobOf(placedComponents(loaded.config));
  if (!job) throw new Error(problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  return job;
}

function outputSection(loaded: LoadedConfig): ComponentConfig {
  const { output } = loaded.config;
  if (!output) throw new Error('ELT mode needs an output');
  return output;
}

/** The config that loads the input raw into `staging`: no processors, the output writing inserts into it. */
function stagingConfig(loaded: LoadedConfig, staging: string): LoadedConfig {
  const { pipeline, job } = loaded.config;
  const { processors: _processors, ...rest } = pipeline ?? {};
  // pre_sql and post_sql run around the INSERT … SELECT, not around the staging load.
  const { pre_sql: _pre, post_sql: _post, conflict: _conflict, ...outputRest } = outputSection(loaded);
  const write = { ...(outputRest.write as Config), table: staging, mode: 'insert', create_table: true };
  return {
    ...loaded,
    config: {
      ...loaded.config,
      job: { ...job, type: 'ETL' },
      ...(pipeline ? { pipeline: rest } : {}),
      output: { ...outputRest, write },
    },
  };
}

/** What the SQL step did, for the run's summary. */
interface SqlStepResult {
  written: number;
  notes: string[];
}

async function runSqlStep(
  loaded: LoadedConfig,
  registry: SpecLookup,
  job: EltJob,
  staging: string,
  outputConfig: Config,
): Promise<SqlStepResult> {
  const spec = registry.get('output', job.dialect) as ComponentSpec;
  const introspector = spec.introspect?.(outputConfig, {
    baseDir: loaded.baseDir,
    jobName: jobNameOf(loaded),
    logger: silentLogger,
    signal: new AbortController().signal,
  });
  if (!introspector) throw new Error(`output ${job.dialect} cannot describe the staging table`);
  let stagingColumns: StagingColumn[];
  try {
    stagingColumns = (await introspector.describeTable(staging)).columns;
  } finally {
    await introspector.close().catch(() => undefined);
  }
  const select = eltSelectOf(job, stagingColumns);
  const session = await openEltSession(job.dialect, outputConfig, loaded.baseDir);
  const notes: string[] = [];
  try {
    for (const sql of (outputConfig.pre_sql as string[] | undefined) ?? []) await session.exec(sql);
    const exists = await session.tableExists(job.table);
    if (!exists && !job.createTable)
      throw new Error(`output: table ${job.table} does not exist (write.create_table is false)`);
    // MySQL commits before any DDL: the target is created first, the INSERT … SELECT is then one statement.
    const createFirst = !exists && job.dialect === 'mysql';
    if (createFirst) await session.exec(createTargetSql(select, job.table, staging, job.dialect));
    await session.exec('BEGIN');
    let written: number;
    try {
      if (!exists && !createFirst)
        await session.exec(createTargetSql(select, job.table, staging, job.dialect));
      written = await session.exec(insertSelectSql(select, job.table, staging, job.dialect));
      await session.exec('COMMIT');
    } catch (error) {
      await session.exec('ROLLBACK').catch(() => undefined);
      throw error;
    }
    if (!exists) notes.push(`created table ${job.table} from the SELECT's columns`);
    for (const sql of (outputConfig.post_sql as string[] | undefined) ?? []) await session.exec(sql);
    return { written, notes };
  } finally {
    await session.close();
  }
}

async function dropStaging(
  loaded: LoadedConfig,
  job: EltJob,
  staging: string,
  outputConfig: Config,
): Promise<void> {
  const session = await openEltSession(job.dialect, outputConfig, loaded.baseDir);
  try {
    await session.exec(dropStagingSql(staging, job.dialect));
  } finally {
    await session.close();
  }
}

/**
 * Runs a `job.type: ELT` config (validated): loads the input into a staging table, runs the
 * processors in the target as SQL, drops the staging table. The result counts the rows read and
 * the rows the INSERT … SELECT wrote; its notes say where the processors ran.
 */
export async function runElt(
  loaded: LoadedConfig,
  registry: SpecLookup,
  options: RunOptions & {
    logger: NonNullable<RunOptions['logger']>;
    signal: AbortSignal;
    /** The job's stored incremental watermark. */
    watermark?: string;
  },
): Promise<RunResult> {
  const job = eltJobOfLoaded(loaded);
  const staging = stagingTableName(job.table);
  const outputSpec = registry.get('output', job.dialect) as ComponentSpec;
  const outputConfig = componentFields(outputSpec, outputSection(loaded)).config as Config;
  const started = Date.now();
  let result: RunResult | undefined;
  try {
    const plan = await buildPlan(stagingConfig(loaded, staging), registry, {
      logger: options.logger,
      signal: options.signal,
      ...(options.watermark !== undefined ? { watermark: options.watermark } : {}),
    });
    result = await runPipeline(plan, options);
    if (result.status !== 'completed') return result;
    const loadedRows = result.records_written;
    const step = await runSqlStep(loaded, registry, job, staging, outputConfig);
    return {
      ...result,
      records_written: step.written,
      elapsed_ms: Date.now() - started,
      notes: [
        ...result.notes,
        `ELT: loaded ${loadedRows} rows into staging table ${staging}; the processors ran in ${DIALECT_NAMES[job.dialect]} as one INSERT … SELECT into ${job.table}`,
        ...step.notes,
      ],
    };
  } catch (error) {
    if (!result) throw error;
    // Nothing reached the target: the watermark must not move past the rows loaded.
    const { watermark: _unsaved, ...loadedOnly } = result;
    return {
      ...loadedOnly,
      records_written: 0,
      status: 'failed',
      error: error instanceof Error ? error.message : String(error),
    };
  } finally {
    await dropStaging(loaded, job, staging, outputConfig).catch((error: unknown) =>
      options.logger.warn('could not drop the ELT staging table', { table: staging, error: String(error) }),
    );
  }
}
