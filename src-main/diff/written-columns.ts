import {
  qualifiedName,
  schemaFromColumns,
  type TableSchema,
} from '../../connectors/shared/sql/introspection';
import { alignSchema } from '../../connectors/shared/sql/tables-output';
import type { DiffReason } from '../../src-shared/api/diff-model';
import type { LoadedConfig, SpecLookup } from '../config';
import { componentFields } from '../config/component-fields';
import { ConfigErrors } from '../config/problem';
import { jobNameOf, placedComponents, thrownProblem, type PlacedComponent } from '../config/validate';
import type { Column } from '../engine/batch';
import {
  silentLogger,
  type ComponentContext,
  type Input,
  type InputSpec,
  type Processor,
  type ProcessorSpec,
  type StreamDescription,
} from '../engine/component';
import { reason } from './reasons';
import type { WrittenTable } from './table-diff';

/*
 * What a pipeline writes, found the way a run finds it without moving a row: the input's
 * columns (a table's from the catalog, a multi-table input's streams, else the first rows it
 * reads), bound through each processor in turn (`Processor.bind(columns).columns`, as the run
 * binds them), described with the source table's sizes and keys where the columns kept them.
 */

/** A part of the config the diff cannot work with, at its path (`output.type`). */
export class NotDiffable extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'NotDiffable';
  }
}

/** One stream of rows the output is given: a table of a multi-table input, or the input's only one. */
export interface WrittenStream extends WrittenTable {
  /** The source table's name without its schema, which a table pattern (`staging.*`) puts in the target's name. */
  bareName: string;
}

/** What `writtenStreams` finds: the streams, and notes on how their columns were found. */
export interface WrittenStreams {
  streams: WrittenStream[];
  /** Whether the input reads several tables (`query.tables`). */
  multiTable: boolean;
  notes: DiffReason[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The column named `name`: exact first, then ignoring case when that is unambiguous (as the SQL readers' databases find them). */
function findColumn<T extends { name: string }>(columns: T[], name: string): T | undefined {
  const exact = columns.find((c) => c.name === name);
  if (exact) return exact;
  const matches = columns.filter((c) => c.name.toLowerCase() === name.toLowerCase());
  return matches.length === 1 ? matches[0] : undefined;
}

/** The pipeline's components with their configs (defaults applied) and a context to create them in. */
interface Parts {
  loaded: LoadedConfig;
  context: ComponentContext;
  input: { place: PlacedComponent; spec: InputSpec; config: Record<string, unknown> };
  processors: { place: PlacedComponent; processor: Processor }[];
}

/** Runs a factory; a `FieldError` it throws becomes a config problem located in the file. */
async function located<T>(loaded: LoadedConfig, path: string, make: () => T | Promise<T>): Promise<T> {
  try {
    return await make();
  } catch (error) {
    const isField = error instanceof Error && error.name === 'FieldError';
    throw isField ? new ConfigErrors([thrownProblem(loaded, path, error)]) : error;
  }
}

async function pipelineParts(
  loaded: LoadedConfig,
  registry: SpecLookup,
  signal: AbortSignal,
): Promise<Parts> {
  const placed = placedComponents(loaded.config);
  const context: ComponentContext = {
    baseDir: loaded.baseDir,
    jobName: jobNameOf(loaded),
    logger: silentLogger,
    signal,
  };
  // The config is valid: every component exists and takes its fields.
  const inputPlace = placed.find((p) => p.kind === 'input') as PlacedComponent;
  const inputSpec = registry.get('input', inputPlace.component.type) as InputSpec;
  const processors: Parts['processors'] = [];
  for (const place of placed.filter((p) => p.kind === 'processor')) {
    const spec = registry.get('processor', place.component.type) as ProcessorSpec;
    const config = componentFields(spec, place.component).config;
    processors.push({
      place,
      processor: await located(loaded, place.path, () => spec.create(config, context)),
    });
  }
  return {
    loaded,
    context,
    input: {
      place: inputPlace,
      spec: inputSpec,
      config: componentFields(inputSpec, inputPlace.component).config,
    },
    processors,
  };
}

/** A table's columns as a read of it gives them (`query.columns` picks and orders them), each described. */
function tableColumns(parts: Parts, schema: TableSchema, picked: unknown): StreamDescription {
  const names = Array.isArray(picked) && picked.length > 0 ? picked.map(String) : undefined;
  const described = names
    ? names.map((name, i) => {
        const column = findColumn(schema.columns, name);
        if (!column)
          throw new ConfigErrors([
            thrownProblem(
              parts.loaded,
              `${parts.input.place.path}.query.columns[${i}]`,
              new Error(`the table ${qualifiedName(schema.table)} has no column "${name}"`),
            ),
          ]);
        return column;
      })
    : schema.columns;
  return {
    name: qualifiedName(schema.table),
    columns: described.map((c) => ({
      name: c.name,
      type: c.type,
      nullable: c.nullable,
      nativeType: c.nativeType,
    })),
    // Read as values, generated columns are plain columns of the written rows.
    schema: { ...schema, columns: described.map((c) => ({ ...c, generated: false })) },
  };
}

/** The columns of the first batch an input reads (one row where it takes `fetch.size`), then stops it. */
async function firstBatchColumns(parts: Parts): Promise<Column[]> {
  const { spec, config, place } = parts.input;
  const takesFetch = isRecord(spec.schema.properties) && 'fetch' in spec.schema.properties;
  const small = takesFetch
    ? { ...config, fetch: { ...(isRecord(config.fetch) ? config.fetch : {}), size: 1 } }
    : config;
  const input: Input = await located(parts.loaded, place.path, () => spec.create(small, parts.context));
  try {
    await input.plan(1);
    for await (const batch of input.read(0, 1, parts.context.signal)) {
      if (batch.columns.length > 0) return batch.columns;
    }
  } finally {
    await input.close?.();
  }
  throw new NotDiffable(
    place.path,
    'the input gave no rows, so its columns are unknown: the diff reads a query’s or a file’s columns from its first row',
  );
}

/** The input's streams before the processors, and notes on how they were found. */
async function inputStreams(
  parts: Parts,
): Promise<{ streams: StreamDescription[]; multiTable: boolean; notes: DiffReason[] }> {
  const { spec, config, place } = parts.input;
  const query = isRecord(config.query) ? config.query : undefined;
  if (query && Array.isArray(query.tables)) {
    const input = await located(parts.loaded, place.path, () => spec.create(config, parts.context));
    try {
      if (!input.streams)
        throw new NotDiffable(`${place.path}.query.tables`, 'this input does not list its tables');
      return { streams: await input.streams(), multiTable: true, notes: [] };
    } finally {
      await input.close?.();
    }
  }
  if (query && typeof query.table === 'string' && spec.introspect) {
    const introspector = spec.introspect(config, parts.context);
    try {
      const schema = await introspector.describeTable(query.table);
      return { streams: [tableColumns(parts, schema, query.columns)], multiTable: false, notes: [] };
    } finally {
      await introspector.close();
    }
  }
  const known = spec.staticColumns?.(config);
  const name =
    query && typeof query.sql === 'string'
      ? 'query'
      : typeof config.path === 'string'
        ? config.path
        : spec.name;
  if (known) return { streams: [{ name, columns: known }], multiTable: false, notes: [] };
  return {
    streams: [{ name, columns: await firstBatchColumns(parts) }],
    multiTable: false,
    notes: [reason('columns_from_rows')],
  };
}

/**
 * What the output of a valid pipeline is given, per stream: the input's columns through every
 * processor, with the source table's description (sizes, defaults, keys) where the columns kept it,
 * and `key` (the output's `conflict.key`, when all of it is written) as the primary key.
 * Config problems a factory or a processor finds are thrown as located `ConfigErrors`; a
 * database that cannot be reached throws its own error.
 */
export async function writtenStreams(
  loaded: LoadedConfig,
  registry: SpecLookup,
  options: { key: string[]; signal: AbortSignal },
): Promise<WrittenStreams> {
  const parts = await pipelineParts(loaded, registry, options.signal);
  const found = await inputStreams(parts);
  const streams: WrittenStream[] = [];
  for (const stream of found.streams) {
    let columns = stream.columns;
    for (const { place, processor } of parts.processors)
      columns = await located(loaded, place.path, () => processor.bind(columns).columns);
    const source = stream.schema as TableSchema | undefined;
    const aligned = source ? alignSchema(source, columns) : schemaFromColumns(stream.name, columns, []);
    const names = new Set(columns.map((c) => c.name));
    const keyed = options.key.length > 0 && options.key.every((k) => names.has(k));
    streams.push({
      sourceTable: stream.name,
      bareName: source?.table.name ?? stream.name,
      schema: keyed ? { ...aligned, primaryKey: options.key } : aligned,
      nullableKnown: columns.map((c) => c.nullable !== undefined),
    });
  }
  return { streams, multiTable: found.multiTable, notes: found.notes };
}
