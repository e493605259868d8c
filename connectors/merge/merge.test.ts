import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import type { Column, Row } from '../../src-main/engine/batch';
import { failOnReject } from '../../src-main/engine/component';
import { collectingContext, fieldErrorOf } from '../shared/processor-testing';
import { testContext } from '../shared/test-support';
import { mergeProcessor } from './spec';

const columns: Column[] = [
  { name: 'order_id', type: 'int' },
  { name: 'item', type: 'string' },
  { name: 'qty', type: 'int' },
  { name: 'price', type: 'decimal' },
  { name: 'updated_at', type: 'timestamp' },
  { name: 'note', type: 'string' },
];

type Config = Parameters<typeof mergeProcessor.create>[0];

const bind = (config: Config) => mergeProcessor.create(config, testContext()).bind(columns);
const t = (day: number) => new Date(Date.UTC(2024, 4, day));

const LINES: Row[] = [
  [1, 'apple', 2, '0.40', t(1), null],
  [2, 'pear', 1, '0.55', t(2), 'gift'],
  [1, 'plum', 3, '0.25', t(3), 'rush'],
  [1, null, 1, '0.35', t(2), 'late'],
  [3, 'fig', 5, '1.10', t(1), null],
];

describe('merge processor', () => {
  it('merges the rows of a key by each field’s rule, NULLs skipped', () => {
    const bound = bind({
      key: ['order_id'],
      fields: {
        item: { rule: 'concat', separator: ' + ' },
        qty: 'sum',
        price: 'max',
        updated_at: 'max',
        note: 'last',
      },
    });
    expect(bound.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'order_id:int',
      'item:string',
      'qty:bigint',
      'price:decimal',
      'updated_at:timestamp',
      'note:string',
    ]);
    expect(bound.process(LINES.slice(0, 2), failOnReject)).toEqual([]);
    expect(bound.process(LINES.slice(2), failOnReject)).toEqual([]);
    expect(bound.flush?.(failOnReject)).toEqual([
      [1, 'apple + plum', 6, '0.40', t(3), 'late'],
      [2, 'pear', 1, '0.55', t(2), 'gift'],
      [3, 'fig', 5, '1.10', t(1), null],
    ]);
  });

  it('collects values into a JSON array, sums decimals exactly, takes the first value by default', () => {
    const bound = bind({ key: ['order_id'], fields: { item: 'collect', price: 'sum', qty: 'min' } });
    expect(bound.columns.find((c) => c.name === 'item')?.type).toBe('json');
    bound.process(LINES, failOnReject);
    expect(bound.flush?.(failOnReject)).toEqual([
      [1, ['apple', 'plum'], 1, '1.00', t(1), 'rush'],
      [2, ['pear'], 1, '0.55', t(2), 'gift'],
      [3, ['fig'], 5, '1.10', t(1), null],
    ]);
  });

  it('default: last keeps the latest non-NULL value of every field', () => {
    const bound = bind({ key: ['order_id'], default: 'last' });
    bound.process(LINES, failOnReject);
    expect(bound.flush?.(failOnReject)?.[0]).toEqual([1, 'plum', 1, '0.35', t(2), 'late']);
  });

  it('with sorted input, a merged row goes out as soon as the key changes', () => {
    const bound = bind({ key: ['order_id'], fields: { qty: 'sum' }, sorted: true });
    const sorted = [...LINES].sort((a, b) => (a[0] as number) - (b[0] as number));
    expect(bound.process(sorted.slice(0, 2), failOnReject)).toEqual([]);
    // The third line of order 1 completes nothing; the pear starts order 2, so order 1 goes out.
    expect(bound.process(sorted.slice(2, 4), failOnReject)).toEqual([[1, 'apple', 6, '0.40', t(1), 'rush']]);
    expect(bound.process(sorted.slice(4), failOnReject)).toEqual([[2, 'pear', 1, '0.55', t(2), 'gift']]);
    expect(bound.flush?.(failOnReject)).toEqual([[3, 'fig', 5, '1.10', t(1), null]]);
  });

  it('merges rows with a NULL key together', () => {
    const bound = bind({ key: ['note'], fields: { qty: 'sum' } });
    bound.process(LINES, failOnReject);
    expect(bound.flush?.(failOnReject)?.map((r) => [r[5], r[2]])).toEqual([
      [null, 7],
      ['gift', 1],
      ['rush', 3],
      ['late', 1],
    ]);
  });

  it('rejects a row with a value its rule cannot take, leaving the merged row as it was', () => {
    const text: Column[] = [
      { name: 'k', type: 'string' },
      { name: 'amount', type: 'string' },
    ];
    const bound = mergeProcessor.create({ key: ['k'], fields: { amount: 'sum' } }, testContext()).bind(text);
    const ctx = collectingContext();
    bound.process(
      [
        ['a', '1.5'],
        ['a', 'n/a'],
        ['a', '2'],
      ],
      ctx,
    );
    expect(ctx.rejected.map((r) => r.error)).toEqual(['amount: not a number: "n/a"']);
    expect(bound.flush?.(failOnReject)).toEqual([['a', '3.5']]);
  });

  it('has examples that fit its schema and create', () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(mergeProcessor.schema);
    for (const example of mergeProcessor.examples ?? []) {
      expect(validate(example.config), `${example.title}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(() => mergeProcessor.create(example.config as never, testContext())).not.toThrow();
    }
  });

  describe('config errors', () => {
    it('names an unknown field and a rule on a key field', () => {
      const unknown = fieldErrorOf(() => bind({ key: ['order_id'], fields: { qtty: 'sum' } }));
      expect([unknown.path, unknown.message]).toEqual([
        'fields.qtty',
        'unknown column "qtty" (did you mean "qty"?)',
      ]);
      const onKey = fieldErrorOf(() => bind({ key: ['order_id'], fields: { order_id: 'sum' } }));
      expect(onKey.message).toBe('"order_id" is a key field: it is the same in every row merged');
    });

    it('refuses a rule that does not fit the field’s type', () => {
      const error = fieldErrorOf(() => bind({ key: ['order_id'], fields: { updated_at: 'sum' } }));
      expect([error.path, error.message]).toEqual([
        'fields.updated_at',
        'sum takes numbers (int, bigint, float, decimal or numeric text), not timestamp ("updated_at" is timestamp)',
      ]);
      const separator = fieldErrorOf(() =>
        bind({ key: ['order_id'], fields: { qty: { rule: 'sum', separator: ';' } } }),
      );
      expect([separator.path, separator.message]).toEqual([
        'fields.qty.separator',
        'a separator is for concat, not sum',
      ]);
    });
  });
});
