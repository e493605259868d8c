import { randomBytes } from 'node:crypto';
import { buildPlan, type LoadedConfig } from '../config';
import type { ComponentConfig } from '../../src-shared/config/pipeline';
import { componentFields, type SpecLookup } from '../config/component-fields';
import { branchComponents, jobNameOf, placedComponents } from '../config/validate';
import type { Column } from '../engine/batch';
import {
  silentLogger,
  type ComponentContext,
  type ComponentSpec,
  type ProcessorSpec,
} from '../engine/component';
import { bindProcessors } from '../engine/processor-chain';
import { runPipeline, type RunOptions, type RunResult } from '../engine/runtime';
import { eltJobOf, eltSelectOf, type EltJob, type EltRoute, type EltTarget } from './elt-config';
import { BRANCH_CONDITION, dropStagingSql, ROW_ORDER_COLUMN } from './generate';
import { DIALECT_NAMES } from './render-expression';
import { numberRows } from './row-order';
import { openEltSession } from './target-session';
import { createTargetSql, writeStatements } from './write-sql';

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
  const { job, problems } = eltJobOf([
    ...placedComponents(loaded.config),
    ...branchComponents(loaded.config),
  ]);
  if (!job) throw new Error(problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  return job;
}

/** The table the staging table sits beside: the first route's. */
export function stagingBeside(job: EltJob): EltTarget {
  return job.routes[0].target;
}

/**
 * The config that loads the input raw into `staging`: no processors, one output (the first
 * target's connection) writing inserts into it.
 */
function stagingConfig(loaded: LoadedConfig, job: EltJob, staging: string): LoadedConfig {
  const { pipeline, job: jobSection } = loaded.config;
  const { processors: _processors, ...rest } = pipeline ?? {};
  // pre_sql and post_sql run around the INSERT … SELECT, not around the staging load.
  const { pre_sql: _pre, post_sql: _post, conflict: _conflict, ...outputRest } = stagingBeside(job).section;
  const write = { ...(outputRest.write as Config), table: staging, mode: 'insert', create_table: true };
  return {
    ...loaded,
    config: {
      ...loaded.config,
      job: { ...jobSection, type: 'ETL' },
      ...(pipeline ? { pipeline: rest } : {}),
      output: { ...(outputRest as ComponentConfig), write },
    },
  };
}

/** What the SQL step did, for the run's summary. */
interface SqlStepResult {
  written: number;
  notes: string[];
}

/** The output config of a target after defaults (a connection with its port, a resolved path). */
function outputConfigOf(registry: SpecLookup, job: EltJob, target: EltTarget): Config {
  const spec = registry.get('output', job.dialect) as ComponentSpec;
  return componentFields(spec, target.section as ComponentConfig).config as Config;
}

/**
 * The columns a route writes, typed as the engine types them (the processors bound to the staging
 * columns), so a created table is the table an ETL run creates.
 */
function routeColumns(
  route: EltRoute,
  names: string[],
  staging: Column[],
  registry: SpecLookup,
  context: ComponentContext,
): Column[] {
  const processors = route.steps
    .filter((step) => step.component.type !== BRANCH_CONDITION)
    .map((step) => {
      const spec = registry.get('processor', String(step.component.type)) as ProcessorSpec;
      const { config } = componentFields(spec, step.component as ComponentConfig);
      return { path: step.path, processor: spec.create(config, context) };
    });
  const bound = bindProcessors(processors, staging).columns;
  return names.map(
    (name) =>
      bound.find((column) => column.name === name) ??
      bound.find((column) => column.name.toLowerCase() === name.toLowerCase()) ?? { name, type: 'string' },
  );
}

/** The staging table's columns, as the target describes them. */
async function describeStaging(
  registry: SpecLookup,
  job: EltJob,
  staging: string,
  context: ComponentContext,
) {
  const spec = registry.get('output', job.dialect) as ComponentSpec;
  const introspector = spec.introspect?.(outputConfigOf(registry, job, stagingBeside(job)), context);
  if (!introspector) throw new Error(`output ${job.dialect} cannot describe the staging table`);
  try {
    return (await introspector.describeTable(staging)).columns;
  } finally {
    await introspector.close().catch(() => undefined);
  }
}

async function runSqlStep(
  loaded: LoadedConfig,
  registry: SpecLookup,
  job: EltJob,
  staging: string,
): Promise<SqlStepResult> {
  const context: ComponentContext = {
    baseDir: loaded.baseDir,
    jobName: jobNameOf(loaded),
    logger: silentLogger,
    signal: new AbortController().signal,
  };
  const stagingColumns = await describeStaging(registry, job, staging, context);
  const rowColumns = stagingColumns.filter((column) => column.name !== ROW_ORDER_COLUMN);
  const routes = job.routes.map((route) => {
    const select = eltSelectOf(job, route, stagingColumns);
    const names = select.columns.map((column) => column.name);
    return {
      route,
      config: outputConfigOf(registry, job, route.target),
      columns: routeColumns(route, names, rowColumns, registry, context),
      statements: writeStatements(select, route.target, staging, job.dialect),
    };
  });
  const session = await openEltSession(job.dialect, routes[0].config, loaded.baseDir);
  const notes: string[] = [];
  const sqlOf = (config: Config, field: 'pre_sql' | 'post_sql') =>
    (config[field] as string[] | undefined) ?? [];
  try {
    for (const { config } of routes) for (const sql of sqlOf(config, 'pre_sql')) await session.exec(sql);
    const missing: typeof routes = [];
    for (const item of routes) {
      const { table, createTable, path } = item.route.target;
      if (missing.some((m) => m.route.target.table === table) || (await session.tableExists(table))) continue;
      if (!createTable)
        throw new Error(`${path}: table ${table} does not exist (write.create_table is false)`);
      missing.push(item);
    }
    const create = (item: (typeof routes)[number]) =>
      session.exec(createTargetSql(item.route.target, item.columns, job.dialect));
    // MySQL commits before any DDL: the targets are created first, the writes are then one transaction.
    if (job.dialect === 'mysql') for (const item of missing) await create(item);
    await session.exec('BEGIN');
    let written = 0;
    try {
      if (job.dialect !== 'mysql') for (const item of missing) await create(item);
      for (const { route, statements } of routes) {
        let rows = 0;
        for (const statement of statements) {
          const changed = await session.exec(statement.sql);
          if (statement.writes) rows += changed;
        }
        written += rows;
        const into = `${rows} ${rows === 1 ? 'row' : 'rows'} into ${route.target.table} (${route.target.mode})`;
        notes.push(route.label !== undefined ? `ELT branch ${route.label}: ${into}` : `ELT: ${into}`);
      }
      await session.exec('COMMIT');
    } catch (error) {
      await session.exec('ROLLBACK').catch(() => undefined);
      throw error;
    }
    for (const { route } of missing) notes.push(`created table ${route.target.table} as an ETL run would`);
    for (const { config } of routes) for (const sql of sqlOf(config, 'post_sql')) await session.exec(sql);
    return { written, notes };
  } finally {
    await session.close();
  }
}

async function dropStaging(
  loaded: LoadedConfig,
  registry: SpecLookup,
  job: EltJob,
  staging: string,
): Promise<void> {
  const config = outputConfigOf(registry, job, stagingBeside(job));
  const session = await openEltSession(job.dialect, config, loaded.baseDir);
  try {
    await session.exec(dropStagingSql(staging, job.dialect));
  } finally {
    await session.close();
  }
}

/**
 * Runs a `job.type: ELT` config (validated): loads the input into a staging table, runs the
 * processors in the target as SQL (one INSERT … SELECT per table, in one transaction), drops the
 * staging table. The result counts the rows read and the rows the statements wrote; its notes
 * say where the processors ran.
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
  const staging = stagingTableName(stagingBeside(job).table);
  const started = Date.now();
  let result: RunResult | undefined;
  try {
    const plan = await buildPlan(stagingConfig(loaded, job, staging), registry, {
      logger: options.logger,
      signal: options.signal,
      ...(options.watermark !== undefined ? { watermark: options.watermark } : {}),
    });
    if (job.ordered && plan.output) plan.output = numberRows(plan.output);
    // The engine's deduplicate sees the rows in one lane's order: the numbering must be that order.
    if (job.oneLaneReason) plan.channels = 1;
    result = await runPipeline(plan, options);
    if (result.status !== 'completed') return result;
    const loadedRows = result.records_written;
    const step = await runSqlStep(loaded, registry, job, staging);
    return {
      ...result,
      records_written: step.written,
      elapsed_ms: Date.now() - started,
      notes: [
        ...result.notes,
        `ELT: loaded ${loadedRows} rows into staging table ${staging}; the processors ran in ${DIALECT_NAMES[job.dialect]} as SQL, in one transaction`,
        ...(job.oneLaneReason ? [`ELT: one lane: ${job.oneLaneReason}`] : []),
        ...step.notes,
        ...(step.written < loadedRows
          ? [
              `ELT: the other ${loadedRows - step.written} of the ${loadedRows} rows loaded were filtered, grouped, deduplicated or matched no branch in the database (ELT does not count them per step)`,
            ]
          : []),
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
    await dropStaging(loaded, registry, job, staging).catch((error: unknown) =>
      options.logger.warn('could not drop the ELT staging table', { table: staging, error: String(error) }),
    );
  }
}
