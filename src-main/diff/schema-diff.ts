import type { ComponentConfig } from '../../src-shared/config/pipeline';
import type { SchemaAlterDialect } from '../../connectors/shared/alter-ddl';
import { isTablePattern } from '../../connectors/shared/sql/config';
import type { TableSchema } from '../../connectors/shared/sql/introspection';
import {
  parseTablePattern,
  targetTableName,
  type SqlTargetSession,
} from '../../connectors/shared/sql/tables-output';
import {
  DIFF_STATUSES,
  type DdlApplyResult,
  type SchemaDiff,
  type TableDiff,
} from '../../src-shared/api/diff-model';
import type { LoadedConfig, SpecLookup } from '../config';
import { componentFields } from '../config/component-fields';
import { jobNameOf } from '../config/validate';
import { silentLogger, type OutputSpec } from '../engine/component';
import { alterDialectOf, DIFFABLE_OUTPUTS } from './dialects';
import { reason } from './reasons';
import { diffTable } from './table-diff';
import { NotDiffable, writtenStreams, type WrittenStream } from './written-columns';

/*
 * The schema diff of a pipeline: what it writes beside the table(s) it writes into, and the DDL
 * that creates or fits them; and applying exactly that DDL once the user confirmed it.
 */

export { NotDiffable } from './written-columns';

export interface SchemaDiffOptions {
  registry: SpecLookup;
  signal?: AbortSignal;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The output's side of the diff: its dialect, config (defaults applied) and settings. */
interface TargetSide {
  spec: OutputSpec;
  dialect: SchemaAlterDialect;
  config: Record<string, unknown>;
  table: string;
  createTable: boolean;
  key: string[];
}

function targetSide(loaded: LoadedConfig, registry: SpecLookup): TargetSide {
  const output = loaded.config.output;
  if (!output)
    throw new NotDiffable(
      'output',
      'the pipeline ends in a conditional, whose branches each have their own output: diff a pipeline per target',
    );
  const dialect = alterDialectOf(output.type);
  if (!dialect)
    throw new NotDiffable(
      'output.type',
      `the schema diff compares with a database table (outputs ${DIFFABLE_OUTPUTS.join(', ')}); a ${output.type} output has none`,
    );
  // The config is valid: the output exists and takes its fields.
  const spec = registry.get('output', output.type) as OutputSpec;
  const config = componentFields(spec, output).config;
  const write = config.write as { table: string; create_table?: boolean };
  const conflict = isRecord(config.conflict) && Array.isArray(config.conflict.key) ? config.conflict.key : [];
  return {
    spec,
    dialect,
    config,
    table: write.table,
    createTable: write.create_table ?? true,
    key: conflict.map(String),
  };
}

/** How people name the database a component points at: `mysql 127.0.0.1/shop`, `sqlite data/shop.db` (never a password). */
export function describeComponent(component: Record<string, unknown>): string {
  const connection = component.connection;
  if (isRecord(connection) && typeof connection.host === 'string')
    return `${String(component.type)} ${connection.host}/${String(connection.database ?? '')}`;
  if (typeof component.path === 'string') return `${String(component.type)} ${component.path}`;
  return String(component.type);
}

/** The target table of each stream: `write.table`, or the pattern's name for each table of a multi-table input. */
function targetTables(side: TargetSide, streams: WrittenStream[], multiTable: boolean): string[] {
  if (!isTablePattern(side.table)) {
    if (multiTable)
      throw new NotDiffable(
        'output.write.table',
        `the input reads ${streams.length} tables (query.tables): write.table must be a pattern such as "*" or "staging.*", not the name of one table`,
      );
    return [side.table];
  }
  if (!multiTable)
    throw new NotDiffable(
      'output.write.table',
      `"${side.table}" is a table pattern, which takes an input that reads several tables (query.tables)`,
    );
  let pattern;
  try {
    pattern = parseTablePattern(side.table);
  } catch (error) {
    throw new NotDiffable('output.write.table', error instanceof Error ? error.message : String(error));
  }
  if (!side.dialect.hasSchemas) {
    if (pattern.schema !== undefined && pattern.schema !== 'main')
      throw new NotDiffable(
        'output.write.table',
        `a ${side.dialect.name} database has no schemas: use "*" or a prefix`,
      );
    pattern = { ...pattern, schema: undefined };
  }
  return streams.map((stream) => targetTableName(pattern, stream.bareName));
}

/** Describes the tables that exist; undefined for those that do not. */
async function describeTargets(
  loaded: LoadedConfig,
  side: TargetSide,
  session: SqlTargetSession,
  tables: string[],
  signal: AbortSignal,
): Promise<(TableSchema | undefined)[]> {
  const exists: boolean[] = [];
  for (const table of tables) exists.push(await session.tableExists(table));
  if (!exists.some(Boolean)) return tables.map(() => undefined);
  if (!side.spec.introspect) throw new Error(`the ${side.spec.name} output cannot describe its tables`);
  const introspector = side.spec.introspect(side.config, {
    baseDir: loaded.baseDir,
    jobName: jobNameOf(loaded),
    logger: silentLogger,
    signal,
  });
  try {
    const described: (TableSchema | undefined)[] = [];
    for (const [i, table] of tables.entries())
      described.push(exists[i] ? await introspector.describeTable(table) : undefined);
    return described;
  } finally {
    await introspector.close();
  }
}

/**
 * Compares what a valid pipeline writes with the table(s) it writes into. Throws `NotDiffable`
 * (with a config path) for a pipeline whose output has no tables or whose table names do not fit
 * its input, `ConfigErrors` for what its components refuse, and the database's error when a
 * database cannot be reached or read.
 */
export async function diffPipeline(loaded: LoadedConfig, options: SchemaDiffOptions): Promise<SchemaDiff> {
  const signal = options.signal ?? new AbortController().signal;
  const side = targetSide(loaded, options.registry);
  const written = await writtenStreams(loaded, options.registry, { key: side.key, signal });
  const tables = targetTables(side, written.streams, written.multiTable);
  const session = await side.dialect.open(side.config, loaded.baseDir);
  let described: (TableSchema | undefined)[];
  try {
    described = await describeTargets(loaded, side, session, tables, signal);
  } finally {
    await session.close();
  }
  const diffs: TableDiff[] = written.streams.map((stream, i) => {
    const diff = diffTable({
      written: stream,
      targetTable: tables[i],
      target: described[i],
      createTable: side.createTable,
      dialect: side.dialect,
    });
    return { ...diff, notes: [...written.notes, ...diff.notes] };
  });
  const counts = Object.fromEntries(DIFF_STATUSES.map((status) => [status, 0]));
  for (const row of diffs.flatMap((d) => d.rows)) counts[row.status] += 1;
  return {
    source: describeComponent(loaded.config.input),
    target: describeComponent(loaded.config.output as ComponentConfig), // targetSide refused a pipeline without it
    database: side.dialect.name,
    transactional_ddl: side.dialect.transactionalDdl,
    create_table: side.createTable,
    tables: diffs,
    counts,
    ok: diffs.every((d) => d.ok),
  };
}

/** Every statement of a diff, in the order to run them. */
export function diffStatements(diff: SchemaDiff): string[] {
  return diff.tables.flatMap((table) => table.statements.map((s) => s.sql));
}

/** A statement failed while applying; `applied` ran before it and stayed (MySQL) or was rolled back (empty). */
export class DdlApplyError extends Error {
  constructor(
    message: string,
    readonly applied: string[],
  ) {
    super(message);
    this.name = 'DdlApplyError';
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Runs `statements` on the pipeline's target database: in one transaction where the database's
 * DDL is transactional (all or nothing), else one by one, each committed by the database itself.
 * A failing statement throws `DdlApplyError` naming it and saying what stayed applied.
 */
export async function applyStatements(
  loaded: LoadedConfig,
  statements: string[],
  options: SchemaDiffOptions,
): Promise<DdlApplyResult> {
  const side = targetSide(loaded, options.registry);
  const { dialect } = side;
  const session = await dialect.open(side.config, loaded.baseDir);
  const applied: string[] = [];
  const failed = (at: number, error: unknown, after: string) =>
    `statement ${at + 1} of ${statements.length} failed: ${messageOf(error)} (${statements[at]}); ${after}`;
  try {
    if (dialect.transactionalDdl) await session.run('BEGIN');
    for (const [at, sql] of statements.entries()) {
      try {
        await session.run(sql);
      } catch (error) {
        if (!dialect.transactionalDdl)
          throw new DdlApplyError(
            failed(
              at,
              error,
              `${dialect.name} commits each DDL statement on its own: the ${at} before it stay applied`,
            ),
            applied,
          );
        await session.run('ROLLBACK').catch(() => undefined);
        throw new DdlApplyError(
          failed(at, error, 'nothing was changed (the transaction was rolled back)'),
          [],
        );
      }
      applied.push(sql);
    }
    if (dialect.transactionalDdl) await session.run('COMMIT');
  } finally {
    await session.close();
  }
  return {
    applied,
    transactional: dialect.transactionalDdl,
    database: dialect.name,
    note: reason(dialect.transactionalDdl ? 'applied_in_transaction' : 'applied_autocommit'),
  };
}
