import type { StudioApi } from '../../src-shared/api/contract';
import type { CatalogColumn, CatalogTable } from '../../src-shared/api/catalog-model';
import type { Connection } from '../../src-shared/api/connection-model';

/*
 * The saved connections and the catalog's tables and columns of one, as pickers ask for them (the
 * YAML editor's completions, the designer's table and column pickers). Answers come from the
 * catalog (no database is contacted) and are kept briefly, so typing does not ask at every key.
 */

const CACHE_MS = 10_000;
const cache = new Map<string, { at: number; value: Promise<unknown> }>();

/** `load()` once per key for a few seconds; a failed load is forgotten at once. */
function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.value as Promise<T>;
  const value = load();
  cache.set(key, { at: Date.now(), value });
  value.catch(() => cache.delete(key));
  return value;
}

/** Forgets what was loaded (after a scan, a new connection). */
export function forgetCatalogLookups(): void {
  cache.clear();
}

export function savedConnections(api: StudioApi): Promise<Connection[]> {
  return cached('connections', () => api.listConnections({}));
}

export async function savedConnectionNamed(api: StudioApi, name: string): Promise<Connection | undefined> {
  return (await savedConnections(api)).find((c) => c.name === name);
}

/** The catalog's tables and views of a saved connection (by name), every database of it. */
export async function catalogTables(api: StudioApi, connectionRef: string): Promise<CatalogTable[]> {
  const id = (await savedConnectionNamed(api, connectionRef))?.id;
  if (!id) return [];
  return cached(`tables:${id}`, async () => {
    const databases = await api.listCatalogDatabases({ connection_id: id });
    return (await Promise.all(databases.map((d) => api.listCatalogTables({ database_id: d.id })))).flat();
  });
}

/** The columns of a table (`schema.table` or its bare name) of a saved connection, in order. */
export async function catalogColumns(
  api: StudioApi,
  connectionRef: string,
  table: string,
): Promise<CatalogColumn[]> {
  const tables = await catalogTables(api, connectionRef);
  const found = tables.find((t) => t.qualified_name === table || t.name === table);
  if (!found) return [];
  const detail = await cached(`table:${found.id}`, () => api.getCatalogTable({ id: found.id }));
  return detail.columns;
}
