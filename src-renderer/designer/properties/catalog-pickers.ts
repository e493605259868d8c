import { useEffect, useState } from 'react';
import type { CatalogColumn, CatalogTable } from '../../../src-shared/api/catalog-model';
import { api } from '../../api/client';
import { catalogColumns, catalogTables, forgetCatalogLookups } from '../../catalog/catalog-lookup';
import { connectionRef, type FieldPath } from '../../../src-shared/forms/nested-form-model';
import type { Suggestion } from '../../forms/nested-schema-form';
import { columnSuggestion, pickerFor, tableOfSection, tableSuggestion } from './sql-fields';

/* The catalog's tables and columns of a SQL component's saved connection, for its pickers. */

export interface CatalogPickers {
  /** The saved connection the pickers read, if the node has one. */
  connectionRef?: string;
  tables: CatalogTable[] | null;
  columns: CatalogColumn[] | null;
  suggestionsFor: (path: FieldPath) => Suggestion[] | undefined;
  /** Reads the catalog again (after a scan). */
  reload: () => void;
}

/** The catalog's tables and columns for a SQL component's section (none without a saved connection). */
export function useCatalogPickers(section: Record<string, unknown>, enabled: boolean): CatalogPickers {
  const ref = enabled ? connectionRef(section) : undefined;
  const table = tableOfSection(section);
  const [tables, setTables] = useState<CatalogTable[] | null>(null);
  const [columns, setColumns] = useState<CatalogColumn[] | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let current = true;
    setTables(null);
    if (ref)
      catalogTables(api, ref).then(
        (found) => current && setTables(found),
        () => current && setTables([]),
      );
    return () => {
      current = false;
    };
  }, [ref, version]);

  useEffect(() => {
    let current = true;
    setColumns(null);
    if (ref && table)
      catalogColumns(api, ref, table).then(
        (found) => current && setColumns(found),
        () => current && setColumns([]),
      );
    return () => {
      current = false;
    };
  }, [ref, table, version]);

  return {
    ...(ref !== undefined ? { connectionRef: ref } : {}),
    tables,
    columns,
    suggestionsFor: (path) => {
      const picker = pickerFor(path);
      if (picker === 'table' && tables) return tables.map(tableSuggestion);
      if (picker === 'column' && columns) return columns.map(columnSuggestion);
      return undefined;
    },
    reload: () => {
      forgetCatalogLookups();
      setVersion((v) => v + 1);
    },
  };
}
