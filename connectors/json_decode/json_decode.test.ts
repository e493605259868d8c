import { describe, expect, it } from 'vitest';
import type { Column, Row } from '../../src-main/engine/batch';
import { failOnReject } from '../../src-main/engine/component';
import { collectingContext, fieldErrorOf } from '../shared/processor-testing';
import { testContext } from '../shared/test-support';
import { jsonDecodeProcessor } from './spec';

const ctx = testContext();

const columns: Column[] = [
  { name: 'id', type: 'int' },
  { name: 'payload', type: 'string' },
];

const order = JSON.stringify({
  customer: { name: '张伟', vip: true },
  total: '129.90',
  items: [{ sku: 'A-1', qty: 2 }],
  paid_at: '2024-03-05T14:07:09+08:00',
});

const bind = (config: Record<string, unknown>, cols = columns) =>
  jsonDecodeProcessor.create({ field: 'payload', ...config }, ctx).bind(cols);

describe('json_decode processor', () => {
  it('replaces JSON text with the value it holds (logical type json); NULL stays NULL', () => {
    const bound = bind({});
    expect(bound.columns).toEqual([
      { name: 'id', type: 'int' },
      { name: 'payload', type: 'json' },
    ]);
    expect(
      bound.process(
        [
          [1, '{"a": [1, 2.5, null]}'],
          [2, null],
          [3, '"just text"'],
        ],
        failOnReject,
      ),
    ).toEqual([
      [1, { a: [1, 2.5, null] }],
      [2, null],
      [3, 'just text'],
    ]);
  });

  it('writes the decoded value to another field with `as`, keeping the text', () => {
    const bound = bind({ as: 'doc' });
    expect(bound.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['id:int', 'payload:string', 'doc:json']);
    expect(bound.process([[1, '[1,2]']], failOnReject)).toEqual([[1, '[1,2]', [1, 2]]]);
  });

  it('extracts values at paths into typed fields, NULL where a path is absent', () => {
    const bound = bind({
      fields: {
        customer: '$.customer.name',
        vip: { path: 'customer.vip', type: 'bool' },
        amount: { path: '$.total', type: 'decimal' },
        first_sku: 'items[0].sku',
        first_qty: { path: '$.items[0].qty', type: 'int' },
        paid_at: { path: '$.paid_at', type: 'timestamptz' },
        items: { path: '$.items', type: 'json' },
        coupon: '$.coupon',
      },
      drop_field: true,
    });
    expect(bound.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'id:int',
      'customer:string',
      'vip:bool',
      'amount:decimal',
      'first_sku:string',
      'first_qty:int',
      'paid_at:timestamptz',
      'items:json',
      'coupon:string',
    ]);
    expect(bound.process([[7, order]], failOnReject)).toEqual([
      [7, '张伟', true, '129.90', 'A-1', 2, new Date('2024-03-05T06:07:09Z'), [{ sku: 'A-1', qty: 2 }], null],
    ]);
  });

  it('reads a json column as it is, without parsing its values again', () => {
    const bound = bind({ fields: { name: '$.name' } }, [
      { name: 'id', type: 'int' },
      { name: 'payload', type: 'json' },
    ]);
    expect(bound.process([[1, { name: 'Ada' }]], failOnReject)).toEqual([[1, { name: 'Ada' }, 'Ada']]);
  });

  it('rejects a row whose text is not JSON or whose value does not fit its type', () => {
    const bound = bind({
      fields: { qty: { path: '$.qty', type: 'int' }, at: { path: '$.at', type: 'date' } },
    });
    const rows: Row[] = [
      [1, '{"qty": 3, "at": "2024-03-05"}'],
      [2, '{"qty": 3, "at": '],
      [3, '{"qty": "three"}'],
      [4, '{"qty": 2.5}'],
      [5, '{"qty": 1, "at": "yesterday"}'],
    ];
    const collect = collectingContext();
    expect(bound.process(rows, collect)).toEqual([[1, '{"qty": 3, "at": "2024-03-05"}', 3, '2024-03-05']]);
    expect(collect.rejected.map((r) => [r.row[0], r.error])).toEqual([
      [2, expect.stringMatching(/^field: "\{\\"qty\\": 3, \\"at\\": " is not valid JSON \(.+\)$/)],
      [3, 'fields.qty: "three" is not a whole number'],
      [4, 'fields.qty: "2.5" is not a whole number'],
      [5, "fields.at: cannot CAST 'yesterday' AS DATE"],
    ]);
    expect(collect.rejected[0].row).toBe(rows[1]);
  });

  it('points at the config field that is wrong', () => {
    expect(
      fieldErrorOf(() => jsonDecodeProcessor.create({ field: 'paylod' }, ctx).bind(columns)),
    ).toMatchObject({
      path: 'field',
      message: 'unknown column "paylod" (did you mean "payload"?)',
    });
    expect(fieldErrorOf(() => bind({ fields: { a: { path: '$.a b' } } })).path).toBe('fields.a.path');
    expect(
      fieldErrorOf(() => jsonDecodeProcessor.create({ field: 'p', as: 'x', fields: { a: 'a' } }, ctx)).path,
    ).toBe('as');
    expect(fieldErrorOf(() => jsonDecodeProcessor.create({ field: 'p', drop_field: true }, ctx)).path).toBe(
      'drop_field',
    );
  });
});
