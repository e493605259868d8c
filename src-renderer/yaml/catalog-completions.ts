import type { StudioApi } from '../../src-shared/api/contract';
import type { CatalogTable } from '../../src-shared/api/catalog-model';
import { completionContext, type CompletionContext } from './completion-context';
import { monaco } from './monaco';

/*
 * Pickers in YAML: saved connection names after `ref:`, and the catalog's tables and columns of
 * the component's saved connection after `table:`, in `tables: […]` and `columns: […]`.
 * Answers come from the catalog (no database is contacted while typing) and are kept briefly.
 */

type Suggestion = Omit<monaco.languages.CompletionItem, 'range'>;

const CACHE_MS = 10_000;
const cache = new Map<string, { at: number; value: Promise<unknown> }>();

/** `load()` once per key for a few seconds, so typing does not ask the API at every key. */
function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.value as Promise<T>;
  const value = load();
  cache.set(key, { at: Date.now(), value });
  value.catch(() => cache.delete(key));
  return value;
}

async function connectionId(api: StudioApi, name: string): Promise<string | undefined> {
  const connections = await cached('connections', () => api.listConnections({}));
  return connections.find((c) => c.name === name)?.id;
}

async function tablesOf(api: StudioApi, connectionRef: string): Promise<CatalogTable[]> {
  const id = await connectionId(api, connectionRef);
  if (!id) return [];
  return cached(`tables:${id}`, async () => {
    const databases = await api.listCatalogDatabases({ connection_id: id });
    return (await Promise.all(databases.map((d) => api.listCatalogTables({ database_id: d.id })))).flat();
  });
}

async function suggestionsFor(api: StudioApi, context: CompletionContext): Promise<Suggestion[]> {
  const { Field, Struct, Module } = monaco.languages.CompletionItemKind;
  if (context.kind === 'connection') {
    const connections = await cached('connections', () => api.listConnections({}));
    return connections
      .filter((c) => c.type === context.componentType)
      .map((c) => ({
        label: c.name,
        kind: Module,
        insertText: c.name,
        detail: `${c.type} connection`,
        documentation: c.description || undefined,
      }));
  }
  const tables = await tablesOf(api, context.connectionRef);
  if (context.kind === 'table') {
    return tables.map((t) => ({
      label: t.qualified_name,
      kind: Struct,
      insertText: t.qualified_name,
      detail: `${t.kind}${t.row_estimate === null ? '' : ` · ~${t.row_estimate} rows`} · ${t.column_count} columns`,
      documentation: t.comment ?? undefined,
    }));
  }
  const table = tables.find((t) => t.qualified_name === context.table || t.name === context.table);
  if (!table) return [];
  const detail = await cached(`table:${table.id}`, () => api.getCatalogTable({ id: table.id }));
  return detail.columns.map((c) => ({
    label: c.name,
    kind: Field,
    insertText: c.name,
    sortText: String(c.ordinal).padStart(5, '0'),
    detail: `${c.native_type}${c.nullable ? '' : ' NOT NULL'}${c.primary_key_position ? ' · primary key' : ''}`,
    documentation: c.comment ?? undefined,
  }));
}

let registered = false;

/** Registers the catalog completions for YAML once per page. */
export function registerCatalogCompletions(api: StudioApi): void {
  if (registered) return;
  registered = true;
  monaco.languages.registerCompletionItemProvider('yaml', {
    triggerCharacters: [' ', ',', '['],
    async provideCompletionItems(model, position) {
      const offset = model.getOffsetAt(position);
      const context = completionContext(model.getValue(), offset);
      if (!context) return { suggestions: [] };
      const start = model.getPositionAt(offset - context.prefix.length);
      const range = new monaco.Range(start.lineNumber, start.column, position.lineNumber, position.column);
      try {
        const suggestions = await suggestionsFor(api, context);
        return { suggestions: suggestions.map((s) => ({ ...s, range })) };
      } catch {
        return { suggestions: [] }; // completions are a help: an unreachable API just offers none
      }
    },
  });
}
