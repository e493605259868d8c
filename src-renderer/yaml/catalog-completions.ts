import type { StudioApi } from '../../src-shared/api/contract';
import { catalogColumns, catalogTables, savedConnections } from '../catalog/catalog-lookup';
import { completionContext, type CompletionContext } from './completion-context';
import { monaco } from './monaco';

/*
 * Pickers in YAML: saved connection names after `ref:`, and the catalog's tables and columns of
 * the component's saved connection after `table:`, in `tables: […]` and `columns: […]`.
 * Answers come from the catalog (no database is contacted while typing) and are kept briefly.
 */

type Suggestion = Omit<monaco.languages.CompletionItem, 'range'>;

async function suggestionsFor(api: StudioApi, context: CompletionContext): Promise<Suggestion[]> {
  const { Field, Struct, Module } = monaco.languages.CompletionItemKind;
  if (context.kind === 'connection') {
    const connections = await savedConnections(api);
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
  if (context.kind === 'table') {
    const tables = await catalogTables(api, context.connectionRef);
    return tables.map((t) => ({
      label: t.qualified_name,
      kind: Struct,
      insertText: t.qualified_name,
      detail: `${t.kind}${t.row_estimate === null ? '' : ` · ~${t.row_estimate} rows`} · ${t.column_count} columns`,
      documentation: t.comment ?? undefined,
    }));
  }
  const columns = await catalogColumns(api, context.connectionRef, context.table);
  return columns.map((c) => ({
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
