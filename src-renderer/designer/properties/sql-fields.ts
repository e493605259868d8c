import type { CatalogColumn, CatalogTable } from '../../../src-shared/api/catalog-model';
import { isPlainObject, type FieldPath } from '../../../src-shared/forms/nested-form-model';
import type { Suggestion } from '../../forms/nested-schema-form';

/* Which fields of a SQL component pick a table or a column, and how the pickers' answers read. */

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

/** A table as the pickers list it, from the catalog or from the node's own database. */
export type PickerTable = Pick<CatalogTable, 'qualified_name' | 'kind' | 'row_estimate' | 'comment'>;
/** A column as the pickers list it. */
export type PickerColumn = Pick<CatalogColumn, 'name' | 'native_type' | 'nullable' | 'primary_key_position'>;

export function tableSuggestion(table: PickerTable): Suggestion {
  const rows = table.row_estimate === null ? '' : ` · ~${table.row_estimate}`;
  return {
    value: table.qualified_name,
    detail: `${table.kind}${rows}${table.comment ? ` · ${table.comment}` : ''}`,
  };
}

export function columnSuggestion(column: PickerColumn): Suggestion {
  const key = column.primary_key_position ? ' · PK' : '';
  return { value: column.name, detail: `${column.native_type}${column.nullable ? '' : ' NOT NULL'}${key}` };
}
