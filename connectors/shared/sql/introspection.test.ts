import { describe, expect, it } from 'vitest';
import {
  dependencyOrder,
  matchTables,
  portableDefault,
  schemaFromColumns,
  sizeOf,
  targetObjectName,
  type ColumnInfo,
  type ForeignKeyInfo,
  type TableInfo,
  type TableSchema,
} from './introspection';

const table = (qualified: string): TableInfo => {
  const dot = qualified.indexOf('.');
  return dot < 0
    ? { name: qualified, kind: 'table' }
    : { schema: qualified.slice(0, dot), name: qualified.slice(dot + 1), kind: 'table' };
};

const TABLES = [
  'public.orders',
  'public.order_items',
  'public.sales_2023',
  'public.sales_2024',
  'sales.orders',
].map(table);
const names = (tables: TableInfo[]) => tables.map((t) => (t.schema ? `${t.schema}.${t.name}` : t.name));

describe('matchTables', () => {
  it('matches globs against bare names, or schema and name when the pattern has a dot', () => {
    expect(names(matchTables(['*'], TABLES))).toEqual(names(TABLES));
    expect(names(matchTables(['sales_*'], TABLES))).toEqual(['public.sales_2023', 'public.sales_2024']);
    expect(names(matchTables(['public.*'], TABLES))).toHaveLength(4);
    expect(names(matchTables(['sales.*'], TABLES))).toEqual(['sales.orders']);
    expect(names(matchTables(['sales_202?'], TABLES))).toEqual(['public.sales_2023', 'public.sales_2024']);
    // A star stays within the schema or the name: "p*" is not every table of schema public.
    expect(() => matchTables(['p*'], TABLES)).toThrow('no table matches "p*"');
  });

  it('takes exact names, bare (in every schema) or qualified', () => {
    expect(names(matchTables(['orders'], TABLES))).toEqual(['public.orders', 'sales.orders']);
    expect(names(matchTables(['sales.orders'], TABLES))).toEqual(['sales.orders']);
    expect(names(matchTables(['orders'], [table('orders')]))).toEqual(['orders']);
  });

  it('keeps pattern order, then table order, without duplicates', () => {
    expect(names(matchTables(['sales_2024', 'public.*', 'order_items'], TABLES))).toEqual([
      'public.sales_2024',
      'public.orders',
      'public.order_items',
      'public.sales_2023',
    ]);
  });

  it('names every pattern that matches nothing', () => {
    expect(() => matchTables(['orders', 'ordres', 'x_*'], TABLES)).toThrow(
      'no table matches "ordres", "x_*" (among 5 tables)',
    );
  });

  it('treats regular expression characters literally', () => {
    const odd = [table('a+b'), table('ab'), table('a.b')];
    expect(names(matchTables(['a+b'], odd))).toEqual(['a+b']);
    expect(names(matchTables(['a.b'], odd))).toEqual(['a.b']);
  });
});

/** A table with foreign keys to `refs` (`name` or `name(col)` for a column of the same name). */
function schemaOf(qualified: string, ...refs: string[]): TableSchema {
  const info = table(qualified);
  const foreignKeys = refs.map((ref): ForeignKeyInfo => ({
    name: `${info.name}_${ref}_fkey`,
    columns: [`${ref}_id`],
    ...(ref.includes('.') ? { refSchema: ref.split('.')[0] } : {}),
    refTable: ref.includes('.') ? ref.split('.')[1] : ref,
    refColumns: ['id'],
  }));
  return { table: info, columns: [], primaryKey: ['id'], indexes: [], foreignKeys };
}

const order = (schemas: TableSchema[]) => {
  const result = dependencyOrder(schemas);
  return {
    tables: result.tables.map((s) => s.table.name),
    deferred: result.deferred.map((d) => d.foreignKey.name),
  };
};

describe('dependencyOrder', () => {
  it('puts referenced tables first and otherwise keeps the given order', () => {
    const schemas = [
      schemaOf('order_items', 'orders', 'products'),
      schemaOf('orders', 'customers'),
      schemaOf('audit'),
      schemaOf('customers'),
      schemaOf('products'),
    ];
    expect(order(schemas)).toEqual({
      tables: ['audit', 'customers', 'orders', 'products', 'order_items'],
      deferred: [],
    });
  });

  it('returns every table once, and each one after what it references', () => {
    const schemas = [schemaOf('c', 'b', 'a'), schemaOf('b', 'a'), schemaOf('a'), schemaOf('d', 'c', 'a')];
    const { tables } = order(schemas);
    expect([...tables].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(tables).toEqual(['a', 'b', 'c', 'd']);
  });

  it('ignores self-references for the order, but defers them (rows load in any order)', () => {
    const schemas = [schemaOf('employees', 'employees', 'departments'), schemaOf('departments')];
    expect(order(schemas)).toEqual({
      tables: ['departments', 'employees'],
      deferred: ['employees_employees_fkey'],
    });
  });

  it('breaks a cycle without throwing, deferring only foreign keys inside it', () => {
    // a → b → c → a, and d depends on the cycle; e depends on nothing.
    const schemas = [
      schemaOf('d', 'b'),
      schemaOf('a', 'b'),
      schemaOf('b', 'c'),
      schemaOf('c', 'a'),
      schemaOf('e'),
    ];
    const result = order(schemas);
    expect(result.tables).toEqual(['e', 'a', 'c', 'b', 'd']);
    expect(result.deferred).toEqual(['a_b_fkey']);
  });

  it('resolves references by schema, and without one by the referencing table’s schema', () => {
    const schemas = [
      schemaOf('public.orders', 'sales.customers'),
      schemaOf('public.customers'),
      schemaOf('sales.customers'),
      schemaOf('public.items', 'customers'),
    ];
    const result = dependencyOrder(schemas);
    expect(result.tables.map((s) => `${s.table.schema}.${s.table.name}`)).toEqual([
      'public.customers',
      'sales.customers',
      'public.orders',
      'public.items',
    ]);
    expect(result.deferred).toEqual([]);
  });

  it('ignores references to tables outside the list', () => {
    expect(order([schemaOf('orders', 'customers'), schemaOf('items', 'orders')])).toEqual({
      tables: ['orders', 'items'],
      deferred: [],
    });
  });
});

describe('DDL helpers', () => {
  it('names indexes for the target table', () => {
    expect(targetObjectName('orders_email_key', 'orders', 'orders', true)).toBe('orders_email_key');
    expect(targetObjectName('orders_email_key', 'orders', 'orders_copy', true)).toBe('orders_copy_email_key');
    expect(targetObjectName('idx_orders_status', 'orders', 'o2', true)).toBe('idx_o2_status');
    expect(targetObjectName('email', 'users', 'users', true)).toBe('users_email');
    expect(targetObjectName('email', 'users', 'users', false)).toBe('email');
    // "t" inside "status" is not the table's name.
    expect(targetObjectName('idx_status', 't', 't', true)).toBe('t_idx_status');
  });

  it('reads sizes from native types', () => {
    expect(sizeOf('string', 'character varying(200)')).toEqual({ length: 200 });
    expect(sizeOf('string', 'char(3)')).toEqual({ length: 3 });
    expect(sizeOf('string', "enum('a','b')")).toEqual({});
    expect(sizeOf('string', 'character varying(5)[]')).toEqual({});
    expect(sizeOf('bytes', 'varbinary(16)')).toEqual({ length: 16 });
    expect(sizeOf('decimal', 'numeric(12,2)')).toEqual({ precision: 12, scale: 2 });
    expect(sizeOf('decimal', 'DECIMAL TEXT(12,2)')).toEqual({ precision: 12, scale: 2 });
    expect(sizeOf('decimal', 'numeric')).toEqual({});
    expect(sizeOf('timestamptz', 'timestamp(3) with time zone')).toEqual({ precision: 3 });
    expect(sizeOf('int', 'int(11)')).toEqual({});
  });

  it('keeps only defaults every dialect understands', () => {
    const column = (type: ColumnInfo['type'], value: string): ColumnInfo => ({
      name: 'c',
      nativeType: '',
      type,
      nullable: true,
      default: value,
      generated: false,
      autoIncrement: false,
    });
    expect(portableDefault(column('string', "'it''s'::character varying"))).toEqual({
      kind: 'string',
      value: "it's",
    });
    expect(portableDefault(column('int', "'-1'::integer"))).toEqual({ kind: 'number', text: '-1' });
    expect(portableDefault(column('decimal', '1.50'))).toEqual({ kind: 'number', text: '1.50' });
    expect(portableDefault(column('bool', 'true'))).toEqual({ kind: 'bool', value: true });
    expect(portableDefault(column('bool', '0'))).toEqual({ kind: 'bool', value: false });
    expect(portableDefault(column('timestamp', 'current_timestamp(3)'))).toEqual({ kind: 'now' });
    expect(portableDefault(column('timestamptz', 'now()'))).toEqual({ kind: 'now' });
    expect(portableDefault(column('bigint', "nextval('t_id_seq'::regclass)"))).toBeUndefined();
    expect(portableDefault(column('string', 'NULL'))).toBeUndefined();
    expect(portableDefault(column('string', "'a\\\\b'"))).toBeUndefined();
    expect(portableDefault(column('int', "'abc'"))).toBeUndefined();
    expect(portableDefault({ ...column('int', '1'), generated: true })).toBeUndefined();
  });

  it('describes batch columns as a table, sizes from their native types', () => {
    const schema = schemaFromColumns(
      'orders',
      [
        { name: 'id', type: 'bigint', nativeType: 'BIGINT UNSIGNED' },
        { name: 'total', type: 'decimal', nativeType: 'DECIMAL(12,2)' },
        { name: 'note', type: 'string', nullable: false },
      ],
      ['id'],
    );
    expect(schema.primaryKey).toEqual(['id']);
    expect(schema.columns.map((c) => [c.name, c.nullable, c.precision, c.scale])).toEqual([
      ['id', false, undefined, undefined],
      ['total', true, 12, 2],
      ['note', false, undefined, undefined],
    ]);
  });
});
