import { describe, expect, it } from 'vitest';
import {
  evenRanges,
  rangeContains,
  type KeyRangePlan,
  type SplitRequest,
} from '../../connectors/shared/sql/key-ranges';
import type { DigestColumn, DigestRequest, TableDigester } from '../../connectors/shared/sql/range-digest';
import { loadPipelineText, type LoadedConfig } from '../config';
import { formatVerifyReport } from './report';
import { NotVerifiable, verifyShape } from './shape';
import { verifyPipeline } from './verify';

/*
 * The verify logic without databases: which pipelines it compares, how columns pair through
 * mappings, which key it cuts ranges on (with fake digesters), and the report's layout.
 */

async function loaded(yaml: string): Promise<LoadedConfig> {
  const result = await loadPipelineText(yaml, 'copy.yaml', '/data', { env: {} });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.loaded;
}

const pg = '{ host: db, database: shop, username: etl }';

function pipeline(
  input: string,
  processors = '',
  output = 'write: { table: orders_copy }\n  conflict: { key: [order_id] }',
) {
  return `version: 1
input:
  type: postgresql
  connection: ${pg}
  ${input}
${processors ? `pipeline:\n  processors:\n${processors}\n` : ''}output:
  type: mysql
  connection: ${pg}
  ${output}
`;
}

const MAPPING = `    - type: mapping
      fields: { order_id: id, Total: total, day: created_at }`;

const sourceColumns: DigestColumn[] = [
  { name: 'id', type: 'int' },
  { name: 'total', type: 'decimal' },
  { name: 'created_at', type: 'timestamptz' },
  { name: 'code', type: 'string' },
];
const targetColumns: DigestColumn[] = [
  { name: 'order_id', type: 'bigint' },
  { name: 'total', type: 'decimal' },
  { name: 'day', type: 'date' },
  { name: 'loaded_at', type: 'timestamp' },
];

/** A digester answering from fixed columns; every split fails for `code`, succeeds for `id`. */
function fakeDigester(
  columns: DigestColumn[],
  primaryKey: string[],
  digests: DigestRequest[],
): TableDigester {
  return {
    notes: [],
    quoteIdent: (name) => `"${name}"`,
    describe: async () => columns,
    primaryKey: async () => primaryKey,
    hasUniqueKey: async () => true,
    planKeyRanges: async (request: SplitRequest): Promise<KeyRangePlan> =>
      request.key === 'id'
        ? { ranges: evenRanges(1n, 100n, request.parts), method: 'even', rows: 100 }
        : { ranges: null, reason: `${request.label} ${request.key} is not an integer column (text)` },
    digest: async (request) => {
      digests.push(request);
      return { rows: 10, sum: request.range.index === 1 && request.table === 'orders_copy' ? '1' : '2' };
    },
    rangeKeys: async () => [],
    close: async () => undefined,
  };
}

describe('verifyShape', () => {
  it('takes a table copy between SQL databases, with mappings', async () => {
    const shape = verifyShape(
      await loaded(pipeline('query: { table: public.orders, filter: "total > 0", split_key: id }', MAPPING)),
    );
    expect(shape).toMatchObject({
      source: { type: 'postgresql', table: 'public.orders' },
      target: { type: 'mysql', table: 'orders_copy' },
      filter: 'total > 0',
      splitKey: 'id',
      conflictKey: ['order_id'],
      mappings: [
        { path: 'pipeline.processors[0]', fields: { order_id: 'id', Total: 'total', day: 'created_at' } },
      ],
    });
  });

  it('refuses a query input, a filter processor and a non-SQL connector, saying where', async () => {
    const refusal = async (yaml: string) => {
      try {
        verifyShape(await loaded(yaml));
      } catch (error) {
        if (error instanceof NotVerifiable) return error.message;
      }
      return 'accepted';
    };
    expect(await refusal(pipeline("query: { sql: 'SELECT 1' }"))).toMatch(
      /^input\.query: the input reads a SQL query/,
    );
    expect(
      await refusal(pipeline('query: { table: t }', '    - type: filter\n      condition: total > 0')),
    ).toMatch(/^pipeline\.processors\[0\]\.type: .*mapping processors only/);
    expect(
      await refusal(
        pipeline('query: { table: t }', '', 'write: { table: t }').replace('type: mysql', 'type: file'),
      ),
    ).toMatch(/^output\.type: verify compares tables of SQL databases .*file is not one/);
  });
});

describe('verifyPipeline with fake databases', () => {
  it('pairs columns through the mapping, falls back from an unusable split_key, and compares every range', async () => {
    const digests: DigestRequest[] = [];
    const report = await verifyPipeline(
      await loaded(pipeline('query: { table: orders, split_key: code }', MAPPING)),
      {
        ranges: 4,
        openDigester: async (side) =>
          side.table === 'orders'
            ? fakeDigester(sourceColumns, ['id'], digests)
            : fakeDigester(targetColumns, [], digests),
      },
    );
    expect(report.columns).toEqual([
      { source: 'id', target: 'order_id', as: 'decimal' },
      { source: 'total', target: 'total', as: 'decimal' },
      { source: 'created_at', target: 'day', as: 'string' },
    ]);
    expect(report.notes).toEqual([
      'column day: timestamptz in the source and date in the target: compared as text',
      'target columns the pipeline does not write are not compared: loaded_at',
      'split_key code is not among the copied columns',
    ]);
    expect(report.key).toEqual({ origin: 'conflict.key', source: 'id', target: 'order_id', method: 'even' });
    expect(report.ranges.map((r) => r.match)).toEqual([true, false, true, true]);
    expect(report.summary).toMatchObject({ ranges: 4, matched: 3, mismatched: 1, sourceRows: 40, ok: false });
    // Each range on both sides, the source with its own key name, the target with the mapped one.
    expect(digests.filter((d) => d.table === 'orders').map((d) => d.key)).toEqual(['id', 'id', 'id', 'id']);
    expect(digests.filter((d) => d.table === 'orders_copy').map((d) => d.key)).toEqual([
      'order_id',
      'order_id',
      'order_id',
      'order_id',
    ]);
    expect(rangeContains(report.ranges[3].range, null)).toBe(true);

    expect(formatVerifyReport(report)).toBe(
      [
        'verify copy.yaml',
        '  source  postgresql db/shop orders',
        '  target  mysql db/shop orders_copy',
        '  key     id → order_id (conflict.key), 4 ranges by equal key spans; 3 columns compared',
        '',
        'range  key interval     source rows  target rows  result',
        '    0  (-∞, 26)                  10           10  match',
        '    1  [26, 51)                  10           10  MISMATCH',
        '    2  [51, 76)                  10           10  match',
        '    3  [76, +∞) + NULL           10           10  match',
        'note: column day: timestamptz in the source and date in the target: compared as text',
        'note: target columns the pipeline does not write are not compared: loaded_at',
        'note: split_key code is not among the copied columns',
        `3 of 4 ranges match, 1 mismatched (1); source 40 rows, target 40 rows (${(report.durationMs / 1000).toFixed(1)} s)`,
        '',
      ].join('\n'),
    );
  });

  it('compares the whole table as one range without an integer key', async () => {
    const digests: DigestRequest[] = [];
    const report = await verifyPipeline(
      await loaded(
        pipeline('query: { table: orders, columns: [code, total] }', '', 'write: { table: orders_copy }'),
      ),
      {
        openDigester: async (side) =>
          side.table === 'orders'
            ? fakeDigester(sourceColumns, ['code'], digests)
            : fakeDigester([...targetColumns, { name: 'code', type: 'string' }], [], digests),
      },
    );
    expect(report.key).toBeNull();
    expect(report.ranges).toHaveLength(1);
    expect(report.ranges[0].interval).toBe('all rows');
    expect(report.notes).toContain('primary key code is not an integer column (text)');
    expect(digests.every((d) => d.key === undefined)).toBe(true);
  });

  it('says which column the target lacks', async () => {
    await expect(
      verifyPipeline(await loaded(pipeline('query: { table: orders }')), {
        openDigester: async (side) =>
          fakeDigester(side.table === 'orders' ? sourceColumns : targetColumns, [], []),
      }),
    ).rejects.toThrow(
      'output.write.table: the target table orders_copy has no column id, which the pipeline writes',
    );
  });
});
