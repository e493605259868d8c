import { resolveConfigPath } from '../../connectors/shared/resolve-path';
import type { SqlConnection } from '../../connectors/shared/sql/config';
import type { ComponentConfig } from '../../src-shared/config/pipeline';
import type { LoadedConfig } from '../config';

/*
 * What `fustgo verify` can check of a pipeline: a table copied from one SQL database (sqlite,
 * postgresql, mysql) into a table of another, with no processors or only `mapping` ones (which
 * select and rename columns, so a target row still stands for one source row).
 */

/** The SQL connectors verify compares. */
export const VERIFIABLE_TYPES = ['postgresql', 'mysql', 'sqlite'] as const;
export type VerifiableType = (typeof VERIFIABLE_TYPES)[number];

/** One side of the copy: which database, and the table in it. */
export type TableSide =
  | { type: 'postgresql' | 'mysql'; table: string; connection: SqlConnection }
  /** `path` is resolved against the pipeline's folder. */
  | { type: 'sqlite'; table: string; path: string };

/** A `mapping` processor: `fields` (new name: source name) or `drop`. */
export interface MappingStep {
  path: string;
  fields?: Record<string, string>;
  drop?: string[];
}

/** The parts of a pipeline verify works from. */
export interface VerifyShape {
  source: TableSide;
  target: TableSide;
  /** `input.query.filter`: the source rows the pipeline copies. */
  filter?: string;
  /** `input.query.columns`: the source columns it reads (default: all). */
  columns?: string[];
  /** `input.query.split_key`, when the config has one. */
  splitKey?: string;
  /** `output.conflict.key` (target column names). */
  conflictKey: string[];
  mappings: MappingStep[];
}

/** Why verify cannot check a pipeline, at a config path. */
export class NotVerifiable extends Error {
  constructor(
    /** Config path of the part verify cannot compare (`pipeline.processors[0].type`). */
    readonly path: string,
    /** Why, without the path. */
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'NotVerifiable';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((v) => typeof v === 'string');

function tableSide(
  component: ComponentConfig,
  path: string,
  section: 'query' | 'write',
  baseDir: string,
): TableSide {
  const type = component.type;
  if (!(VERIFIABLE_TYPES as readonly string[]).includes(type))
    throw new NotVerifiable(
      `${path}.type`,
      `verify compares tables of SQL databases (${VERIFIABLE_TYPES.join(', ')}); ${type} is not one`,
    );
  const part = component[section];
  const table = isRecord(part) ? part.table : undefined;
  if (typeof table !== 'string') {
    const what =
      section === 'query'
        ? 'the input reads a SQL query, not a table: verify compares a table with a table (use query.table)'
        : 'the output has no write.table';
    throw new NotVerifiable(`${path}.${section}`, what);
  }
  // The config is valid: a sqlite component has a path, a server one a connection.
  if (type === 'sqlite') return { type, table, path: resolveConfigPath(baseDir, String(component.path)) };
  return { type: type as 'postgresql' | 'mysql', table, connection: component.connection as SqlConnection };
}

/** The shape of a valid pipeline config, or `NotVerifiable` saying what verify cannot compare. */
export function verifyShape(loaded: LoadedConfig): VerifyShape {
  const { config, baseDir } = loaded;
  if (!config.output)
    throw new NotVerifiable(
      'output',
      'the pipeline ends in a conditional, whose branches each have their own output: verify compares one target table',
    );
  const source = tableSide(config.input, 'input', 'query', baseDir);
  const target = tableSide(config.output, 'output', 'write', baseDir);
  const query = config.input.query as Record<string, unknown>;
  const mappings = (config.pipeline?.processors ?? []).map((processor, i): MappingStep => {
    const path = `pipeline.processors[${i}]`;
    if (processor.type !== 'mapping')
      throw new NotVerifiable(
        `${path}.type`,
        `verify compares source rows with target rows, so it supports mapping processors only (renames and column selection); a ${processor.type} processor changes which rows or values are written`,
      );
    return {
      path,
      fields: isRecord(processor.fields) ? (processor.fields as Record<string, string>) : undefined,
      drop: isStringArray(processor.drop) ? processor.drop : undefined,
    };
  });
  const conflict = config.output.conflict;
  return {
    source,
    target,
    filter: typeof query.filter === 'string' && query.filter.trim() !== '' ? query.filter : undefined,
    columns: isStringArray(query.columns) && query.columns.length > 0 ? query.columns : undefined,
    splitKey: typeof query.split_key === 'string' ? query.split_key : undefined,
    conflictKey: isRecord(conflict) && isStringArray(conflict.key) ? conflict.key : [],
    mappings,
  };
}

/** How a side is named in reports: `postgresql public.orders`, `sqlite shop.db:orders`. */
export function describeSide(side: TableSide): string {
  if (side.type === 'sqlite') return `sqlite ${side.path}:${side.table}`;
  return `${side.type} ${side.connection.host}/${side.connection.database} ${side.table}`;
}
