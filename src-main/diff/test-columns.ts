import { sizeOf, type ColumnInfo, type TableSchema } from '../../connectors/shared/sql/introspection';
import type { LogicalType } from '../../src-shared/types/logical';

/** For the diff's tests: a column as an introspector describes it, sizes read from its native type. */
export function column(
  name: string,
  type: LogicalType,
  nativeType: string,
  more: Partial<ColumnInfo> = {},
): ColumnInfo {
  return {
    name,
    type,
    nativeType,
    nullable: true,
    generated: false,
    autoIncrement: false,
    ...sizeOf(type, nativeType),
    ...more,
  };
}

/** For the diff's tests: a table of these columns. */
export function table(name: string, columns: ColumnInfo[], primaryKey: string[] = []): TableSchema {
  return { table: { name, kind: 'table' }, columns, primaryKey, indexes: [], foreignKeys: [] };
}
