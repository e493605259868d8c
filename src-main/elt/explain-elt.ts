import type { LoadedConfig } from '../config';
import type { SpecLookup } from '../config/component-fields';
import { componentFields } from '../config/component-fields';
import { silentLogger, type ComponentContext, type ComponentSpec } from '../engine/component';
import { eltSelectOf } from './elt-config';
import { dropStagingSql, ROW_ORDER_COLUMN, type StagingColumn } from './generate';
import { DIALECT_NAMES } from './render-expression';
import { eltJobOfLoaded, stagingBeside, stagingTableName } from './run-elt';
import { writeStatements } from './write-sql';

/**
 * The input's column names without reading rows: from its config (`staticColumns`), else from the
 * catalog of its table; undefined when neither says.
 */
async function inputColumns(
  loaded: LoadedConfig,
  registry: SpecLookup,
  context: ComponentContext,
): Promise<StagingColumn[] | undefined> {
  const section = loaded.config.input;
  const spec = registry.get('input', section.type) as ComponentSpec | undefined;
  if (spec?.kind !== 'input') return undefined;
  const config = componentFields(spec, section).config;
  const fromConfig = spec.staticColumns?.(config);
  if (fromConfig) return fromConfig;
  const table = (config.query as { table?: unknown } | undefined)?.table;
  if (!spec.introspect || typeof table !== 'string') return undefined;
  const introspector = spec.introspect(config, context);
  try {
    return (await introspector.describeTable(table)).columns;
  } catch {
    return undefined; // the run itself will say what is wrong with the table
  } finally {
    await introspector.close().catch(() => undefined);
  }
}

/** `--explain` lines of a `job.type: ELT` config: the staging table and the SQL run in the target. */
export async function explainElt(
  loaded: LoadedConfig,
  registry: SpecLookup,
  jobName: string,
): Promise<string[]> {
  const job = eltJobOfLoaded(loaded);
  const staging = stagingTableName(stagingBeside(job).table, '<random>');
  const controller = new AbortController();
  const context = { baseDir: loaded.baseDir, jobName, logger: silentLogger, signal: controller.signal };
  const known = await inputColumns(loaded, registry, context);
  controller.abort();
  // The staging table has the input's columns, and numbers the rows when a step needs their order.
  const columns = known && job.ordered ? [...known, { name: ROW_ORDER_COLUMN, type: 'bigint' }] : known;
  const lines = [
    `ELT: the input is loaded as it is into staging table ${staging} in ${DIALECT_NAMES[job.dialect]}` +
      (job.ordered ? ` (${ROW_ORDER_COLUMN} numbering the rows as they arrive)` : '') +
      ', then the processors run there:',
  ];
  if (!columns) {
    lines.push(
      '  (the input’s columns are known once it is loaded: the SQL below lists those the processors name)',
    );
  }
  const transaction =
    job.dialect === 'mysql'
      ? 'in one transaction (missing tables are created before it: MySQL cannot roll back DDL)'
      : 'in one transaction';
  lines.push(`  ${transaction}:`);
  for (const route of job.routes) {
    const { target } = route;
    const select = eltSelectOf(job, route, columns);
    const branch = route.label !== undefined ? `branch ${route.label}: ` : '';
    if (target.createTable)
      lines.push(`    ${branch}when ${target.table} is missing, it is created as an ETL run creates it`);
    for (const statement of writeStatements(select, target, staging, job.dialect))
      lines.push(`    ${branch}${statement.sql}`);
  }
  lines.push(`  afterwards, also on failure: ${dropStagingSql(staging, job.dialect)}`);
  return lines;
}
