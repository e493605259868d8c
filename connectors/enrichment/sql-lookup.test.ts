import { describe, expect, it } from 'vitest';
import type { Row } from '../../src-main/engine/batch';
import type { ColumnInfo, Introspector, TableSchema } from '../shared/sql/introspection';
import { SqlLookup, type SqlDriver } from './sql-lookup';

const column = (name: string, type: ColumnInfo['type']): ColumnInfo => ({
  name,
  nativeType: type,
  type,
  nullable: true,
  generated: false,
  autoIncrement: false,
});

/** A database of one table, `customers (id, name)`, that records the key lists it is asked for. */
function fakeDriver(rows: Row[]): SqlDriver & { queries: unknown[][][] } {
  const schema: TableSchema = {
    table: { name: 'customers', kind: 'table' },
    columns: [column('id', 'bigint'), column('name', 'string')],
    primaryKey: ['id'],
    indexes: [],
    foreignKeys: [],
  };
  const queries: unknown[][][] = [];
  return {
    queries,
    where: 'a test database',
    introspector: () =>
      ({ describeTable: async () => schema, close: async () => undefined }) as unknown as Introspector,
    connect: async () => undefined,
    async select(_table, _columns, _keyColumns, keys) {
      queries.push(keys);
      const wanted = new Set(keys.map((k) => String(k[0])));
      return rows.filter((row) => wanted.has(String(row[0])));
    },
    close: async () => undefined,
  };
}

describe('SqlLookup', () => {
  it('asks for distinct keys in batches of batch_size and matches them back by value', async () => {
    // The database gives bigints; the rows' keys are numbers and text.
    const driver = fakeDriver([
      [1n, 'one'],
      [2n, 'two'],
      [5n, 'five'],
    ]);
    const lookup = new SqlLookup(
      driver,
      'customers',
      [{ name: 'id', path: 'key.id' }],
      [{ name: 'customer', from: 'name', path: 'fields.customer' }],
      2,
    );
    await lookup.open();
    expect(lookup.types()).toEqual(['string']);
    const keys = new Map<string, unknown[]>([
      ['1', [1]],
      ['2', ['2']],
      ['3', [3]],
      ['5', [5]],
      ['9', [9]],
    ]);
    const answers = await lookup.fetch(keys, new AbortController().signal);
    expect(driver.queries).toEqual([[[1], ['2']], [[3], [5]], [[9]]]);
    expect(Object.fromEntries(answers)).toEqual({
      '1': ['one'],
      '2': ['two'],
      '3': null,
      '5': ['five'],
      '9': null,
    });
  });

  it('names the table and the database when a query fails', async () => {
    const driver = fakeDriver([]);
    driver.select = async () => {
      throw new Error('relation "customers" does not exist');
    };
    const lookup = new SqlLookup(
      driver,
      'customers',
      [{ name: 'id', path: 'key.id' }],
      [{ name: 'n', from: 'name', path: 'fields.n' }],
    );
    await lookup.open();
    await expect(lookup.fetch(new Map([['1', [1]]]), new AbortController().signal)).rejects.toThrow(
      'cannot look keys up in table "customers" in a test database: relation "customers" does not exist',
    );
  });
});
