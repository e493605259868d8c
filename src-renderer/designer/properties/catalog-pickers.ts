import { useEffect, useMemo, useState } from 'react';
import type { InspectComponentInput } from '../../../src-shared/api/inspect-routes';
import { api } from '../../api/client';
import { errorText } from '../../api/error-text';
import { catalogColumns, catalogTables, forgetCatalogLookups } from '../../catalog/catalog-lookup';
import { connectionRef, type FieldPath } from '../../../src-shared/forms/nested-form-model';
import type { Suggestion } from '../../forms/nested-schema-form';
import {
  forgetInspections,
  inlineInspectRequest,
  inspectColumns,
  inspectTables,
  INSPECT_PAUSE_MS,
  listedTable,
  type PickerNode,
} from './inline-pickers';
import {
  columnSuggestion,
  pickerFor,
  tableOfSection,
  tableSuggestion,
  type PickerColumn,
  type PickerTable,
} from './sql-fields';

/*
 * The tables and columns a SQL component's pickers offer: from the catalog for a saved connection
 * (no database is contacted), or from the node's own database for a connection written in the
 * node (see inline-pickers.ts: asked after a pause in typing, or at once when a picker opens).
 */

/** How far reading the node's own database got. */
export type InlineState =
  { state: 'waiting' } | { state: 'loading' } | { state: 'ready' } | { state: 'failed'; message: string };

export interface CatalogPickers {
  /** The saved connection the pickers read from the catalog, if the node has one. */
  connectionRef?: string;
  /** With a connection written in the node: how reading its database went; null otherwise. */
  inline: InlineState | null;
  tables: PickerTable[] | null;
  columns: PickerColumn[] | null;
  suggestionsFor: (path: FieldPath) => Suggestion[] | undefined;
  /** Reads again (after a scan, or to retry the node's database). */
  reload: () => void;
  /** A picker opened (its field got focus): read the node's own database now, not after the pause. */
  open: () => void;
}

/** Loads `load()` (when there is something to load) on each change of `deps`; null until it answers. */
function useLoaded<T>(
  load: (() => Promise<T>) | null,
  deps: readonly unknown[],
): { value: T | null; error: string | null } {
  const [state, setState] = useState<{ value: T | null; error: string | null }>({ value: null, error: null });
  useEffect(() => {
    let current = true;
    setState({ value: null, error: null });
    load?.().then(
      (value) => current && setState({ value, error: null }),
      (failure: unknown) => current && setState({ value: null, error: errorText(failure).message }),
    );
    return () => {
      current = false;
    };
    // `deps` say when `load` changes (it is a new closure at every render).
  }, [load === null, ...deps]);
  return state;
}

/** The pickers' tables and columns for a SQL component's section (`node` undefined: not a SQL component). */
export function useCatalogPickers(
  section: Record<string, unknown>,
  node: PickerNode | undefined,
): CatalogPickers {
  const ref = node ? connectionRef(section) : undefined;
  const table = tableOfSection(section);
  const [version, setVersion] = useState(0);

  // Saved connection: the catalog.
  const saved = useLoaded(ref !== undefined ? () => catalogTables(api, ref) : null, [ref, version]);
  const savedColumns = useLoaded(
    ref !== undefined && table !== undefined ? () => catalogColumns(api, ref, table) : null,
    [ref, table, version],
  );

  // Connection written in the node: its database, once typing paused or a picker opened.
  const request = node && ref === undefined ? inlineInspectRequest(node, section) : undefined;
  const requestKey = request ? JSON.stringify(request) : null;
  const [askedKey, setAskedKey] = useState<string | null>(null);
  useEffect(() => {
    if (requestKey === null) return;
    const timer = setTimeout(() => setAskedKey(requestKey), INSPECT_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [requestKey]);
  const asked = useMemo(
    () =>
      requestKey !== null && askedKey === requestKey
        ? (JSON.parse(requestKey) as InspectComponentInput)
        : null,
    [requestKey, askedKey],
  );
  const own = useLoaded(asked ? () => inspectTables(api, asked) : null, [asked, version]);
  // Only a table the database listed is described: a name half typed is not worth a question.
  const describe = own.value && table !== undefined ? listedTable(own.value, table) : undefined;
  const ownColumns = useLoaded(
    asked && describe !== undefined ? () => inspectColumns(api, asked, describe) : null,
    [asked, describe, version],
  );

  // A saved connection's catalog that cannot be read offers nothing, as an empty catalog does.
  const tables = ref === undefined ? own.value : saved.error !== null ? [] : saved.value;
  const columns =
    ref === undefined ? ownColumns.value : savedColumns.error !== null ? [] : savedColumns.value;
  let inline: InlineState | null = null;
  if (request)
    inline =
      asked === null
        ? { state: 'waiting' }
        : own.error !== null
          ? { state: 'failed', message: own.error }
          : own.value === null
            ? { state: 'loading' }
            : { state: 'ready' };

  return {
    ...(ref !== undefined ? { connectionRef: ref } : {}),
    inline,
    tables,
    columns,
    suggestionsFor: (path) => {
      const picker = pickerFor(path);
      if (picker === 'table' && tables) return tables.map(tableSuggestion);
      if (picker === 'column' && columns) return columns.map(columnSuggestion);
      // The node's own database is asked when a picker opens: until it answers, its pickers are empty lists.
      return picker !== null && request ? [] : undefined;
    },
    reload: () => {
      forgetCatalogLookups();
      forgetInspections();
      setVersion((v) => v + 1);
    },
    open: () => {
      if (requestKey !== null) setAskedKey(requestKey);
    },
  };
}
