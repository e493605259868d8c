import type { Batch, Column } from '../../../src-main/engine/batch';
import {
  FieldError,
  type Input,
  type LanePlan,
  type StreamDescription,
} from '../../../src-main/engine/component';
import type { SqlQuery, SqlTablesQuery } from './config';
import {
  matchTables,
  qualifiedName,
  type Introspector,
  type TableInfo,
  type TableSchema,
} from './introspection';
import { SqlInput, type Incremental, type SqlSource } from './sql-input';

/*
 * The input side of a whole-database copy (`query.tables`): the tables the patterns select are
 * each read whole, as a stream of their own (batches carry the table's name). Lanes take tables
 * from one shared queue, largest first, so they stay busy until the end and the longest read does
 * not start last. Each table is read in one lane by the connector's own `SqlSource.read`.
 */

/**
 * Items handed out to lanes, each once, largest first: a lane takes the next when it has
 * finished the last. Unknown sizes count as 0; equal ones keep their given order.
 */
export class LaneQueue<T> {
  private readonly items: T[];
  private next = 0;

  constructor(items: T[], size: (item: T) => number | undefined) {
    this.items = items
      .map((item, index) => ({ item, index, size: size(item) ?? 0 }))
      .sort((a, b) => b.size - a.size || a.index - b.index)
      .map((entry) => entry.item);
  }

  /** The next item, or undefined once every item was taken. */
  take(): T | undefined {
    if (this.next >= this.items.length) return undefined;
    return this.items[this.next++];
  }

  /** Items not taken yet. */
  get remaining(): number {
    return this.items.length - this.next;
  }
}

/** One table of the copy. */
interface CopiedTable {
  /** The stream name its batches carry: `schema.name`, or `name` where there are no schemas. */
  name: string;
  schema: TableSchema;
  /** The columns read: every column but generated ones, which the target computes itself. */
  columns: Column[];
  /** The database's estimate of its rows, for the order and the progress. */
  rows?: number;
}

/** `incremental` and `split_key` do not apply to a whole-table copy: refused, saying so. */
function checkTablesQuery(query: SqlTablesQuery, incremental: Incremental | undefined): void {
  if (query.split_key !== undefined)
    throw new FieldError(
      'query.split_key',
      'split_key cannot be combined with query.tables yet: each table is read whole, in one lane (the lanes read different tables at once)',
    );
  if (incremental)
    throw new FieldError(
      'incremental',
      'incremental reads take one table (query.table); query.tables copies whole tables',
    );
}

/**
 * The input for a SQL connector's config: `SqlTablesInput` for `query.tables` (after reading the
 * catalog, so a pattern that matches nothing is a config error), else `SqlInput`.
 */
export function createSqlInput(
  config: { query: SqlQuery; incremental?: Incremental },
  source: SqlSource,
  introspector: () => Introspector,
  watermark?: string,
): Input | Promise<Input> {
  const { query } = config;
  if (!('tables' in query)) return new SqlInput({ ...config, query }, source, watermark);
  checkTablesQuery(query, config.incremental);
  return SqlTablesInput.open(query, source, introspector());
}

function columnOf(column: TableSchema['columns'][number]): Column {
  return { name: column.name, type: column.type, nullable: column.nullable, nativeType: column.nativeType };
}

/** `matchTables`, its error located at the config field. */
function matched(field: string, patterns: string[], tables: TableInfo[]): TableInfo[] {
  try {
    return matchTables(patterns, tables);
  } catch (error) {
    throw new FieldError(field, error instanceof Error ? error.message : String(error));
  }
}

/**
 * An `Input` over many tables of one database, read whole, each as a stream named by its
 * qualified name. Where the database can share a snapshot between connections (PostgreSQL) every
 * table is read in the same one; elsewhere each table's read has its own, taken as it starts.
 */
export class SqlTablesInput implements Input {
  private queue: LaneQueue<CopiedTable> | undefined;
  private snapshot: { id: string; release(): Promise<void> } | undefined;
  /** Tables whose read has begun its transaction: once all have, the shared snapshot may go. */
  private begun = 0;

  private constructor(
    private readonly tables: CopiedTable[],
    private readonly source: SqlSource,
  ) {}

  /**
   * Reads the catalog: the tables (not views) the patterns select, less the excluded ones, each
   * described (columns, keys, indexes, foreign keys) and with a row estimate. Closes `introspector`.
   */
  static async open(
    query: SqlTablesQuery,
    source: SqlSource,
    introspector: Introspector,
  ): Promise<SqlTablesInput> {
    try {
      const all = (await introspector.listTables()).filter((t) => t.kind === 'table');
      let selected = matched('query.tables', query.tables, all);
      if (query.exclude && query.exclude.length > 0) {
        const excluded = new Set(matched('query.exclude', query.exclude, all));
        selected = selected.filter((t) => !excluded.has(t));
        if (selected.length === 0)
          throw new FieldError('query.exclude', 'excludes every table query.tables selects: nothing to copy');
      }
      const tables: CopiedTable[] = [];
      for (const info of selected) {
        const name = qualifiedName(info);
        const schema = await introspector.describeTable(name);
        // Statistics where the catalog has them; else the source's own estimate (SQLite counts).
        const rows =
          info.rowEstimate ?? (await source.estimateTableRows?.(name).catch(() => undefined)) ?? undefined;
        const columns = schema.columns.filter((c) => !c.generated).map(columnOf);
        tables.push({ name, schema, columns, ...(rows !== undefined ? { rows } : {}) });
      }
      return new SqlTablesInput(tables, source);
    } finally {
      await introspector.close();
    }
  }

  async plan(requested: number): Promise<LanePlan> {
    const lanes = Math.max(1, Math.min(requested, this.tables.length));
    this.queue = new LaneQueue(this.tables, (t) => t.rows);
    const notes = [
      `query.tables: ${this.tables.length} table${this.tables.length === 1 ? '' : 's'}, ` +
        (lanes > 1 ? `${lanes} read at a time, largest first` : 'read one after another'),
    ];
    if (this.tables.length > 1) {
      if (this.source.shareSnapshot) this.snapshot = await this.source.shareSnapshot();
      else if (this.source.separateSnapshotsNote)
        notes.push(
          `each table is read in a snapshot of its own, taken as its read starts (${this.source.name} cannot share one between connections)`,
        );
    }
    return { lanes, note: notes.join('; ') };
  }

  async streams(): Promise<StreamDescription[]> {
    return this.tables.map((t) => ({ name: t.name, columns: t.columns, schema: t.schema }));
  }

  /** Takes tables from the shared queue until none is left; every batch carries its table's name. */
  async *read(_lane: number, _lanes: number, signal: AbortSignal): AsyncGenerator<Batch> {
    this.queue ??= new LaneQueue(this.tables, (t) => t.rows);
    for (let table = this.queue.take(); table && !signal.aborted; table = this.queue.take())
      yield* this.readTable(table, signal);
  }

  async estimateTotal(): Promise<number | undefined> {
    let total = 0;
    for (const table of this.tables) {
      if (table.rows === undefined) return undefined;
      total += table.rows;
    }
    return total;
  }

  async close(): Promise<void> {
    await this.releaseSnapshot();
  }

  private async *readTable(table: CopiedTable, signal: AbortSignal): AsyncGenerator<Batch> {
    let begun = false;
    const began = async () => {
      if (begun) return;
      begun = true;
      // The last table's transaction has imported the snapshot: the exporter may go.
      if (++this.begun === this.tables.length) await this.releaseSnapshot();
    };
    try {
      for await (const batch of this.source.read(this.select(table), signal, this.snapshot?.id)) {
        await began();
        yield { ...batch, table: table.name, checkpoint: { table: table.name, ...batch.checkpoint } };
      }
    } finally {
      await began();
    }
  }

  /** Every column but generated ones, from the table quoted part by part. */
  private select(table: CopiedTable): string {
    const { quoteIdent } = this.source;
    const info = table.schema.table;
    const from =
      info.schema === undefined
        ? quoteIdent(info.name)
        : `${quoteIdent(info.schema)}.${quoteIdent(info.name)}`;
    const columns = table.columns.length > 0 ? table.columns.map((c) => quoteIdent(c.name)).join(', ') : '*';
    return `SELECT ${columns} FROM ${from}`;
  }

  private async releaseSnapshot(): Promise<void> {
    const snapshot = this.snapshot;
    this.snapshot = undefined;
    await snapshot?.release();
  }
}
