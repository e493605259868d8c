import { sql, type Kysely, type Selectable } from 'kysely';
import type { ForeignKeyInfo, IndexInfo } from '../../connectors/shared/sql/introspection';
import type {
  CatalogColumn,
  CatalogConnection,
  CatalogDatabase,
  CatalogSearchHit,
  CatalogTable,
  ScanChanges,
  ScanLevel,
  ScanLog,
} from '../../src-shared/api/catalog-model';
import type { CatalogColumnsTable, CatalogTablesTable, Database, ScanLogsTable } from './database';

/*
 * The metadata catalog's tables (see migration 004_catalog): what scans found of each saved
 * connection, the scan logs, and the scan schedules. The scanner writes through the first group
 * of methods, the API reads through the second.
 */

/** A column as the catalog keeps it. */
export interface ColumnStructure {
  name: string;
  nativeType: string;
  /** The logical type. */
  type: string;
  nullable: boolean;
  default: string | null;
  comment: string | null;
  primaryKeyPosition: number | null;
  generated: boolean;
  autoIncrement: boolean;
  length: number | null;
  precision: number | null;
  scale: number | null;
}

/** What a level-3 scan reads of a table: what the catalog compares between scans. */
export interface TableStructure {
  kind: 'table' | 'view';
  comment: string | null;
  columns: ColumnStructure[];
  primaryKey: string[];
  indexes: IndexInfo[];
  foreignKeys: ForeignKeyInfo[];
}

export interface StoredDatabase {
  id: string;
  name: string;
  markersAsOf: string | null;
  removedAt: string | null;
}

/** A table row as scans compare against it (columns apart). */
export interface StoredTable {
  id: string;
  schemaName: string | null;
  name: string;
  kind: 'table' | 'view';
  comment: string | null;
  signature: string | null;
  structureHash: string | null;
  sourceChangedAt: string | null;
  removedAt: string | null;
  primaryKey: string[];
  indexes: IndexInfo[];
  foreignKeys: ForeignKeyInfo[];
}

/** A table as a listing (level 2) found it. */
export interface ListedTable {
  /** The stored row it updates; absent for a table seen for the first time. */
  id?: string;
  schemaName: string | null;
  name: string;
  kind: 'table' | 'view';
  rowEstimate: number | null;
  comment: string | null;
  sourceChangedAt: string | null;
  sourceUpdatedAt: string | null;
}

/** A table as a level-3 scan read it. */
export interface DescribedTable {
  id: string;
  signature: string | null;
  structureHash: string;
  structure: TableStructure;
}

/** What a scan log row may change to as the scan goes. */
export type ScanLogChanges = Partial<
  Pick<
    Selectable<ScanLogsTable>,
    'status' | 'finished_at' | 'tables_total' | 'tables_done' | 'tables_read' | 'attempts' | 'error'
  > & { changes: ScanChanges | null }
>;

/** A table of the catalog with the names of its database and connection (what a detail page shows). */
export interface TableWithContext extends CatalogTable {
  connection: { id: string; name: string; type: string };
  primaryKey: string[];
  indexes: IndexInfo[];
  foreignKeys: ForeignKeyInfo[];
  firstSeenAt: string;
  sourceChangedAt: string | null;
  sourceUpdatedAt: string | null;
}

/** Rows written per INSERT statement (SQLite allows 32766 bound values per statement). */
const INSERT_CHUNK = 500;

const json = <T>(text: string | null, fallback: T): T => (text === null ? fallback : (JSON.parse(text) as T));

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A table's qualified name as a pipeline writes it. */
export function qualified(schemaName: string | null, name: string): string {
  return schemaName === null ? name : `${schemaName}.${name}`;
}

/** `%text%` for LIKE, its wildcards escaped with a backslash, lower-cased (matches are case-insensitive). */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

function toScanLog(row: Selectable<ScanLogsTable>): ScanLog {
  return {
    id: row.id,
    connection_id: row.datasource_id,
    triggered_by: row.triggered_by,
    mode: row.mode,
    level: row.level as ScanLevel,
    status: row.status,
    started_at: row.started_at,
    finished_at: row.finished_at,
    tables_total: row.tables_total === null ? null : Number(row.tables_total),
    tables_done: Number(row.tables_done),
    tables_read: Number(row.tables_read),
    attempts: Number(row.attempts),
    error: row.error,
    changes: json<ScanChanges | null>(row.summary, null),
  };
}

function toStoredTable(row: Selectable<CatalogTablesTable>): StoredTable {
  return {
    id: row.id,
    schemaName: row.schema_name,
    name: row.name,
    kind: row.kind,
    comment: row.comment,
    signature: row.signature,
    structureHash: row.structure_hash,
    sourceChangedAt: row.source_changed_at,
    removedAt: row.removed_at,
    primaryKey: json(row.primary_key, []),
    indexes: json(row.indexes, []),
    foreignKeys: json(row.foreign_keys, []),
  };
}

function toColumnStructure(row: Selectable<CatalogColumnsTable>): ColumnStructure {
  const count = (value: number | null) => (value === null ? null : Number(value));
  return {
    name: row.name,
    nativeType: row.native_type,
    type: row.logical_type,
    nullable: Number(row.nullable) === 1,
    default: row.default_value,
    comment: row.comment,
    primaryKeyPosition: count(row.primary_key_position),
    generated: Number(row.generated) === 1,
    autoIncrement: Number(row.auto_increment) === 1,
    length: count(row.length),
    precision: count(row.precision),
    scale: count(row.scale),
  };
}

/** The API's view of a stored column. */
export function catalogColumn(column: ColumnStructure, ordinal: number): CatalogColumn {
  return {
    ordinal,
    name: column.name,
    native_type: column.nativeType,
    type: column.type,
    nullable: column.nullable,
    default: column.default,
    comment: column.comment,
    primary_key_position: column.primaryKeyPosition,
    generated: column.generated,
    auto_increment: column.autoIncrement,
  };
}

/** The catalog tables of the metadata store. */
export class CatalogRepo {
  constructor(private readonly db: Kysely<Database>) {}

  // ---- what scans write ----

  /** Every database of the connection the catalog knows, removed ones included. */
  async databasesOf(connectionId: string): Promise<StoredDatabase[]> {
    const rows = await this.db
      .selectFrom('catalog_databases')
      .select(['id', 'name', 'markers_as_of', 'removed_at'])
      .where('datasource_id', '=', connectionId)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      markersAsOf: r.markers_as_of,
      removedAt: r.removed_at,
    }));
  }

  async insertDatabase(id: string, connectionId: string, name: string, now: string): Promise<void> {
    await this.db
      .insertInto('catalog_databases')
      .values({ id, datasource_id: connectionId, name, first_seen_at: now, last_scanned_at: now })
      .execute();
  }

  /** Found again by a scan: listed, and no longer removed. */
  async markDatabasesSeen(ids: string[], now: string): Promise<void> {
    for (const part of chunks(ids, INSERT_CHUNK)) {
      await this.db
        .updateTable('catalog_databases')
        .set({ last_scanned_at: now, removed_at: null })
        .where('id', 'in', part)
        .execute();
    }
  }

  /** No longer found: the databases and every table in them are marked removed. */
  async markDatabasesRemoved(ids: string[], now: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('catalog_databases').set({ removed_at: now }).where('id', 'in', ids).execute();
      await trx
        .updateTable('catalog_tables')
        .set({ removed_at: now })
        .where('database_id', 'in', ids)
        .where('removed_at', 'is', null)
        .execute();
    });
  }

  async setMarkersAsOf(databaseId: string, asOf: string | null): Promise<void> {
    await this.db
      .updateTable('catalog_databases')
      .set({ markers_as_of: asOf })
      .where('id', '=', databaseId)
      .execute();
  }

  /** Every table of the database the catalog knows, removed ones included. */
  async tablesOf(databaseId: string): Promise<StoredTable[]> {
    const rows = await this.db
      .selectFrom('catalog_tables')
      .selectAll()
      .where('database_id', '=', databaseId)
      .execute();
    return rows.map(toStoredTable);
  }

  /**
   * Stores what a listing found: new tables inserted under `newId()`, known ones updated (and
   * no longer removed). Returns the id of every listed table by name.
   */
  async saveListing(
    databaseId: string,
    tables: ListedTable[],
    now: string,
    newId: () => string,
  ): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    await this.db.transaction().execute(async (trx) => {
      const fresh = tables.filter((t) => t.id === undefined);
      for (const part of chunks(fresh, INSERT_CHUNK)) {
        await trx
          .insertInto('catalog_tables')
          .values(
            part.map((t) => {
              const id = newId();
              ids.set(t.name, id);
              return {
                id,
                database_id: databaseId,
                schema_name: t.schemaName,
                name: t.name,
                kind: t.kind,
                row_estimate: t.rowEstimate,
                comment: t.comment,
                source_changed_at: t.sourceChangedAt,
                source_updated_at: t.sourceUpdatedAt,
                first_seen_at: now,
                last_scanned_at: now,
              };
            }),
          )
          .execute();
      }
      for (const t of tables) {
        if (t.id === undefined) continue;
        ids.set(t.name, t.id);
        await trx
          .updateTable('catalog_tables')
          .set({
            schema_name: t.schemaName,
            kind: t.kind,
            row_estimate: t.rowEstimate,
            comment: t.comment,
            source_changed_at: t.sourceChangedAt,
            source_updated_at: t.sourceUpdatedAt,
            last_scanned_at: now,
            removed_at: null,
          })
          .where('id', '=', t.id)
          .execute();
      }
    });
    return ids;
  }

  async markTablesRemoved(ids: string[], now: string): Promise<void> {
    for (const part of chunks(ids, INSERT_CHUNK)) {
      await this.db.updateTable('catalog_tables').set({ removed_at: now }).where('id', 'in', part).execute();
    }
  }

  /** The stored columns of the tables, in order, by table id. */
  async columnsOf(tableIds: string[]): Promise<Map<string, ColumnStructure[]>> {
    const byTable = new Map<string, ColumnStructure[]>(tableIds.map((id) => [id, []]));
    for (const part of chunks(tableIds, INSERT_CHUNK)) {
      const rows = await this.db
        .selectFrom('catalog_columns')
        .selectAll()
        .where('table_id', 'in', part)
        .orderBy('table_id')
        .orderBy('ordinal')
        .execute();
      for (const row of rows) byTable.get(row.table_id)?.push(toColumnStructure(row));
    }
    return byTable;
  }

  /** Stores what a level-3 scan read of tables: their keys and indexes, and their columns replaced. */
  async saveDescribed(tables: DescribedTable[], now: string): Promise<void> {
    if (tables.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const t of tables) {
        const s = t.structure;
        await trx
          .updateTable('catalog_tables')
          .set({
            kind: s.kind,
            comment: s.comment,
            signature: t.signature,
            structure_hash: t.structureHash,
            primary_key: JSON.stringify(s.primaryKey),
            indexes: JSON.stringify(s.indexes),
            foreign_keys: JSON.stringify(s.foreignKeys),
            described_at: now,
          })
          .where('id', '=', t.id)
          .execute();
      }
      const ids = tables.map((t) => t.id);
      for (const part of chunks(ids, INSERT_CHUNK))
        await trx.deleteFrom('catalog_columns').where('table_id', 'in', part).execute();
      const rows = tables.flatMap((t) =>
        t.structure.columns.map((c, i) => ({
          table_id: t.id,
          name: c.name,
          ordinal: i + 1,
          native_type: c.nativeType,
          logical_type: c.type,
          nullable: c.nullable ? 1 : 0,
          default_value: c.default,
          comment: c.comment,
          primary_key_position: c.primaryKeyPosition,
          generated: c.generated ? 1 : 0,
          auto_increment: c.autoIncrement ? 1 : 0,
          length: c.length,
          precision: c.precision,
          scale: c.scale,
        })),
      );
      for (const part of chunks(rows, INSERT_CHUNK))
        await trx.insertInto('catalog_columns').values(part).execute();
    });
  }

  /** Read again and found as stored: only when, and under which change marker. */
  async touchDescribed(tables: { id: string; signature: string | null }[], now: string): Promise<void> {
    if (tables.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const t of tables) {
        await trx
          .updateTable('catalog_tables')
          .set({ signature: t.signature, described_at: now })
          .where('id', '=', t.id)
          .execute();
      }
    });
  }

  // ---- scan logs ----

  async insertScan(scan: {
    id: string;
    connectionId: string;
    triggeredBy: ScanLog['triggered_by'];
    mode: ScanLog['mode'];
    level: ScanLevel;
    startedAt: string;
  }): Promise<ScanLog> {
    const row = await this.db
      .insertInto('scan_logs')
      .values({
        id: scan.id,
        datasource_id: scan.connectionId,
        triggered_by: scan.triggeredBy,
        mode: scan.mode,
        level: scan.level,
        status: 'running',
        started_at: scan.startedAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toScanLog(row);
  }

  async updateScan(id: string, changes: ScanLogChanges): Promise<void> {
    const { changes: summary, ...columns } = changes;
    await this.db
      .updateTable('scan_logs')
      .set({
        ...columns,
        ...(summary !== undefined ? { summary: summary === null ? null : JSON.stringify(summary) } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  async getScan(id: string): Promise<ScanLog | undefined> {
    const row = await this.db.selectFrom('scan_logs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toScanLog(row);
  }

  /** Newest first. */
  async listScans(options: { connectionId?: string; limit: number }): Promise<ScanLog[]> {
    let query = this.db.selectFrom('scan_logs').selectAll();
    if (options.connectionId !== undefined) query = query.where('datasource_id', '=', options.connectionId);
    const rows = await query
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(options.limit)
      .execute();
    return rows.map(toScanLog);
  }

  /** Marks scans left running by a host that stopped (a crash, a kill) failed; returns how many. */
  async failRunningScans(error: string, now: string): Promise<number> {
    const result = await this.db
      .updateTable('scan_logs')
      .set({ status: 'failed', error, finished_at: now })
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  // ---- schedules ----

  async scanInterval(connectionId: string): Promise<number | null> {
    const row = await this.db
      .selectFrom('catalog_settings')
      .select('scan_interval_minutes')
      .where('datasource_id', '=', connectionId)
      .executeTakeFirst();
    return row?.scan_interval_minutes ?? null;
  }

  async setScanInterval(connectionId: string, minutes: number | null, now: string): Promise<void> {
    await this.db
      .insertInto('catalog_settings')
      .values({ datasource_id: connectionId, scan_interval_minutes: minutes, updated_at: now })
      .onConflict((oc) =>
        oc.column('datasource_id').doUpdateSet({ scan_interval_minutes: minutes, updated_at: now }),
      )
      .execute();
  }

  /** Every connection with a scan schedule. */
  async schedules(): Promise<{ connectionId: string; minutes: number }[]> {
    const rows = await this.db
      .selectFrom('catalog_settings')
      .select(['datasource_id', 'scan_interval_minutes'])
      .where('scan_interval_minutes', 'is not', null)
      .execute();
    return rows.map((r) => ({ connectionId: r.datasource_id, minutes: Number(r.scan_interval_minutes) }));
  }

  // ---- what the API reads ----

  /** Every saved connection with counts of what the catalog holds and its latest scan. */
  async connections(): Promise<CatalogConnection[]> {
    const rows = await this.db
      .selectFrom('datasources as d')
      .leftJoin('catalog_settings as s', 's.datasource_id', 'd.id')
      .select((eb) => [
        'd.id',
        'd.name',
        'd.type',
        's.scan_interval_minutes',
        eb
          .selectFrom('catalog_databases as cd')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('cd.datasource_id', '=', 'd.id')
          .where('cd.removed_at', 'is', null)
          .as('database_count'),
        eb
          .selectFrom('catalog_tables as ct')
          .innerJoin('catalog_databases as cd', 'cd.id', 'ct.database_id')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('cd.datasource_id', '=', 'd.id')
          .where('cd.removed_at', 'is', null)
          .where('ct.removed_at', 'is', null)
          .as('table_count'),
        eb
          .selectFrom('scan_logs as l')
          .select('l.id')
          .whereRef('l.datasource_id', '=', 'd.id')
          .orderBy('l.started_at', 'desc')
          .orderBy('l.id', 'desc')
          .limit(1)
          .as('last_scan_id'),
      ])
      .orderBy('d.name')
      .execute();
    const lastIds = rows.flatMap((r) => (r.last_scan_id ? [r.last_scan_id] : []));
    const scans =
      lastIds.length === 0
        ? []
        : await this.db.selectFrom('scan_logs').selectAll().where('id', 'in', lastIds).execute();
    const scanById = new Map(scans.map((s) => [s.id, toScanLog(s)]));
    return rows.map((r) => ({
      connection_id: r.id,
      name: r.name,
      type: r.type,
      database_count: Number(r.database_count ?? 0),
      table_count: Number(r.table_count ?? 0),
      last_scan: (r.last_scan_id && scanById.get(r.last_scan_id)) || null,
      scan_interval_minutes: r.scan_interval_minutes === null ? null : Number(r.scan_interval_minutes),
    }));
  }

  async databaseList(connectionId: string, includeRemoved: boolean): Promise<CatalogDatabase[]> {
    let query = this.db
      .selectFrom('catalog_databases as cd')
      .select((eb) => [
        'cd.id',
        'cd.name',
        'cd.last_scanned_at',
        'cd.removed_at',
        eb
          .selectFrom('catalog_tables as ct')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('ct.database_id', '=', 'cd.id')
          .where('ct.removed_at', 'is', null)
          .where('ct.kind', '=', 'table')
          .as('table_count'),
        eb
          .selectFrom('catalog_tables as ct')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('ct.database_id', '=', 'cd.id')
          .where('ct.removed_at', 'is', null)
          .where('ct.kind', '=', 'view')
          .as('view_count'),
      ])
      .where('cd.datasource_id', '=', connectionId);
    if (!includeRemoved) query = query.where('cd.removed_at', 'is', null);
    const rows = await query.orderBy('cd.name').execute();
    return rows.map((r) => ({
      id: r.id,
      connection_id: connectionId,
      name: r.name,
      table_count: Number(r.table_count ?? 0),
      view_count: Number(r.view_count ?? 0),
      last_scanned_at: r.last_scanned_at,
      removed_at: r.removed_at,
    }));
  }

  /** A saved connection's name and type; undefined when there is none with that id. */
  async connection(id: string): Promise<{ id: string; name: string; type: string } | undefined> {
    return this.db
      .selectFrom('datasources')
      .select(['id', 'name', 'type'])
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async databaseExists(id: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('catalog_databases')
      .select('id')
      .where('id', '=', id)
      .executeTakeFirst();
    return row !== undefined;
  }

  private tablesQuery() {
    return this.db
      .selectFrom('catalog_tables as ct')
      .innerJoin('catalog_databases as cd', 'cd.id', 'ct.database_id')
      .selectAll('ct')
      .select((eb) => [
        'cd.name as database_name',
        eb
          .selectFrom('catalog_columns as cc')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('cc.table_id', '=', 'ct.id')
          .as('column_count'),
      ]);
  }

  private static toCatalogTable(
    row: Selectable<CatalogTablesTable> & { database_name: string; column_count: number | null },
  ): CatalogTable {
    return {
      id: row.id,
      database_id: row.database_id,
      database: row.database_name,
      name: row.name,
      qualified_name: qualified(row.schema_name, row.name),
      kind: row.kind,
      row_estimate: row.row_estimate === null ? null : Number(row.row_estimate),
      comment: row.comment,
      column_count: Number(row.column_count ?? 0),
      last_scanned_at: row.last_scanned_at,
      described_at: row.described_at,
      removed_at: row.removed_at,
    };
  }

  async tableList(databaseId: string, includeRemoved: boolean): Promise<CatalogTable[]> {
    let query = this.tablesQuery().where('ct.database_id', '=', databaseId);
    if (!includeRemoved) query = query.where('ct.removed_at', 'is', null);
    const rows = await query.orderBy('ct.name').execute();
    return rows.map((r) => CatalogRepo.toCatalogTable(r));
  }

  /** One table with where it lives and its columns; undefined when there is none with that id. */
  async tableDetail(
    id: string,
  ): Promise<{ table: TableWithContext; columns: ColumnStructure[] } | undefined> {
    const row = await this.tablesQuery()
      .innerJoin('datasources as d', 'd.id', 'cd.datasource_id')
      .select(['d.id as connection_id', 'd.name as connection_name', 'd.type as connection_type'])
      .where('ct.id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    const columns = (await this.columnsOf([id])).get(id) ?? [];
    return {
      table: {
        ...CatalogRepo.toCatalogTable(row),
        connection: { id: row.connection_id, name: row.connection_name, type: row.connection_type },
        primaryKey: json(row.primary_key, []),
        indexes: json(row.indexes, []),
        foreignKeys: json(row.foreign_keys, []),
        firstSeenAt: row.first_seen_at,
        sourceChangedAt: row.source_changed_at,
        sourceUpdatedAt: row.source_updated_at,
      },
      columns,
    };
  }

  /**
   * Tables and columns whose name or comment contains `text` (case-insensitive), of tables and
   * databases not removed: name matches first, then the shorter names (closer matches).
   */
  async search(text: string, options: { connectionId?: string; limit: number }): Promise<CatalogSearchHit[]> {
    const pattern = containsPattern(text);
    const like = (column: string) => sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
    const base = () => {
      let query = this.db
        .selectFrom('catalog_tables as ct')
        .innerJoin('catalog_databases as cd', 'cd.id', 'ct.database_id')
        .innerJoin('datasources as d', 'd.id', 'cd.datasource_id')
        .where('ct.removed_at', 'is', null)
        .where('cd.removed_at', 'is', null);
      if (options.connectionId !== undefined) query = query.where('d.id', '=', options.connectionId);
      return query;
    };
    const context = [
      'd.id as connection_id',
      'd.name as connection_name',
      'cd.name as database_name',
      'ct.id as table_id',
      'ct.schema_name',
      'ct.name as table_name',
      'ct.kind',
    ] as const;
    const tables = await base()
      .select([...context, 'ct.comment'])
      .where((eb) => eb.or([like('ct.name'), like('ct.comment')]))
      .limit(options.limit)
      .execute();
    const columns = await base()
      .innerJoin('catalog_columns as cc', 'cc.table_id', 'ct.id')
      .select([...context, 'cc.name as column_name', 'cc.native_type', 'cc.comment'])
      .where((eb) => eb.or([like('cc.name'), like('cc.comment')]))
      .limit(options.limit)
      .execute();
    const needle = text.toLowerCase();
    type Row = (typeof tables)[number];
    /** A hit on a table (column absent) or on one of its columns, ranked name matches first, then shorter names. */
    const hit = (r: Row, column?: { name: string; native_type: string; comment: string | null }) => {
      const name = column?.name ?? r.table_name;
      const byName = name.toLowerCase().includes(needle);
      return {
        kind: column ? ('column' as const) : ('table' as const),
        connection_id: r.connection_id,
        connection_name: r.connection_name,
        database: r.database_name,
        table_id: r.table_id,
        table: qualified(r.schema_name, r.table_name),
        table_kind: r.kind,
        column: column?.name ?? null,
        native_type: column?.native_type ?? null,
        matched: byName ? ('name' as const) : ('comment' as const),
        comment: column ? column.comment : r.comment,
        rank: [byName ? 0 : 1, name.length] as [number, number],
      };
    };
    const hits: (CatalogSearchHit & { rank: [number, number] })[] = [
      ...tables.map((r) => hit(r)),
      ...columns.map((r) => hit(r, { name: r.column_name, native_type: r.native_type, comment: r.comment })),
    ];
    hits.sort(
      (a, b) =>
        a.rank[0] - b.rank[0] ||
        a.rank[1] - b.rank[1] ||
        a.connection_name.localeCompare(b.connection_name) ||
        a.table.localeCompare(b.table) ||
        (a.column ?? '').localeCompare(b.column ?? ''),
    );
    return hits.slice(0, options.limit).map(({ rank: _rank, ...hit }) => hit);
  }
}
