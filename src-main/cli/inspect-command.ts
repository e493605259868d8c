import type { ConfigProblem } from '../../src-shared/api/model';
import { formatCount } from '../../src-shared/text/count';
import {
  qualifiedName,
  type Introspector,
  type TableInfo,
  type TableSchema,
} from '../../connectors/shared/sql/introspection';
import { formatProblem } from '../config';
import { loadCliConfig } from './load-config';
import { componentFields } from '../config/component-fields';
import { jobNameOf, placedComponents } from '../config/validate';
import { defaultRegistry } from '../default-registry';
import { silentLogger, type ComponentContext } from '../engine/component';

/** Exit codes of `fustgo inspect`: as `fustgo run`'s, 2 for a config that does not validate. */
export const INSPECT_EXIT = { ok: 0, failed: 1, invalid: 2 } as const;

export interface InspectOptions {
  /** Whose database: the pipeline's input (default) or output. */
  side?: 'input' | 'output';
  /** Describe this table instead of listing them. */
  table?: string;
  json?: boolean;
}

/** Where the command writes; the process's streams unless a test captures them. */
export interface InspectStreams {
  out(text: string): void;
  err(text: string): void;
}

const processStreams: InspectStreams = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Rows as aligned columns, two spaces apart; the last column is not padded. */
function aligned(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd(),
  );
}

const estimate = (table: TableInfo) =>
  table.rowEstimate === undefined ? '' : `~${formatCount(table.rowEstimate)}`;

/** The listing: databases (or schemas), then one line per table with its kind, row estimate and comment. */
export function formatTableList(term: string, databases: string[], tables: TableInfo[]): string {
  const lines = [`${term}: ${databases.join(', ') || '(none)'}`];
  if (tables.length === 0) return [...lines, 'no tables'].join('\n') + '\n';
  const rows = tables.map((t) => [qualifiedName(t), t.kind, estimate(t), t.comment ?? '']);
  lines.push(...aligned([['TABLE', 'KIND', 'ROWS (EST.)', 'COMMENT'], ...rows]));
  return lines.join('\n') + '\n';
}

/** One table: a heading, its columns, then primary key, indexes and foreign keys. */
export function formatTableSchema(schema: TableSchema): string {
  const { table } = schema;
  const about = [table.kind, ...(table.rowEstimate !== undefined ? [`${estimate(table)} rows`] : [])];
  const lines = [`${qualifiedName(table)} (${about.join(', ')})${table.comment ? `: ${table.comment}` : ''}`];
  const columns = schema.columns.map((c) => {
    const notes = [
      ...(c.autoIncrement ? ['auto increment'] : []),
      ...(c.generated ? ['generated'] : []),
      ...(c.comment ? [c.comment] : []),
    ];
    return [c.name, c.nativeType, c.type, c.nullable ? 'yes' : 'no', c.default ?? '', notes.join('; ')];
  });
  lines.push(...aligned([['COLUMN', 'TYPE', 'LOGICAL', 'NULL', 'DEFAULT', 'NOTES'], ...columns]));
  const list = (names: string[]) => `(${names.join(', ')})`;
  lines.push(`primary key: ${schema.primaryKey.length > 0 ? list(schema.primaryKey) : 'none'}`);
  if (schema.indexes.length > 0) {
    lines.push('indexes:');
    const rows = schema.indexes.map((i) => [`  ${i.name}`, `${i.unique ? 'unique ' : ''}${list(i.columns)}`]);
    lines.push(...aligned(rows));
  }
  if (schema.foreignKeys.length > 0) {
    lines.push('foreign keys:');
    const rows = schema.foreignKeys.map((fk) => {
      const target = qualifiedName({ schema: fk.refSchema, name: fk.refTable });
      const actions = [
        ...(fk.onDelete ? [`on delete ${fk.onDelete.toLowerCase()}`] : []),
        ...(fk.onUpdate ? [`on update ${fk.onUpdate.toLowerCase()}`] : []),
      ];
      return [`  ${fk.name}`, `${list(fk.columns)} → ${target} ${list(fk.refColumns)}`, actions.join(', ')];
    });
    lines.push(...aligned(rows));
  }
  return lines.join('\n') + '\n';
}

function printProblems(problems: ConfigProblem[], streams: InspectStreams): void {
  for (const problem of problems) streams.err(`${formatProblem(problem)}\n`);
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * `fustgo inspect FILE [--side input|output] [--table NAME] [--json]`: what the database of the
 * pipeline's input (or output) holds, read from its catalog: databases or schemas and tables
 * with row estimates, or one table's columns, keys, indexes and foreign keys.
 */
export async function inspectCommand(
  file: string,
  options: InspectOptions = {},
  streams: InspectStreams = processStreams,
): Promise<number> {
  const registry = defaultRegistry();
  const checked = await loadCliConfig(file, registry, { env: process.env });
  if (!checked.ok) {
    printProblems(checked.problems, streams);
    return INSPECT_EXIT.invalid;
  }
  const side = options.side ?? 'input';
  const place = placedComponents(checked.loaded.config).find((p) => p.kind === side);
  const spec = place && registry.get(side, place.component.type);
  if (!place || !spec) {
    streams.err(`error: the pipeline has no ${side}\n`);
    return INSPECT_EXIT.failed;
  }
  if (!spec.introspect) {
    const able = registry
      .list()
      .filter((entry) => entry.enabled && entry.spec.kind === side && entry.spec.introspect)
      .map((entry) => entry.spec.name);
    streams.err(
      `error: the ${side} "${spec.name}" has no database to inspect (inspect works with the ${side}s ${able.join(', ')})\n`,
    );
    return INSPECT_EXIT.failed;
  }
  const context: ComponentContext = {
    baseDir: checked.loaded.baseDir,
    jobName: jobNameOf(checked.loaded),
    logger: silentLogger,
    signal: new AbortController().signal,
  };
  let introspector: Introspector | undefined;
  try {
    introspector = spec.introspect(componentFields(spec, place.component).config, context);
    if (options.table !== undefined) {
      const schema = await introspector.describeTable(options.table);
      streams.out(options.json ? `${JSON.stringify(schema, null, 2)}\n` : formatTableSchema(schema));
    } else {
      const databases = await introspector.listDatabases();
      const tables = await introspector.listTables();
      streams.out(
        options.json
          ? `${JSON.stringify({ [introspector.databaseTerm]: databases, tables }, null, 2)}\n`
          : formatTableList(introspector.databaseTerm, databases, tables),
      );
    }
    return INSPECT_EXIT.ok;
  } catch (error) {
    streams.err(`error: ${messageOf(error)}\n`);
    return INSPECT_EXIT.failed;
  } finally {
    await introspector?.close();
  }
}
