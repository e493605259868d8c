import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StudioApi } from '../../../src-shared/api/contract';
import { ApiError } from '../../../src-shared/api/errors';
import type { InspectComponentInput, InspectedTable } from '../../../src-shared/api/inspect-routes';
import {
  forgetInspections,
  inlineInspectRequest,
  inspectColumns,
  inspectTables,
  listedTable,
  type PickerNode,
} from './inline-pickers';
import { columnSuggestion, tableSuggestion } from './sql-fields';

const pg: PickerNode = {
  kind: 'input',
  type: 'postgresql',
  jobId: 'job-1',
  placement: 'connection',
  savedFields: ['host', 'port', 'database', 'username', 'password'],
};
const sqlite: PickerNode = { kind: 'output', type: 'sqlite', placement: 'root', savedFields: ['path'] };
const table = (qualified_name: string): InspectedTable => ({
  qualified_name,
  kind: 'table',
  row_estimate: null,
  comment: null,
});

describe('inlineInspectRequest', () => {
  it('asks with only the fields that say where the database is', () => {
    const connection = { host: 'db1', database: 'shop', username: 'etl', password: '${PW}' };
    expect(inlineInspectRequest(pg, { connection, query: { table: 'orders', filter: 'x > 1' } })).toEqual({
      kind: 'input',
      type: 'postgresql',
      section: { connection },
      job_id: 'job-1',
    });
    expect(inlineInspectRequest(sqlite, { path: 'out/shop.db', write: { table: 'orders' } })).toEqual({
      kind: 'output',
      type: 'sqlite',
      section: { path: 'out/shop.db' },
    });
  });

  it('asks nothing for a saved connection (the catalog answers), nothing written, or a processor', () => {
    expect(inlineInspectRequest(pg, { connection: { ref: 'warehouse', database: 'x' } })).toBeUndefined();
    expect(inlineInspectRequest(sqlite, { connection: { ref: 'files' } })).toBeUndefined();
    expect(inlineInspectRequest(pg, { query: { table: 'orders' } })).toBeUndefined();
    expect(inlineInspectRequest(pg, { connection: { host: '' } })).toBeUndefined();
    expect(inlineInspectRequest(sqlite, { path: '' })).toBeUndefined();
    expect(
      inlineInspectRequest({ ...pg, kind: 'processor' }, { connection: { host: 'db1' } }),
    ).toBeUndefined();
  });

  it('asks the same question whatever else of the node changes', () => {
    const connection = { host: 'db1', database: 'shop', username: 'etl' };
    const key = (section: Record<string, unknown>) => JSON.stringify(inlineInspectRequest(pg, section));
    expect(key({ connection, query: { table: 'a' } })).toBe(key({ connection, query: { table: 'b' } }));
    expect(key({ connection })).not.toBe(key({ connection: { ...connection, host: 'db2' } }));
  });
});

describe('listedTable', () => {
  const tables = ['public.orders', 'sales.orders', 'public.customers'].map(table);
  it('finds a table by its qualified name, or by a bare name one schema alone has', () => {
    expect(listedTable(tables, 'sales.orders')).toBe('sales.orders');
    expect(listedTable(tables, 'customers')).toBe('public.customers');
    expect(listedTable(tables, 'orders')).toBeUndefined();
    expect(listedTable(tables, 'ord')).toBeUndefined();
    expect(listedTable([table('orders')], 'orders')).toBe('orders');
  });
});

describe('answers of the node’s database', () => {
  afterEach(() => {
    forgetInspections();
    vi.useRealTimers();
  });

  const request: InspectComponentInput = {
    kind: 'input',
    type: 'sqlite',
    section: { path: 'shop.db' },
  };

  function fakeApi(answer: (input: InspectComponentInput) => Promise<unknown>) {
    const inspectComponent = vi.fn(answer);
    return { api: { inspectComponent } as unknown as StudioApi, calls: inspectComponent.mock.calls };
  }

  it('asks once per question for a while, then again', async () => {
    vi.useFakeTimers();
    const { api, calls } = fakeApi(async (input) =>
      input.table
        ? {
            columns: [
              {
                name: 'id',
                type: 'int',
                native_type: 'INTEGER',
                nullable: false,
                primary_key_position: 1,
                comment: null,
              },
            ],
          }
        : { tables: [table('orders')] },
    );
    expect(await inspectTables(api, request)).toEqual([table('orders')]);
    expect(await inspectTables(api, { ...request })).toEqual([table('orders')]);
    const columns = await inspectColumns(api, request, 'orders');
    expect(columns.map(columnSuggestion)).toEqual([{ value: 'id', detail: 'INTEGER NOT NULL · PK' }]);
    expect(calls.map(([input]) => input.table)).toEqual([undefined, 'orders']);
    vi.advanceTimersByTime(16_000);
    await inspectTables(api, request);
    expect(calls).toHaveLength(3);
  });

  it('keeps a failure too, so an unreachable host is not asked at every focus, until forgotten', async () => {
    const { api, calls } = fakeApi(async () => {
      throw new ApiError('bad_request', 'cannot connect to PostgreSQL at db1:5432 database "shop": timeout');
    });
    await expect(inspectTables(api, request)).rejects.toThrow(/cannot connect/);
    await expect(inspectTables(api, request)).rejects.toThrow(/cannot connect/);
    expect(calls).toHaveLength(1);
    forgetInspections();
    await expect(inspectTables(api, request)).rejects.toThrow(/cannot connect/);
    expect(calls).toHaveLength(2);
  });
});

describe('suggestions', () => {
  it('read the same from the node’s database as from the catalog', () => {
    expect(
      tableSuggestion({
        qualified_name: 'sales.orders',
        kind: 'table',
        row_estimate: 1200,
        comment: 'lines',
      }),
    ).toEqual({ value: 'sales.orders', detail: 'table · ~1200 · lines' });
  });
});
