import type { CatalogColumn, CatalogTable } from '../../../src-shared/api/catalog-model';
import { isPlainObject, type FieldPath } from '../../../src-shared/forms/nested-form-model';
import type { Suggestion } from '../../forms/nested-schema-form';

/* Which fields of a SQL component pick a table or a column, and how the catalog's answers read. */

/** Fields that name a table, and fields (or list items, `[]`) that name a column of the node's table. */
const TABLE_FIELDS = new Set(['query.table', 'write.table', 'query.tables.[]', 'query.exclude.[]']);
const COLUMN_FIELDS = new Set([
  'query.columns.[]',
  'query.split_key',
  'query.split.column',
  'incremental.column',
  'conflict.key.[]',
]);

/** What a field at `path` (in a SQL component's section) picks: a table, a column, or nothing. */
export function pickerFor(path: FieldPath): 'table' | 'column' | null {
  const where = path.map((key) => (typeof key === 'number' ? '[]' : key)).join('.');
  if (TABLE_FIELDS.has(where)) return 'table';
  if (COLUMN_FIELDS.has(where)) return 'column';
  return null;
}

/** The table a SQL component reads or writes: `query.table` or `write.table`. */
export function tableOfSection(section: Record<string, unknown>): string | undefined {
  for (const part of ['query', 'write']) {
    const table = isPlainObject(section[part]) ? section[part].table : undefined;
    if (typeof table === 'string' && table !== '') return table;
  }
  return undefined;
}

export function tableSuggestion(table: CatalogTable): Suggestion {
  const rows = table.row_estimate === null ? '' : ` · ~${table.row_estimate}`;
  return {
    value: table.qualified_name,
    detail: `${table.kind}${rows}${table.comment ? ` · ${table.comment}` : ''}`,
  };
}

export function columnSuggestion(column: CatalogColumn): Suggestion {
  const key = column.primary_key_position ? ' · PK' : '';
  return { value: column.name, detail: `${column.native_type}${column.nullable ? '' : ' NOT NULL'}${key}` };
}
