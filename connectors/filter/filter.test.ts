import { describe, expect, it } from 'vitest';
import type { Column } from '../../src-main/engine/batch';
import { failOnReject, FieldError } from '../../src-main/engine/component';
import { testContext } from '../shared/test-support';
import { filterProcessor } from './spec';

const ctx = testContext();

const columns: Column[] = [
  { name: 'id', type: 'int' },
  { name: 'qty', type: 'string' },
  { name: 'status', type: 'string' },
];

const bind = (condition: string) => filterProcessor.create({ condition }, ctx).bind(columns);

describe('filter processor', () => {
  it('keeps the rows whose condition is true and passes columns through', () => {
    const bound = bind("qty > 0 AND status <> 'void'");
    expect(bound.columns).toBe(columns);
    const rows = [
      [1, '3', 'paid'],
      [2, '0', 'paid'],
      [3, '5', 'void'],
      [4, null, 'paid'],
      [5, '12', null],
      [6, '1', 'pending'],
    ];
    expect(bound.process(rows, failOnReject).map((r) => r[0])).toEqual([1, 6]);
  });

  it('keeps rows unchanged (same values, same order) across batches', () => {
    const bound = bind('id % 2 = 0');
    expect(
      bound.process(
        [
          [1, 'a', 'x'],
          [2, 'b', 'y'],
        ],
        failOnReject,
      ),
    ).toEqual([[2, 'b', 'y']]);
    expect(
      bound.process(
        [
          [4, 'c', 'z'],
          [3, 'd', 'w'],
        ],
        failOnReject,
      ),
    ).toEqual([[4, 'c', 'z']]);
    expect(bound.process([], failOnReject)).toEqual([]);
  });

  it('reports a misspelt column as a field error on condition', () => {
    expect(() => bind('qtty > 0')).toThrow(FieldError);
    try {
      bind('qtty > 0');
    } catch (err) {
      expect((err as FieldError).path).toBe('condition');
      expect((err as FieldError).message).toBe('unknown column "qtty" (did you mean "qty"?)');
      expect((err as FieldError).offset).toBe(1);
    }
  });

  it('reports a syntax error with its place', () => {
    expect(() => bind('qty > AND id = 1')).toThrow(
      expect.objectContaining({ message: "syntax error near 'AND'", offset: 7 }),
    );
  });
});
