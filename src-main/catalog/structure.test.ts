import { describe, expect, it } from 'vitest';
import type { ColumnInfo, TableSchema } from '../../connectors/shared/sql/introspection';
import { diffStructure, structureHash, structureOf } from './structure';

const column = (name: string, nativeType: string, more: Partial<ColumnInfo> = {}): ColumnInfo => ({
  name,
  nativeType,
  type: nativeType.startsWith('int') ? 'int' : 'string',
  nullable: true,
  generated: false,
  autoIncrement: false,
  ...more,
});

const orders: TableSchema = {
  table: { schema: 'shop', name: 'orders', kind: 'table', comment: 'Orders', rowEstimate: 10 },
  columns: [
    column('id', 'integer', { nullable: false }),
    column('status', 'varchar(10)', { default: "'new'" }),
    column('note', 'text'),
  ],
  primaryKey: ['id'],
  indexes: [{ name: 'orders_status_idx', columns: ['status'], unique: false }],
  foreignKeys: [],
};

const changed = (edit: (schema: TableSchema) => void): TableSchema => {
  const copy = structuredClone(orders);
  edit(copy);
  return copy;
};

describe('table structure', () => {
  it('keeps what a scan compares, with primary key positions on the columns and no row estimate', () => {
    const structure = structureOf(orders);
    expect(structure.columns.map((c) => [c.name, c.primaryKeyPosition])).toEqual([
      ['id', 1],
      ['status', null],
      ['note', null],
    ]);
    expect(structure).not.toHaveProperty('rowEstimate');
    expect(structureHash(structureOf(changed((s) => (s.table.rowEstimate = 99_999))))).toBe(
      structureHash(structure),
    );
  });

  it('hashes equal structures alike whatever order their keys were built in', () => {
    const reordered = changed((s) => {
      s.indexes = [{ unique: false, columns: ['status'], name: 'orders_status_idx' }];
    });
    expect(structureHash(structureOf(reordered))).toBe(structureHash(structureOf(orders)));
    expect(structureHash(structureOf(changed((s) => (s.columns[2].comment = 'free text'))))).not.toBe(
      structureHash(structureOf(orders)),
    );
  });

  it('reports nothing for the same structure', () => {
    expect(diffStructure('shop.orders', structureOf(orders), structureOf(orders))).toBeUndefined();
  });

  it('reports columns added, removed and altered, field by field', () => {
    const after = changed((s) => {
      s.columns = [
        column('id', 'bigint', { nullable: false }),
        column('status', 'varchar(20)', { nullable: false, comment: 'Workflow state' }),
        column('shipped_at', 'timestamp'),
      ];
    });
    expect(diffStructure('shop.orders', structureOf(orders), structureOf(after))).toEqual({
      table: 'shop.orders',
      columns_added: ['shipped_at'],
      columns_removed: ['note'],
      columns_altered: [
        {
          name: 'id',
          changes: [
            { field: 'type', before: 'integer', after: 'bigint' },
            { field: 'logical type', before: 'int', after: 'string' },
          ],
        },
        {
          name: 'status',
          changes: [
            { field: 'type', before: 'varchar(10)', after: 'varchar(20)' },
            { field: 'nullable', before: 'true', after: 'false' },
            { field: 'default', before: "'new'", after: null },
            { field: 'comment', before: null, after: 'Workflow state' },
          ],
        },
      ],
      changed: [],
    });
  });

  it('reports table-level changes: comment, keys, indexes, foreign keys, column order', () => {
    const after = changed((s) => {
      s.table.comment = 'All orders';
      s.primaryKey = ['id', 'status'];
      s.indexes = [];
      s.foreignKeys = [{ name: 'fk', columns: ['id'], refTable: 'customers', refColumns: ['id'] }];
      s.columns = [s.columns[1], s.columns[0], s.columns[2]];
    });
    expect(diffStructure('shop.orders', structureOf(orders), structureOf(after))?.changed).toEqual([
      'comment',
      'primary key',
      'indexes',
      'foreign keys',
      'column order',
    ]);
  });
});
