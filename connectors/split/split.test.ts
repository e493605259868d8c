import { describe, expect, it } from 'vitest';
import type { Column, Row } from '../../src-main/engine/batch';
import { failOnReject } from '../../src-main/engine/component';
import { collectingContext, fieldErrorOf } from '../shared/processor-testing';
import { testContext } from '../shared/test-support';
import type { Static } from '@sinclair/typebox';
import { splitProcessor, type SplitSchema } from './spec';

const ctx = testContext();

const textColumns: Column[] = [
  { name: 'id', type: 'int' },
  { name: 'tags', type: 'string' },
];
const jsonColumns: Column[] = [
  { name: 'order_id', type: 'int' },
  { name: 'items', type: 'json' },
];

const split = (config: Static<typeof SplitSchema>, columns: Column[], rows: Row[]) => {
  const bound = splitProcessor.create(config, ctx).bind(columns);
  return { columns: bound.columns, rows: bound.process(rows, failOnReject) };
};

describe('split processor', () => {
  it('cuts delimited text into one row per piece, trimmed, leaving out empty pieces and empty values', () => {
    const result = split({ field: 'tags', delimiter: ',' }, textColumns, [
      [1, 'red, green ,blue'],
      [2, 'solo'],
      [3, 'a,,b,'],
      [4, ''],
      [5, null],
    ]);
    expect(result.columns).toEqual(textColumns);
    expect(result.rows).toEqual([
      [1, 'red'],
      [1, 'green'],
      [1, 'blue'],
      [2, 'solo'],
      [3, 'a'],
      [3, 'b'],
    ]);
  });

  it('keeps empty pieces and empty lists with keep_empty, and numbers positions from 0', () => {
    const result = split(
      { field: 'tags', delimiter: ' | ', as: 'tag', keep_empty: true, index_field: 'position', trim: false },
      textColumns,
      [
        [1, 'x |  | y '],
        [2, null],
      ],
    );
    expect(result.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'id:int',
      'tags:string',
      'tag:string',
      'position:int',
    ]);
    expect(result.rows).toEqual([
      [1, 'x |  | y ', 'x', 0],
      [1, 'x |  | y ', '', 1],
      [1, 'x |  | y ', 'y ', 2],
      [2, null, null, null],
    ]);
  });

  it('splits a JSON array, its elements as JSON or converted to a type', () => {
    const items = [{ sku: 'A-1', qty: 2 }, null, { sku: 'B-7', qty: 1 }];
    const asJson = split({ field: 'items', as: 'item', index_field: 'line' }, jsonColumns, [[10, items]]);
    expect(asJson.columns.slice(2)).toEqual([
      { name: 'item', type: 'json' },
      { name: 'line', type: 'int' },
    ]);
    expect(asJson.rows).toEqual([
      [10, items, items[0], 0],
      [10, items, items[2], 2],
    ]);
    const numbers = split({ field: 'items', element_type: 'decimal' }, jsonColumns, [[11, [1.5, '2.25', 3]]]);
    expect(numbers.columns[1]).toEqual({ name: 'items', type: 'decimal' });
    expect(numbers.rows).toEqual([
      [11, '1.5'],
      [11, '2.25'],
      [11, '3'],
    ]);
    const words = split({ field: 'items', element_type: 'string' }, jsonColumns, [[12, ['新', 'sale']]]);
    expect(words.rows).toEqual([
      [12, '新'],
      [12, 'sale'],
    ]);
  });

  it('rejects a row whose field is no list or whose element does not convert, none of its pieces kept', () => {
    const bound = splitProcessor.create({ field: 'items', element_type: 'int' }, ctx).bind(jsonColumns);
    const rows: Row[] = [
      [1, [1, 2]],
      [2, { not: 'a list' }],
      [3, [1, 'two', 3]],
      [4, '1,2'],
    ];
    const collect = collectingContext();
    expect(bound.process(rows, collect)).toEqual([
      [1, 1],
      [1, 2],
    ]);
    expect(collect.rejected.map((r) => [r.row[0], r.error])).toEqual([
      [2, 'field: expected an array, got object'],
      [3, 'element 1: "two" is not a whole number'],
      [4, 'field: expected an array, got text "1,2"'],
    ]);
  });

  it('asks for a delimiter for a text field and names an unknown field', () => {
    expect(fieldErrorOf(() => splitProcessor.create({ field: 'tags' }, ctx).bind(textColumns))).toMatchObject(
      {
        path: 'delimiter',
        message: '"tags" is text: give the delimiter to cut it at',
      },
    );
    expect(
      fieldErrorOf(() => splitProcessor.create({ field: 'tag', delimiter: ',' }, ctx).bind(textColumns)),
    ).toMatchObject({ path: 'field', message: 'unknown column "tag" (did you mean "tags"?)' });
    expect(
      fieldErrorOf(() =>
        splitProcessor.create({ field: 'tags', delimiter: ',', index_field: 'tags' }, ctx).bind(textColumns),
      ).path,
    ).toBe('index_field');
  });
});
