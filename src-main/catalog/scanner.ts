import {
  qualifiedName,
  type Introspector,
  type TableInfo,
  type TableMarkers,
  type TableSchema,
} from '../../connectors/shared/sql/introspection';
import type { ScanLevel, ScanMode } from '../../src-shared/api/catalog-model';
import {
  qualified,
  type CatalogRepo,
  type DescribedTable,
  type ListedTable,
  type StoredDatabase,
  type StoredTable,
} from '../store/catalog-repo';
import { readReason } from './change-detection';
import type { ScanChangeCollector } from './scan-changes';
import { diffStructure, structureHash, structureOf } from './structure';

/*
 * One attempt at scanning a connection into the catalog, level by level: its databases (1), their
 * tables and views (2), and their columns, keys and indexes (3), read in batches by the
 * connector's bulk catalog queries where it has them.
 */

/** Where a scan is: tables found (null until every database is listed), handled, and read in detail. */
export interface ScanProgress {
  tablesTotal: number | null;
  tablesDone: number;
  tablesRead: number;
}

export interface ScanCatalogOptions {
  introspector: Introspector;
  repo: CatalogRepo;
  connectionId: string;
  mode: ScanMode;
  level: ScanLevel;
  changes: ScanChangeCollector;
  /** The time stored as "last scanned" (one per attempt). */
  now: string;
  newId: () => string;
  signal: AbortSignal;
  onProgress: (progress: ScanProgress) => void | Promise<void>;
  /** Tables read per bulk query; progress is reported after each batch. Default 100. */
  batchSize?: number;
}

interface Listing {
  database: StoredDatabase;
  tables: TableInfo[];
  markers: TableMarkers | undefined;
}

function batches<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Level 1: the connection's databases stored, the ones no longer there marked removed (and their tables). */
async function scanDatabases(options: ScanCatalogOptions): Promise<StoredDatabase[]> {
  const { introspector, repo, connectionId, changes, now, newId } = options;
  const names = await introspector.listDatabases();
  const stored = await repo.databasesOf(connectionId);
  const byName = new Map(stored.map((d) => [d.name, d]));
  const found: StoredDatabase[] = [];
  for (const name of names) {
    const known = byName.get(name);
    if (known && known.removedAt === null) {
      found.push(known);
      continue;
    }
    changes.databaseAdded(name);
    if (known) found.push({ ...known, removedAt: null });
    else {
      const id = newId();
      await repo.insertDatabase(id, connectionId, name, now);
      found.push({ id, name, markersAsOf: null, removedAt: null });
    }
  }
  await repo.markDatabasesSeen(
    found.map((d) => d.id),
    now,
  );
  const listed = new Set(names);
  const gone = stored.filter((d) => d.removedAt === null && !listed.has(d.name));
  for (const database of gone) {
    changes.databaseRemoved(database.name);
    for (const table of await repo.tablesOf(database.id))
      if (table.removedAt === null) changes.tableRemoved(qualified(table.schemaName, table.name));
  }
  await repo.markDatabasesRemoved(
    gone.map((d) => d.id),
    now,
  );
  return found;
}

/** Level 2 of one database: its tables stored, new ones and removed ones noted. Returns ids by name and the stored rows from before. */
async function saveTables(
  options: ScanCatalogOptions,
  { database, tables, markers }: Listing,
): Promise<{ ids: Map<string, string>; before: Map<string, StoredTable> }> {
  const { repo, changes, now, newId } = options;
  const before = new Map((await repo.tablesOf(database.id)).map((t) => [t.name, t]));
  const listed: ListedTable[] = tables.map((t) => {
    const stored = before.get(t.name);
    if (!stored || stored.removedAt !== null) changes.tableAdded(qualifiedName(t));
    const marker = markers?.tables.get(t.name);
    return {
      ...(stored ? { id: stored.id } : {}),
      schemaName: t.schema ?? null,
      name: t.name,
      kind: t.kind,
      rowEstimate: t.rowEstimate ?? null,
      comment: t.comment ?? null,
      sourceChangedAt: marker?.changedAt ?? null,
      sourceUpdatedAt: marker?.updatedAt ?? null,
    };
  });
  const ids = await repo.saveListing(database.id, listed, now, newId);
  const gone = [...before.values()].filter((t) => t.removedAt === null && !ids.has(t.name));
  for (const table of gone) changes.tableRemoved(qualified(table.schemaName, table.name));
  await repo.markTablesRemoved(
    gone.map((t) => t.id),
    now,
  );
  return { ids, before };
}

/** Reads tables in detail: one bulk call where the connector has it, else one call per table. */
async function describe(
  introspector: Introspector,
  database: string,
  tables: TableInfo[],
): Promise<TableSchema[]> {
  if (introspector.describeTables)
    return introspector.describeTables(
      database,
      tables.map((t) => t.name),
    );
  const schemas: TableSchema[] = [];
  for (const table of tables) schemas.push(await introspector.describeTable(qualifiedName(table)));
  return schemas;
}

/**
 * Scans the connection the introspector reads into the catalog, reporting what changed to
 * `changes`. Idempotent: an attempt run again after a failure finds what the failed one stored.
 */
export async function scanCatalog(options: ScanCatalogOptions): Promise<void> {
  const { introspector, repo, mode, level, changes, now, signal, onProgress } = options;
  const batchSize = options.batchSize ?? 100;
  const databases = await scanDatabases(options);
  if (level === 1) return;

  // Every database listed before any is read in detail, so the total is known from the start.
  const listings: Listing[] = [];
  for (const database of databases) {
    signal.throwIfAborted();
    const tables = await introspector.listTables(database.name);
    const markers = level === 3 ? await introspector.tableMarkers?.(database.name) : undefined;
    listings.push({ database, tables, markers });
  }
  const progress: ScanProgress = {
    tablesTotal: listings.reduce((n, l) => n + l.tables.length, 0),
    tablesDone: 0,
    tablesRead: 0,
  };
  await onProgress({ ...progress });

  for (const listing of listings) {
    signal.throwIfAborted();
    const { database, tables, markers } = listing;
    const { ids, before } = await saveTables(options, listing);
    if (level === 2) {
      changes.tablesUnchanged(tables.filter((t) => before.get(t.name)?.removedAt === null).length);
      progress.tablesDone += tables.length;
      await onProgress({ ...progress });
      continue;
    }
    const toRead = tables.filter(
      (t) =>
        readReason({
          mode,
          stored: before.get(t.name),
          marker: markers?.tables.get(t.name),
          previousAsOf: database.markersAsOf,
        }) !== undefined,
    );
    changes.tablesUnchanged(tables.length - toRead.length);
    progress.tablesDone += tables.length - toRead.length;
    await onProgress({ ...progress });

    for (const batch of batches(toRead, batchSize)) {
      signal.throwIfAborted();
      const schemas = await describe(introspector, database.name, batch);
      const known = batch.flatMap((t) => {
        const stored = before.get(t.name);
        return stored && stored.removedAt === null && stored.structureHash !== null ? [stored] : [];
      });
      const previousColumns = await repo.columnsOf(known.map((t) => t.id));
      const described: DescribedTable[] = [];
      const unchanged: { id: string; signature: string | null }[] = [];
      for (const schema of schemas) {
        const id = ids.get(schema.table.name);
        if (id === undefined) continue; // created after the listing: the next scan lists it
        const structure = structureOf(schema);
        const hash = structureHash(structure);
        const signature = markers?.tables.get(schema.table.name)?.signature ?? null;
        const stored = known.find((t) => t.id === id);
        if (stored?.structureHash === hash) {
          unchanged.push({ id, signature });
          changes.tablesUnchanged(1);
          continue;
        }
        if (stored) {
          const change = diffStructure(
            qualifiedName(schema.table),
            { ...stored, columns: previousColumns.get(id) ?? [] },
            structure,
          );
          if (change) changes.tableAltered(change);
          else changes.tablesUnchanged(1);
        }
        described.push({ id, signature, structureHash: hash, structure });
      }
      await repo.saveDescribed(described, now);
      await repo.touchDescribed(unchanged, now);
      progress.tablesDone += batch.length;
      progress.tablesRead += batch.length;
      await onProgress({ ...progress });
    }
    await repo.setMarkersAsOf(database.id, markers?.asOf ?? null);
  }
}
