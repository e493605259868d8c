import type { Batch } from '../../../src-main/engine/batch';
import {
  FieldError,
  silentLogger,
  type Logger,
  type Output,
  type StreamDescription,
  type WriteResult,
} from '../../../src-main/engine/component';
import { formatCount } from '../../../src-shared/text/count';
import { isKeyedMode, isTablePattern, type SqlWriteSettings } from './config';
import {
  dependencyOrder,
  schemaFromColumns,
  type DdlTarget,
  type ForeignKeyInfo,
  type TableDdl,
  type TableSchema,
} from './introspection';

/*
 * The output side of a whole-database copy: `write.table` is a pattern (`*`, `staging.*`) and the
 * batches carry their source table's name (`Batch.table`). Before any row moves, `prepareStreams` creates
 * the missing target tables from the source's descriptions with the target connector's DDL
 * (columns, primary key, comments), in dependency order; rows then go to one writer per table (the
 * connector's own writer, so modes, retries and bad-row handling are the single-table ones); and
 * once every row is in, the indexes, foreign keys and sequence resets of the created tables are
 * built. Indexes come after loading on purpose, as pgloader does: filling a table and then
 * building each index once is much faster than updating every index row by row, and foreign keys
 * added last let the tables load in parallel, in any order.
 */

/** A connection to the target for DDL: opened for `prepareStreams` and again after loading, never held meanwhile. */
export interface SqlTargetSession {
  /** Whether the table exists (`name`, or `schema.name` / `database.name` as a config writes it). */
  tableExists(table: string): Promise<boolean>;
  /** Creates a PostgreSQL schema / MySQL database when missing (for `staging.*`). */
  ensureSchema?(schema: string): Promise<void>;
  /** Runs one statement; the error is the database's message. */
  run(sql: string): Promise<void>;
  /**
   * Where foreign keys can only be declared in CREATE TABLE (`SqlTarget.foreignKeysInCreateTable`):
   * replaces the loaded `table` by a copy made with `createTable` (its DDL, foreign keys included)
   * holding its rows; fails, leaving the table as it was, when rows break the foreign keys.
   */
  rebuildTable?(table: string, createTable: string): Promise<void>;
  close(): Promise<void>;
}

/** What a SQL connector provides for a whole-database copy into it. */
export interface SqlTarget {
  /** The database as messages name it: `PostgreSQL`, `MySQL`, `SQLite`. */
  name: string;
  /** Where the tables go, for messages: `database "warehouse"`, a file. */
  where: string;
  /** What `staging.*` names: a schema, a database; absent where there is one (SQLite: only `main.*`). */
  schemaTerm?: 'schema' | 'database';
  /**
   * True where foreign keys can only be declared in CREATE TABLE (SQLite) and the writers check
   * them: tables are created without them, so they load in any order, and rebuilt with them after
   * loading (`SqlTargetSession.rebuildTable`).
   */
  foreignKeysInCreateTable?: boolean;
  /** The connector's DDL for a table described by any database (its `ddl.ts`). */
  tableDdl(schema: TableSchema, target: DdlTarget): TableDdl;
  session(): Promise<SqlTargetSession>;
}

/** `write.table` as a pattern: the target of source table `orders` is `{schema}.{prefix}orders{suffix}`. */
export interface TablePattern {
  schema?: string;
  prefix: string;
  suffix: string;
}

/**
 * Parses `write.table` as a pattern: one `*` in the table part, standing for the source table's
 * name without its source schema; an optional schema (database) part before the first dot.
 */
export function parseTablePattern(pattern: string): TablePattern {
  const dot = pattern.indexOf('.');
  const schema = dot < 0 ? undefined : pattern.slice(0, dot);
  const name = dot < 0 ? pattern : pattern.slice(dot + 1);
  const star = name.indexOf('*');
  if (schema === '' || schema?.includes('*') || star < 0 || name.indexOf('*', star + 1) >= 0)
    throw new FieldError(
      'write.table',
      `"${pattern}" is not a table pattern: it takes one * for the source table's name, optionally after a schema ("*", "staging.*", "stg_*")`,
    );
  return {
    ...(schema !== undefined ? { schema } : {}),
    prefix: name.slice(0, star),
    suffix: name.slice(star + 1),
  };
}

/** The target table of source table `name` (without its source schema): `staging.*` + `orders` → `staging.orders`. */
export function targetTableName(pattern: TablePattern, name: string): string {
  const table = `${pattern.prefix}${name}${pattern.suffix}`;
  return pattern.schema === undefined ? table : `${pattern.schema}.${table}`;
}

/** True for a value shaped like the `TableSchema` the SQL inputs give as a stream's schema. */
function isTableSchema(value: unknown): value is TableSchema {
  const v = value as Partial<TableSchema> | null | undefined;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.table?.name === 'string' &&
    Array.isArray(v.columns) &&
    Array.isArray(v.primaryKey) &&
    Array.isArray(v.indexes) &&
    Array.isArray(v.foreignKeys)
  );
}

/**
 * The source's description narrowed to the columns the output is given (the processors may have
 * dropped, renamed or added some): a column kept as it is keeps its description (sizes, defaults,
 * auto-increment); another is described from its logical type. Keys and indexes stay where all
 * their columns do.
 */
export function alignSchema(schema: TableSchema, columns: StreamDescription['columns']): TableSchema {
  const described = new Map(schema.columns.map((c) => [c.name, c]));
  const fallback = schemaFromColumns(schema.table.name, columns, []).columns;
  const aligned = columns.map((c, i) => {
    const info = described.get(c.name);
    return info && info.type === c.type ? info : fallback[i];
  });
  const present = new Set(columns.map((c) => c.name));
  const all = (names: string[]) => names.every((n) => present.has(n));
  return {
    ...schema,
    columns: aligned,
    primaryKey: all(schema.primaryKey) ? schema.primaryKey : [],
    indexes: schema.indexes.filter((i) => all(i.columns)),
    foreignKeys: schema.foreignKeys.filter((f) => all(f.columns)),
  };
}

/** A writer's settings: what `write`, `conflict` and `pre_sql`/`post_sql` say, per table. */
export type WriterFactory<M extends string> = (settings: SqlWriteSettings<M>) => Output;

/**
 * The output a SQL connector's config makes: with a table pattern in `write.table`, a
 * `SqlTablesOutput` over `target`; with a table name, the connector's writer for that table, which
 * refuses an input that reads several tables, saying what to write instead.
 */
export function sqlOutput<M extends string>(
  settings: SqlWriteSettings<M>,
  target: SqlTarget,
  writer: WriterFactory<M>,
  logger: Logger = silentLogger,
): Output {
  if (!isTablePattern(settings.table)) return new SingleTableOutput(writer(settings), settings.table);
  const pattern = parseTablePattern(settings.table);
  if (pattern.schema !== undefined && target.schemaTerm === undefined && pattern.schema !== 'main')
    throw new FieldError(
      'write.table',
      `a ${target.name} database has no schemas: use "*" (or a prefix, "stg_*"), not "${settings.table}"`,
    );
  // SQLite's one database is `main`: `main.*` is `*`.
  const effective = target.schemaTerm === undefined ? { ...pattern, schema: undefined } : pattern;
  return new SqlTablesOutput(settings, effective, target, writer, logger);
}

/** One table's writer, which refuses a multi-table input (`prepareStreams`) instead of mixing tables in one. */
class SingleTableOutput implements Output {
  constructor(
    private readonly writer: Output,
    private readonly table: string,
  ) {}

  async prepareStreams(streams: StreamDescription[]): Promise<void> {
    throw new FieldError(
      'write.table',
      `the input reads ${streams.length} tables (query.tables): write.table must be a pattern such as "*" ` +
        `(each table under its source name) or "staging.*", not the name of one table ("${this.table}")`,
    );
  }

  write(batch: Batch, lane: number): Promise<void | WriteResult> {
    return this.writer.write(batch, lane);
  }

  close(error?: Error): Promise<string | void> {
    return this.writer.close(error);
  }
}

/** One source table and where it goes. */
interface Route {
  stream: string;
  /** The target table, as `tableDdl` and the writer take it. */
  target: string;
  schema: TableSchema;
  conflictKey: string[];
  /** Created by this run: its indexes, foreign keys and `afterLoad` are built after loading. */
  ddl?: {
    indexes: string[];
    foreignKeys: string[];
    deferredForeignKeys: string[];
    afterLoad: string[];
    /** Where foreign keys are declared in CREATE TABLE: the table's DDL with them, for the rebuild. */
    rebuild?: { createTable: string; foreignKeys: number };
  };
  writer?: Output;
  /** Lanes currently writing it (one: a table is read in one lane). */
  lanes: Set<number>;
  /** Its writer was closed after its last rows; rows arriving later open a new one. */
  finished: boolean;
  /** Rows its writers acknowledged as committed. */
  committed: number;
}

/** Work after loading: a statement (or a table rebuild, named by its CREATE TABLE). */
interface Step {
  sql: string;
  run(session: SqlTargetSession): Promise<void>;
}

/** A statement that failed after loading, with the database's message. */
interface Failure {
  sql: string;
  error: string;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const plural = (n: number, word: string, words = `${word}s`) => `${formatCount(n)} ${n === 1 ? word : words}`;

/**
 * Writes the tables of a multi-table input (`Batch.table`) into the tables `write.table`'s
 * pattern names, creating the missing ones first (`prepareStreams`) and building their indexes and
 * foreign keys last (`close`). A lane's batches of one table come together: when a lane moves on
 * to the next table, the previous one's writer is closed, so at most one connection per lane is
 * open however many tables there are.
 */
export class SqlTablesOutput<M extends string> implements Output {
  /** By stream name, in the input's order. */
  private readonly routes = new Map<string, Route>();
  /** The routes of the created tables, in dependency order. */
  private created: Route[] = [];
  private readonly laneRoute = new Map<number, Route>();
  private readonly notes: string[] = [];

  constructor(
    private readonly settings: SqlWriteSettings<M>,
    private readonly pattern: TablePattern,
    private readonly target: SqlTarget,
    private readonly writer: WriterFactory<M>,
    private readonly logger: Logger,
  ) {}

  async prepareStreams(streams: StreamDescription[]): Promise<void> {
    this.route(streams);
    const session = await this.target.session();
    try {
      for (const [i, sql] of this.settings.preSql.entries())
        await this.runOrThrow(session, sql, `pre_sql[${i}]`);
      const routes = [...this.routes.values()];
      const exists = new Map<Route, boolean>();
      for (const route of routes) exists.set(route, await session.tableExists(route.target));
      const missing = routes.filter((r) => !exists.get(r));
      if (missing.length > 0 && !this.settings.createTable)
        throw new FieldError(
          'write.create_table',
          `${plural(missing.length, 'table')} missing in ${this.target.name} ${this.target.where}: ` +
            `${missing.map((r) => r.target).join(', ')} (set write.create_table: true to create them)`,
        );
      if (missing.length === 0) return;
      if (this.pattern.schema !== undefined) await session.ensureSchema?.(this.pattern.schema);
      const order = dependencyOrder(routes.map((r) => r.schema));
      const deferred = new Set<ForeignKeyInfo>(order.deferred.map((d) => d.foreignKey));
      const bySchema = new Map(routes.map((r) => [r.schema, r]));
      for (const schema of order.tables) {
        const route = bySchema.get(schema);
        if (!route || exists.get(route)) continue;
        await this.create(session, route, deferred);
      }
      this.logger.info(
        `created ${plural(this.created.length, 'table')} in ${this.target.name} ${this.target.where}; their indexes and foreign keys are built after loading`,
      );
    } finally {
      await session.close();
    }
  }

  async write(batch: Batch, lane: number): Promise<void | WriteResult> {
    const route = this.routeOf(batch);
    const current = this.laneRoute.get(lane);
    if (current !== route) {
      // The lane is done with its previous table: release its writer (and connection) now.
      if (current) {
        current.lanes.delete(lane);
        if (current.lanes.size === 0) await this.finishTable(current);
      }
      route.lanes.add(lane);
      this.laneRoute.set(lane, route);
    }
    route.writer ??= this.openWriter(route);
    const result = await route.writer.write(batch, lane);
    route.committed += batch.rows.length - (result?.rejected.length ?? 0);
    return result;
  }

  /** Its note has a line per thing to know (per table, after a failure). */
  async close(error?: Error): Promise<string | void> {
    const notes = error ? await this.closeAfterFailure(error) : await this.complete();
    return notes.length > 0 ? notes.join('\n') : undefined;
  }

  /** Routes every stream to its target table, refusing two that would land in one. */
  private route(streams: StreamDescription[]): void {
    const byTarget = new Map<string, string>();
    const keyless: string[] = [];
    const keyed = isKeyedMode(this.settings.mode);
    for (const stream of streams) {
      const schema = isTableSchema(stream.schema)
        ? alignSchema(stream.schema, stream.columns)
        : schemaFromColumns(stream.name, stream.columns, []);
      const target = targetTableName(this.pattern, schema.table.name);
      const other = byTarget.get(target.toLowerCase());
      if (other !== undefined)
        throw new FieldError(
          'write.table',
          `tables "${other}" and "${stream.name}" would both be written to "${target}": exclude one (query.exclude) or copy them in separate jobs`,
        );
      byTarget.set(target.toLowerCase(), stream.name);
      // Without conflict.key, each table's own primary key identifies its rows.
      const conflictKey =
        this.settings.conflictKey.length > 0 ? this.settings.conflictKey : schema.primaryKey;
      if (keyed && conflictKey.length === 0) keyless.push(stream.name);
      this.routes.set(stream.name, {
        stream: stream.name,
        target,
        schema,
        conflictKey,
        lanes: new Set(),
        finished: false,
        committed: 0,
      });
    }
    if (keyless.length > 0)
      throw new FieldError(
        'conflict.key',
        `${this.settings.mode} finds rows by their table's primary key, and ${keyless.map((n) => `"${n}"`).join(', ')} ` +
          `${keyless.length === 1 ? 'has' : 'have'} none: set conflict.key, or use mode insert`,
      );
  }

  /** CREATE TABLE and its comments now; its indexes, foreign keys and `afterLoad` kept for after loading. */
  private async create(
    session: SqlTargetSession,
    route: Route,
    deferred: Set<ForeignKeyInfo>,
  ): Promise<void> {
    const foreignKeys: ForeignKeyInfo[] = [];
    for (const fk of route.schema.foreignKeys) {
      const referenced = this.referencedRoute(route.schema, fk);
      const table = referenced?.target ?? targetTableName(this.pattern, fk.refTable);
      if (referenced || (await session.tableExists(table))) foreignKeys.push(fk);
      else {
        const note = `foreign key ${fk.name} of ${route.target} is not created: it references ${fk.refTable}, which is not copied and does not exist in the target`;
        this.notes.push(note);
        this.logger.warn(note);
      }
    }
    const target: DdlTarget = {
      table: route.target,
      referencedTable: (fk) =>
        this.referencedRoute(route.schema, fk)?.target ?? targetTableName(this.pattern, fk.refTable),
    };
    const schema = { ...route.schema, foreignKeys };
    const rebuilt = this.target.foreignKeysInCreateTable === true && foreignKeys.length > 0;
    const ddl = this.target.tableDdl(rebuilt ? { ...schema, foreignKeys: [] } : schema, target);
    for (const sql of [ddl.createTable, ...ddl.comments])
      await this.runOrThrow(session, sql, `creating table ${route.target}`);
    const rebuild = rebuilt
      ? { createTable: this.target.tableDdl(schema, target).createTable, foreignKeys: foreignKeys.length }
      : undefined;
    const subset = (keep: (fk: ForeignKeyInfo) => boolean) =>
      this.target.tableDdl({ ...schema, foreignKeys: foreignKeys.filter(keep) }, target).foreignKeys;
    route.ddl = {
      indexes: ddl.indexes,
      foreignKeys: subset((fk) => !deferred.has(fk)),
      deferredForeignKeys: subset((fk) => deferred.has(fk)),
      afterLoad: ddl.afterLoad,
      ...(rebuild ? { rebuild } : {}),
    };
    this.created.push(route);
  }

  /** The copied table a foreign key references, as `dependencyOrder` finds it. */
  private referencedRoute(from: TableSchema, fk: ForeignKeyInfo): Route | undefined {
    const routes = [...this.routes.values()];
    const schema = fk.refSchema ?? from.table.schema;
    const exact = routes.find((r) => r.schema.table.name === fk.refTable && r.schema.table.schema === schema);
    if (exact || fk.refSchema !== undefined) return exact;
    const named = routes.filter((r) => r.schema.table.name === fk.refTable);
    return named.length === 1 ? named[0] : undefined;
  }

  private routeOf(batch: Batch): Route {
    if (batch.table === undefined)
      throw new FieldError(
        'write.table',
        `"${this.settings.table}" is a table pattern: it takes an input that reads several tables (query.tables), not one table or query`,
      );
    const route = this.routes.get(batch.table);
    if (!route) throw new Error(`rows of table "${batch.table}", which the input did not announce`);
    return route;
  }

  /** The connector's writer for one existing table; a table written again after it was finished is not emptied twice. */
  private openWriter(route: Route): Output {
    const mode =
      route.finished && this.settings.mode === 'truncate_insert' ? ('insert' as M) : this.settings.mode;
    route.finished = false;
    return this.writer({
      ...this.settings,
      table: route.target,
      mode,
      createTable: false,
      conflictKey: route.conflictKey,
      // Run once for the whole copy, by this output.
      preSql: [],
      postSql: [],
    });
  }

  private async finishTable(route: Route): Promise<void> {
    const writer = route.writer;
    route.writer = undefined;
    route.finished = true;
    await writer?.close();
  }

  /** After every row is in: close the writers, then build indexes, foreign keys and sequences, then post_sql. */
  private async complete(): Promise<string[]> {
    const routes = [...this.routes.values()];
    let failure: unknown;
    for (const route of routes) {
      try {
        // truncate_insert empties a table even when no row came for it: its writer does that on close.
        if (!route.writer && !route.finished && this.settings.mode === 'truncate_insert' && !route.ddl)
          route.writer = this.openWriter(route);
        if (route.writer) {
          const writer = route.writer;
          route.writer = undefined;
          route.finished = true;
          if (failure === undefined) await writer.close();
          else await writer.close(failure instanceof Error ? failure : new Error(String(failure)));
        }
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
    const started = performance.now();

    // Where foreign keys live in CREATE TABLE, the tables are rebuilt with them before their
    // indexes are built (a rebuild drops a table's indexes); elsewhere they are added last.
    const created = this.created;
    const statements = (pick: (ddl: NonNullable<Route['ddl']>) => string[]): Step[] =>
      created.flatMap((r) => (r.ddl ? pick(r.ddl) : [])).map((sql) => ({ sql, run: (s) => s.run(sql) }));
    const rebuilds: Step[] = created.flatMap(({ target, ddl }) => {
      const rebuild = ddl?.rebuild;
      if (!rebuild) return [];
      return [
        {
          sql: rebuild.createTable,
          run: async (session: SqlTargetSession) => {
            if (!session.rebuildTable) throw new Error(`${this.target.name} cannot rebuild a table`);
            await session.rebuildTable(target, rebuild.createTable);
          },
        },
      ];
    });
    const indexes = statements((d) => d.indexes);
    const foreignKeys = [...statements((d) => d.foreignKeys), ...statements((d) => d.deferredForeignKeys)];
    const resets = statements((d) => d.afterLoad);
    const steps: { what: string; steps: Step[] }[] = [
      ...(rebuilds.length > 0 ? [{ what: 'tables with their foreign keys (rebuilt)', steps: rebuilds }] : []),
      { what: 'indexes', steps: indexes },
      { what: 'foreign keys', steps: foreignKeys },
      { what: 'sequence resets', steps: resets },
    ];
    const total = steps.reduce((n, s) => n + s.steps.length, 0);
    if (total > 0 || this.settings.postSql.length > 0) await this.afterLoading(steps, total);
    const foreignKeyCount =
      foreignKeys.length + created.reduce((n, r) => n + (r.ddl?.rebuild?.foreignKeys ?? 0), 0);
    if (created.length > 0) {
      const built = [plural(indexes.length, 'index', 'indexes'), plural(foreignKeyCount, 'foreign key')];
      if (resets.length > 0) built.push(plural(resets.length, 'sequence reset'));
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      this.notes.push(
        `created ${plural(created.length, 'table')} before loading; after loading built ` +
          `${built.slice(0, -1).join(', ')} and ${built[built.length - 1]} in ${seconds} s`,
      );
    }
    return this.notes;
  }

  /** Runs the work after loading, reporting every statement that fails, then post_sql. */
  private async afterLoading(steps: { what: string; steps: Step[] }[], total: number): Promise<void> {
    const failures: Failure[] = [];
    const session = await this.target.session();
    try {
      for (const { what, steps: list } of steps) {
        if (list.length === 0) continue;
        this.logger.info(`building ${formatCount(list.length)} ${what}`);
        // One failure does not stop the others: every statement that fails is reported.
        for (const step of list) {
          try {
            await step.run(session);
          } catch (error) {
            failures.push({ sql: step.sql, error: messageOf(error) });
          }
        }
      }
      if (failures.length > 0) {
        const list = failures.map((f) => `\n  ${f.sql}\n    → ${f.error}`).join('');
        throw new Error(
          `every row was loaded, but ${failures.length} of ${total} statements after loading failed in ` +
            `${this.target.name} ${this.target.where}:${list}`,
        );
      }
      for (const [i, sql] of this.settings.postSql.entries())
        await this.runOrThrow(session, sql, `post_sql[${i}]`);
    } finally {
      await session.close();
    }
  }

  /** The run failed: close every open writer with the error and say, per table, what was committed. */
  private async closeAfterFailure(error: Error): Promise<string[]> {
    const notes = [...this.notes];
    const complete: string[] = [];
    const untouched: string[] = [];
    for (const route of this.routes.values()) {
      if (route.writer) {
        const writer = route.writer;
        route.writer = undefined;
        try {
          const note = await writer.close(error);
          if (note) notes.push(note);
        } catch (closing) {
          notes.push(`closing the writer of table ${route.target} failed: ${messageOf(closing)}`);
        }
      } else if (route.finished) complete.push(`${route.target} (${plural(route.committed, 'row')})`);
      else untouched.push(route.target);
    }
    const where = `${this.target.name} ${this.target.where}`;
    if (complete.length > 0)
      notes.push(`tables loaded completely in ${where} before the run stopped: ${complete.join(', ')}`);
    if (untouched.length > 0 && untouched.length < this.routes.size)
      notes.push(`tables that received no rows before the run stopped: ${untouched.join(', ')}`);
    if (this.created.length > 0)
      notes.push(
        `the indexes and foreign keys of the ${plural(this.created.length, 'table')} created in ${where} were not built, as the run stopped`,
      );
    return notes;
  }

  private async runOrThrow(session: SqlTargetSession, sql: string, what: string): Promise<void> {
    try {
      await session.run(sql);
    } catch (error) {
      throw new Error(
        `${what} failed in ${this.target.name} ${this.target.where}: ${messageOf(error)}\n${sql}`,
        {
          cause: error,
        },
      );
    }
  }
}
